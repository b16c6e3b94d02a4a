import { describe, expect, it } from 'vitest';
import { computeQParams, dequantize, qparamsFromRange, quantize, storageSpec } from './helpers/api.js';
import { ONNX_VECTORS_PATH } from './helpers/onnx-cases.js';
import { readFileSync } from 'node:fs';

interface DynCase { name: string; op: string; inputs: { x: { data: number[] } }; output: { y: { data: number[] }; y_scale: { data: number[] }; y_zero_point: { data: number[] } } }
const cases = (JSON.parse(readFileSync(ONNX_VECTORS_PATH, 'utf8')) as { cases: DynCase[] }).cases.filter(
  (c) => c.op === 'DynamicQuantizeLinear',
);

describe('parameter selection', () => {
  for (const c of cases) {
    it(`uint8 affine min/max parameters reproduce ONNX ${c.name}`, () => {
      const qt = quantize(new Float32Array(c.inputs.x.data));
      expect(qt.scale).toBe(c.output.y_scale.data[0]);
      expect(qt.zeroPoint).toBe(c.output.y_zero_point.data[0]);
      expect(Array.from(qt.data)).toEqual(c.output.y.data);
    });
  }

  it('widens the affine range to include 0 so that 0.0 is exact', () => {
    const x = new Float32Array([3, 5, 7]);
    const qt = quantize(x);
    expect(qt.zeroPoint).toBe(0);
    expect(qt.scale).toBe(Math.fround(7 / 255));
    const neg = quantize(new Float32Array([-7, -3]));
    expect(neg.zeroPoint).toBe(255);
    expect(dequantize(quantize(new Float32Array([-1, 0, 2.5])))[1]).toBe(0);
  });

  it('symmetric scale divides the abs-max by 2^(b-1) - 1, also with narrowRange', () => {
    const x = new Float64Array([-3, 1.5]);
    expect(computeQParams(x, { scheme: 'symmetric', bits: 8 }).scale).toBe(3 / 127);
    const narrow = computeQParams(x, { scheme: 'symmetric', bits: 8, narrowRange: true });
    expect(narrow.scale).toBe(3 / 127);
    expect([narrow.qmin, narrow.qmax]).toEqual([-127, 127]);
    expect(computeQParams(x, { scheme: 'symmetric', bits: 4 }).scale).toBe(3 / 7);
  });

  it('float32 inputs get float32 scales, float64 inputs float64 scales', () => {
    const values = [-1.1, 2.3];
    expect(computeQParams(new Float32Array(values)).scale).toBe(Math.fround((Math.fround(2.3) - Math.fround(-1.1)) / 255));
    expect(computeQParams(new Float64Array(values)).scale).toBe((2.3 + 1.1) / 255);
  });

  it('all-zero, constant and empty inputs get a finite positive scale and round-trip exactly', () => {
    for (const x of [new Float32Array(5), new Float32Array(0), new Float64Array([0, -0])]) {
      const qt = quantize(x);
      expect(qt.scale).toBe(1);
      expect(Array.from(dequantize(qt))).toEqual(Array.from(x, () => 0));
    }
    const c = new Float32Array(7).fill(2.5);
    const qc = quantize(c);
    expect(qc.scale).toBeGreaterThan(0);
    expect(Array.from(dequantize(qc))).toEqual(Array.from(c));
    const s = quantize(new Float32Array(3).fill(-4), { scheme: 'symmetric' });
    expect(Array.from(dequantize(s))).toEqual([-4, -4, -4]);
  });

  it('tiny ranges never produce a subnormal or zero scale', () => {
    const x = new Float32Array([0, 1e-44]);
    expect(quantize(x).scale).toBe(2 ** -126);
    expect(qparamsFromRange(0, 1e-320, 'affine', storageSpec('affine', 8), 'float64').scale).toBe(2 ** -1022);
  });

  it('ignores NaN when it computes a range', () => {
    const qt = quantize(new Float32Array([NaN, -1, 1, NaN]), { scheme: 'symmetric' });
    expect(qt.scale).toBe(Math.fround(1 / 127));
  });

  it('per-axis and blocked parameters are computed per group', () => {
    const x = new Float32Array([1, 2, 3, -4, -5, 6]); // shape [2, 3]
    const axis0 = computeQParams(x, { scheme: 'symmetric', granularity: { axis: 0 }, shape: [2, 3] });
    expect(Array.from(axis0.scale as Float32Array)).toEqual([Math.fround(3 / 127), Math.fround(6 / 127)]);
    const axis1 = computeQParams(x, { scheme: 'symmetric', granularity: { axis: -1 }, shape: [2, 3] });
    expect(Array.from(axis1.scale as Float32Array)).toEqual([4, 5, 6].map((v) => Math.fround(v / 127)));
    const blocked = computeQParams(x, { scheme: 'symmetric', granularity: { axis: 1, blockSize: 2 }, shape: [2, 3] });
    expect(blocked.scaleShape).toEqual([2, 2]);
    expect(Array.from(blocked.scale as Float32Array)).toEqual([2, 3, 5, 6].map((v) => Math.fround(v / 127)));
  });

  it('explicit ranges are used as given (one per group for per-axis)', () => {
    const x = new Float32Array([0, 100]);
    expect(quantize(x, { range: { min: 0, max: 1 } }).data[1]).toBe(255);
    const qt = quantize(new Float32Array([1, 1, 1, 1]), { shape: [2, 2], granularity: { axis: 0 }, range: { min: [0, 0], max: [2.55, 255] } });
    expect(Array.from(qt.data)).toEqual([100, 100, 1, 1]);
  });
});

