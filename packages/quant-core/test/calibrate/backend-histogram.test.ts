import { describe, expect, it } from 'vitest';
import { absHistogram, calibrateRange, createKernelApi, createQuantApi, ErrorCodes, histogram, referenceBackend } from '../../src/index.js';
import { errorCodeOf } from '../helpers/api.js';
import type { Backend, HistogramCounts } from '../../src/index.js';


/** The reference backend with its histogram kernels recorded (and the capability set as given). */
function recordingBackend(capability: boolean): { backend: Backend; calls: string[] } {
  const calls: string[] = [];
  const backend: Backend = {
    ...referenceBackend,
    name: 'recording',
    capabilities: { ...referenceBackend.capabilities, histogram: capability },
    histogram(x, min, max, counts) {
      calls.push('histogram');
      referenceBackend.histogram(x, min, max, counts);
    },
    absHistogram(x, min, max, counts) {
      calls.push('absHistogram');
      referenceBackend.absHistogram(x, min, max, counts);
    },
  };
  return { backend, calls };
}

describe('histograms in the Backend interface', () => {
  it('the reference backend has them, with the exported functions’ counts', () => {
    expect(referenceBackend.capabilities.histogram).toBe(true);
    const x = Float32Array.of(-2, -1, -0.5, 0, 0.5, 1, 2, NaN, Infinity);
    for (const [run, exported] of [
      [referenceBackend.histogram, histogram],
      [referenceBackend.absHistogram, absHistogram],
    ] as const) {
      const a: HistogramCounts = new Uint32Array(4);
      const b: HistogramCounts = new Uint32Array(4);
      run(x, 0, 1, a);
      exported(x, 0, 1, b);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
  });

  it('bins a subnormal span like `| 0` does: f overflows and every value lands in bin 0', () => {
    const counts = new Float64Array(8);
    referenceBackend.histogram(Float64Array.of(0, 5e-324, -0), 0, 5e-324, counts);
    expect(Array.from(counts)).toEqual([3, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('the kernel API validates, with the same codes as the exported functions, then calls the backend', () => {
    const { backend, calls } = recordingBackend(true);
    const k = createKernelApi(backend);
    const x = new Float32Array(4);
    expect(errorCodeOf(() => k.histogram([1] as unknown as Float32Array, 0, 1, new Uint32Array(2)))).toBe(ErrorCodes.INPUT_TYPE);
    expect(errorCodeOf(() => k.histogram(x, 1, 0, new Uint32Array(2)))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => k.histogram(x, -Infinity, 0, new Uint32Array(2)))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => k.histogram(x, -1e308, 1e308, new Uint32Array(2)))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => k.absHistogram(x, -1, 1, new Uint32Array(2)))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => k.histogram(x, 0, 1, new Uint32Array(0)))).toBe(ErrorCodes.OUTPUT);
    expect(errorCodeOf(() => k.histogram(x, 0, 1, new Int32Array(2) as unknown as Uint32Array))).toBe(ErrorCodes.OUTPUT);
    expect(calls).toEqual([]);
    const counts = new Uint32Array(2);
    k.histogram(Float32Array.of(0, 1, 1), 0, 1, counts);
    k.absHistogram(Float32Array.of(-1), 0, 1, counts);
    k.histogram(x, 2, 2, counts); // min == max is allowed, as in histogram()
    expect(Array.from(counts)).toEqual([1, 3]);
    expect(calls).toEqual(['histogram', 'absHistogram', 'histogram']);
  });

  it('calibration bins with the backend when it has the capability, and with the reference otherwise', () => {
    const x = new Float32Array(3000).map((_, i) => Math.sin(i) * (i % 97 === 0 ? 40 : 1));
    const methods = [{ method: 'entropy' }, { method: 'histogram' }, { method: 'mse' }, { method: 'percentile', exactLimit: 100 }] as const;
    for (const capability of [true, false]) {
      for (const spec of methods) {
        for (const scheme of ['symmetric', 'affine'] as const) {
          const { backend, calls } = recordingBackend(capability);
          const range = calibrateRange(x, spec, { scheme }, backend);
          expect(range).toStrictEqual(calibrateRange(x, spec, { scheme }));
          expect(calls.length > 0, `${spec.method} ${scheme}`).toBe(capability);
        }
      }
    }
  });

  it('createQuantApi calibrates on its own backend', () => {
    const { backend, calls } = recordingBackend(true);
    const x = new Float32Array(500).map((_, i) => Math.cos(i));
    const range = { method: 'percentile', percentile: 99, exactLimit: 10 } as const;
    const q = createQuantApi(backend).computeQParams(x, { range });
    expect(q).toStrictEqual(createQuantApi(referenceBackend).computeQParams(x, { range }));
    expect(calls).toEqual(['histogram', 'histogram', 'histogram', 'histogram']);
  });

  it('a backend object without the methods (an earlier interface) falls back to the reference histograms', () => {
    const { histogram: _h, absHistogram: _a, ...rest } = referenceBackend;
    const old = rest as unknown as Backend;
    const x = new Float32Array(200).map((_, i) => (i % 13) - 6);
    expect(calibrateRange(x, { method: 'entropy' }, { scheme: 'symmetric' }, old)).toStrictEqual(calibrateRange(x, { method: 'entropy' }, { scheme: 'symmetric' }));
  });
});
