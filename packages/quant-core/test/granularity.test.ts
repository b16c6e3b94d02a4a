import { describe, expect, it } from 'vitest';
import { dequantize, quantize, type FloatArray } from './helpers/api.js';
import { Rng } from './helpers/rng.js';

/** Deterministic pseudo-random values in [-10, 10), so failures reproduce. */
function randomValues(n: number, seed: number, Ctor: typeof Float32Array | typeof Float64Array = Float32Array): FloatArray {
  const rng = new Rng(seed);
  const out = new Ctor(n);
  for (let i = 0; i < n; i++) out[i] = (rng.next() * 2 - 1) * 10;
  return out;
}

/** Row-major coordinates of a flat index. */
function coords(index: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = index % shape[d]!;
    index = Math.floor(index / shape[d]!);
  }
  return c;
}

/** Group index of an element, computed from coordinates the slow and obvious way. */
function groupOf(index: number, shape: readonly number[], axis: number, blockSize?: number): number {
  const c = coords(index, shape);
  if (blockSize === undefined) return c[axis]!;
  const scaleShape = shape.map((d, i) => (i === axis ? Math.ceil(d / blockSize) : d));
  c[axis] = Math.floor(c[axis]! / blockSize);
  return c.reduce((acc, v, i) => acc * scaleShape[i]! + v, 0);
}

const shapes = [[7], [3, 5], [2, 3, 4], [4, 1, 6], [2, 0, 3]];

describe('per-axis and blocked granularity on every axis', () => {
  for (const shape of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    for (let axis = 0; axis < shape.length; axis++) {
      for (const blockSize of [undefined, 1, 2, 3, 5]) {
        for (const scheme of ['affine', 'symmetric'] as const) {
          const label = `shape [${shape}] axis ${axis} ${blockSize === undefined ? 'per-axis' : `block ${blockSize}`} ${scheme}`;
          it(label, () => {
            const x = randomValues(n, n * 31 + axis * 7 + (blockSize ?? 0));
            const granularity = blockSize === undefined ? { axis } : { axis, blockSize };
            const qt = quantize(x, { shape, granularity, scheme });
            const scales = qt.scale as FloatArray;
            const zps = qt.zeroPoint as Int32Array;
            const y = dequantize(qt);
            for (let i = 0; i < n; i++) {
              const g = groupOf(i, shape, axis, blockSize);
              // Each element quantized alone with its group's parameters must give the same code.
              const alone = quantize(x.subarray(i, i + 1), { scheme, scale: scales[g]!, zeroPoint: zps[g]! });
              expect(qt.data[i], `${label} element ${i}`).toBe(alone.data[0]);
              expect(y[i]).toBe(Math.fround((qt.data[i]! - zps[g]!) * scales[g]!));
            }
          });
        }
      }
    }
  }

  it('negative axes count from the end and are normalised', () => {
    const qt = quantize(randomValues(12, 1), { shape: [3, 4], granularity: { axis: -1, blockSize: 3 } });
    expect(qt.axis).toBe(1);
    expect(qt.blockSize).toBe(3);
    expect((qt.scale as FloatArray).length).toBe(3 * 2);
  });

  it('Float64Array inputs keep float64 per-group scales', () => {
    const qt = quantize(randomValues(12, 2, Float64Array), { shape: [3, 4], granularity: { axis: 0 } });
    expect(qt.scale).toBeInstanceOf(Float64Array);
    expect(dequantize(qt)).toBeInstanceOf(Float64Array);
  });
});
