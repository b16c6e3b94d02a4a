import { describe, expect, it } from 'vitest';
import { referenceBackend as ref } from '../src/backend.js';
import { narrowToHalf, numberToBfloat16, numberToFloat16, widenHalf } from '../src/half.js';
import type { AxisLayout, BlockLayout, HalfDType } from '../src/types.js';

// The reference's per-axis and blocked kernels on half data cut a tensor into pieces of at most 4096 elements
// (kernels/half-layouts.ts). Each piece shape below takes another branch of that cut: whole outer slices, whole
// channels or blocks of one slice, rows of one block, parts of one channel, parts of one row. Each must equal the
// float32 kernel on the exact widening (SPEC §12) — and, for dequantize, the exact products rounded once.

const SHAPES: readonly { readonly name: string; readonly shape: readonly number[]; readonly axis: number; readonly blockSize: number }[] = [
  { name: 'whole slices', shape: [300, 7, 3], axis: 1, blockSize: 3 },
  { name: 'whole channels / blocks of a slice', shape: [3, 700, 9], axis: 1, blockSize: 5 },
  { name: 'rows of one block (block > piece)', shape: [2, 1300, 7], axis: 1, blockSize: 1000 },
  { name: 'parts of a channel / of a row (inner > piece)', shape: [2, 3, 5000], axis: 1, blockSize: 2 },
  { name: 'last axis, long rows', shape: [3, 9001], axis: 1, blockSize: 4100 },
  { name: 'first axis, long channels', shape: [5, 4099], axis: 0, blockSize: 3 },
];

/** The first index where a and b differ (as values; NaN equals NaN), or -1 (toEqual is slow on long arrays). */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const prod = (a: readonly number[]): number => a.reduce((p, d) => p * d, 1);

function layouts(shape: readonly number[], axis: number, blockSize: number): { perAxis: AxisLayout; block: BlockLayout } {
  const outer = prod(shape.slice(0, axis));
  const inner = prod(shape.slice(axis + 1));
  return { perAxis: { outer, channels: shape[axis]!, inner }, block: { outer, dim: shape[axis]!, inner, blockSize } };
}

function randomHalves(n: number, dtype: HalfDType, seed: number): Uint16Array {
  const bits = new Uint16Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = ((s / 2 ** 32) * 2 - 1) * 40;
    bits[i] = i % 997 === 5 ? 0x7e00 : dtype === 'float16' ? numberToFloat16(v) : numberToBfloat16(v);
  }
  return bits;
}

describe.each(['float16', 'bfloat16'] as const)('per-axis and blocked kernels on %s data', (dtype) => {
  it.each(SHAPES)('$name: equal the float32 kernels on the widening', ({ shape, axis, blockSize }) => {
    const n = prod(shape);
    const { perAxis, block } = layouts(shape, axis, blockSize);
    const x = randomHalves(n, dtype, n + axis);
    const wide = new Float32Array(n);
    widenHalf(x, dtype, 0, n, wide);
    const spec = { qmin: 0, qmax: 255, profile: 'onnx' } as const;

    for (const [kind, groups] of [['axis', perAxis.channels], ['block', block.outer * Math.ceil(block.dim / block.blockSize) * block.inner]] as const) {
      const min = new Float64Array(groups);
      const max = new Float64Array(groups);
      const hMin = new Float64Array(groups);
      const hMax = new Float64Array(groups);
      if (kind === 'axis') {
        ref.minMaxAxis(wide, perAxis, min, max);
        ref.minMaxAxisHalf(x, dtype, perAxis, hMin, hMax);
      } else {
        ref.minMaxBlocked(wide, block, min, max);
        ref.minMaxBlockedHalf(x, dtype, block, hMin, hMax);
      }
      expect(firstDiff(hMin, min)).toBe(-1);
      expect(firstDiff(hMax, max)).toBe(-1);

      const scales = Float32Array.from(min, (lo, g) => Math.fround(Math.max((max[g]! - lo) / 255, 1e-3)));
      const zps = Int32Array.from(min, (lo, g) => Math.min(255, Math.max(0, Math.round(-lo / scales[g]!))));
      const want = new Uint8Array(n);
      const got = new Uint8Array(n);
      const exact = new Float64Array(n);
      const wantHalf = new Uint16Array(n);
      const gotHalf = new Uint16Array(n);
      if (kind === 'axis') {
        ref.quantizeAxis(wide, scales, zps, perAxis, spec, want);
        ref.quantizeAxisHalf(x, dtype, scales, zps, perAxis, spec, got);
        ref.dequantizeAxis(want, scales, zps, perAxis, exact);
        ref.dequantizeAxisHalf(want, scales, zps, perAxis, dtype, gotHalf);
      } else {
        ref.quantizeBlocked(wide, scales, zps, block, spec, want);
        ref.quantizeBlockedHalf(x, dtype, scales, zps, block, spec, got);
        ref.dequantizeBlocked(want, scales, zps, block, exact);
        ref.dequantizeBlockedHalf(want, scales, zps, block, dtype, gotHalf);
      }
      expect(firstDiff(got, want)).toBe(-1);
      narrowToHalf(exact, dtype, wantHalf);
      expect(firstDiff(gotHalf, wantHalf)).toBe(-1);
    }
  });
});

describe('half layout kernels on empty tensors', () => {
  it('write nothing and give empty ranges', () => {
    const min = new Float64Array(3);
    const max = new Float64Array(3);
    ref.minMaxAxisHalf(new Uint16Array(0), 'float16', { outer: 0, channels: 3, inner: 4 }, min, max);
    expect([...min]).toEqual([Infinity, Infinity, Infinity]);
    expect([...max]).toEqual([-Infinity, -Infinity, -Infinity]);
    const out = new Uint8Array(0);
    ref.quantizeBlockedHalf(new Uint16Array(0), 'bfloat16', new Float32Array(0), new Int32Array(0), { outer: 0, dim: 5, inner: 2, blockSize: 2 }, { qmin: 0, qmax: 255, profile: 'onnx' }, out);
    expect(out.length).toBe(0);
  });
});