describe('parameters for many groups at once (qparamsFromRanges)', () => {
  it('gives every group what qparamsFromRange gives its range, degenerate ranges included', async () => {
    const { qparamsFromRanges } = await import('../src/params.js');
    const min = Float64Array.of(-1, Infinity, 0, 3, -2.5e-40, -7, -1e-3, -0);
    const max = Float64Array.of(2, -Infinity, 0, 5, 1e-40, -3, 1e6, -0);
    for (const scheme of ['affine', 'symmetric'] as const) {
      for (const bits of [2, 4, 8, 16]) {
        const spec = storageSpec(scheme, bits);
        for (const dtype of ['float32', 'float64'] as const) {
          const scales = dtype === 'float32' ? new Float32Array(min.length) : new Float64Array(min.length);
          const zps = new Int32Array(min.length);
          qparamsFromRanges(min, max, scheme, spec, dtype, scales, zps);
          for (let i = 0; i < min.length; i++) {
            const q = qparamsFromRange(min[i]!, max[i]!, scheme, spec, dtype);
            expect([scales[i], zps[i]], `${scheme} ${bits} ${dtype} group ${i}`).toEqual([q.scale, q.zeroPoint]);
          }
          expect([scales[1], zps[1]]).toEqual([1, scheme === 'affine' ? spec.qmin : 0]); // empty range
          if (dtype === 'float32') expect(scales[4]).toBe(2 ** -126); // a subnormal float32 scale -> the smallest normal
        }
      }
    }
  });

  it('fails on the first bad range with its values in the message', async () => {
    const { qparamsFromRanges } = await import('../src/params.js');
    const run = (lo: number, hi: number) => () =>
      qparamsFromRanges(Float64Array.of(0, lo), Float64Array.of(1, hi), 'affine', storageSpec('affine', 8), 'float32', new Float32Array(2), new Int32Array(2));
    expect(run(2, 1)).toThrow('range must satisfy min <= max, got [2, 1]');
    expect(run(NaN, 1)).toThrow('range must satisfy min <= max');
    expect(run(-Infinity, 1)).toThrow('range must be finite, got [-Infinity, 1]');
    expect(run(-1e300, 1e300)).toThrow('is too wide for a float32 scale');
  });
});
