import { describe, expect, it } from 'vitest';
import { ErrorAccumulator, errorReportOf, fakeQuantizeWithError, kernels, quantizationError, referenceBackend } from './helpers/api.js';

/*
 * Issue 19: one NaN in 100k values turned every metric into NaN, and quantizationError returned cosine 0 beside NaN
 * metrics. Pairs where either value is NaN are left out of every metric and counted in nanCount (SPEC §6).
 */

function withNaN(n: number, nanAt: readonly number[]): Float64Array {
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 4);
  for (const i of nanAt) x[i] = NaN;
  return x;
}

const without = (a: ArrayLike<number>, skip: ReadonlySet<number>): number[] => Array.from(a).filter((_, i) => !skip.has(i));

describe('NaN-aware error metrics', () => {
  it('leave NaN pairs out and count them', () => {
    const r = quantizationError([1, NaN, 3, 4], [1.5, 2, NaN, 4]);
    expect(r.nanCount).toBe(2);
    expect(r).toEqual({ ...quantizationError([1, 4], [1.5, 4]), nanCount: 2 });
    expect(r.mse).toBe(0.125);
  });

  it('one NaN among 100k values changes the metrics only by leaving that value out', () => {
    const n = 100_000;
    const x = withNaN(n, [4321]);
    const approx = x.map((v) => Math.round(v * 16) / 16);
    const r = quantizationError(x, approx);
    for (const k of ['mse', 'rmse', 'maxAbs', 'meanAbs', 'sqnrDb', 'cosine'] as const) expect(Number.isFinite(r[k]), k).toBe(true);
    // The NaN pair keeps its index (the pairs after it stay in their lanes, SPEC §6), so its sums are exactly those of
    // the data with a (0, 0) pair in its place: that adds +0 to a lane that is never -0 and |d| = 0 to the maximum.
    const zeroed = (a: Float64Array): Float64Array => a.map((v, i) => (i === 4321 ? 0 : v));
    const skipping = new ErrorAccumulator();
    skipping.addRangeSkippingNaN(x, approx, 0, n);
    const sums = skipping.finish();
    const zero = new ErrorAccumulator();
    zero.addRange(zeroed(x), zeroed(approx), 0, n);
    expect(sums).toEqual({ ...zero.finish(), nanCount: 1 });
    expect(r).toEqual(errorReportOf(sums, n));
    // Against the data without that pair, only the rounding of the sums may differ (its later pairs change lanes).
    const skip = new Set([4321]);
    const shorter = quantizationError(without(x, skip), without(approx, skip));
    expect(shorter.nanCount).toBe(0);
    expect(r.maxAbs).toBe(shorter.maxAbs);
    for (const k of ['mse', 'rmse', 'meanAbs', 'sqnrDb', 'cosine'] as const) expect(Math.abs(r[k] - shorter[k]), k).toBeLessThanOrEqual(1e-12 * Math.abs(shorter[k]));
  });

  it('with nothing left (all NaN) every metric is NaN, cosine included', () => {
    expect(quantizationError([NaN, NaN], [1, NaN])).toEqual({ mse: NaN, rmse: NaN, maxAbs: NaN, meanAbs: NaN, sqnrDb: NaN, cosine: NaN, nanCount: 2 });
  });

  it('an empty input still has no error', () => {
    expect(quantizationError([], [])).toEqual({ mse: 0, rmse: 0, maxAbs: 0, meanAbs: 0, sqnrDb: Infinity, cosine: 1, nanCount: 0 });
  });

  it('fakeQuantizeWithError reports them per tensor (a backend kernel) and per axis (two kernels)', () => {
    const x = Float32Array.from(withNaN(4096, [0, 17, 4095]));
    for (const options of [{}, { shape: [64, 64], granularity: { axis: 0 } }, { shape: [64, 64], granularity: { axis: 1, blockSize: 16 } }] as const) {
      const { values, error } = fakeQuantizeWithError(x, options);
      expect(error.nanCount, JSON.stringify(options)).toBe(3);
      expect(error).toEqual(quantizationError(x, values));
      expect(Number.isFinite(error.mse)).toBe(true);
    }
  });

  it('a fakeQuantizeTensor kernel sums every pair (its contract); the API measures again, leaving NaN out', () => {
    const x = Float32Array.from(withNaN(1000, [500]));
    const spec = { qmin: 0, qmax: 255, profile: 'onnx' } as const;
    const out = new Float32Array(1000);
    const raw = kernels.fakeQuantizeTensor(x, 0.05, 128, spec, out);
    expect(raw.mse).toBeNaN();
    expect(raw).toEqual(referenceBackend.fakeQuantizeTensor(x, 0.05, 128, spec, new Float32Array(1000)));
    const { values, error } = fakeQuantizeWithError(x, { scale: 0.05, zeroPoint: 128 });
    expect(values).toEqual(out);
    expect(error).toEqual(quantizationError(x, out));
    expect(error.nanCount).toBe(1);
  });
});
