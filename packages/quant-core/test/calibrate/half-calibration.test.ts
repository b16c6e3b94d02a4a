import { describe, expect, it } from 'vitest';
import {
  calibrateGroups, createAsyncQuantApi, createKernelApi, quantize, referenceBackend, resolveGranularity, numberToFloat16, resolveShape, storageSpec, widenHalf,
  type Backend, type CalibrationSpec, type CalibrationTarget, type HalfDType, type Scheme,
} from '../../src/index.js';
import { turnAsyncBackend } from '../helpers/async-backend.js';
import { Random } from './random.js';

const HALF_TYPES: readonly HalfDType[] = ['float16', 'bfloat16'];

function widen(bits: Uint16Array, dtype: HalfDType): Float32Array {
  const x = new Float32Array(bits.length);
  widenHalf(bits, dtype, 0, bits.length, x);
  return x;
}

/** Every 16-bit pattern (NaN payloads, ±Inf, subnormals, -0 included), in a shuffled order. */
function allPatterns(seed: number): Uint16Array {
  const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const r = new Random(seed);
  for (let i = bits.length - 1; i > 0; i--) {
    const j = Math.floor(r.uniform() * (i + 1));
    [bits[i], bits[j]] = [bits[j]!, bits[i]!];
  }
  return bits;
}

/** Weight-like half data: a Gaussian bulk with a few outliers and some NaN / ±Inf, rounded to the half type. */
function weights(n: number, dtype: HalfDType, seed: number): Uint16Array {
  const r = new Random(seed);
  const f = new Float32Array(n);
  for (let i = 0; i < n; i++) f[i] = r.normal() * 0.02 + (i % 997 === 0 ? (r.uniform() - 0.5) * 2 : 0);
  f[7] = NaN;
  f[11] = Infinity;
  f[13] = -Infinity;
  const out = new Uint16Array(n);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < n; i++) out[i] = dtype === 'bfloat16' ? u[i]! >>> 16 : numberToFloat16(f[i]!);
  return out;
}

describe('histogramHalf / absHistogramHalf (reference)', () => {
  const api = createKernelApi(referenceBackend);
  const ranges: [number, number][] = [[-1, 1], [0, 65504], [-3.4e38, 3.4e38], [2 ** -24, 2 ** -14], [0.5, 0.5], [-70000, 70000], [0, 1e-40]];

  for (const dtype of HALF_TYPES) {
    it(`${dtype}: every bit pattern lands where the float32 histogram puts its exact widening`, () => {
      const bits = allPatterns(dtype === 'float16' ? 1 : 2);
      const wide = widen(bits, dtype);
      for (const [lo, hi] of ranges) {
        for (const bins of [1, 7, 2048]) {
          for (const abs of [false, true]) {
            if (abs && lo < 0) continue;
            const want = new Uint32Array(bins);
            (abs ? api.absHistogram : api.histogram)(wide, lo, hi, want);
            const got = new Uint32Array(bins);
            (abs ? api.absHistogramHalf : api.histogramHalf)(bits, dtype, lo, hi, got);
            expect(got).toEqual(want);
            const got64 = new Float64Array(bins).fill(0.5); // adds to what is there
            (abs ? api.absHistogramHalf : api.histogramHalf)(bits, dtype, lo, hi, got64);
            expect(Array.from(got64)).toEqual(Array.from(want, (c) => c + 0.5));
          }
        }
      }
    });
  }

  it('validates its arguments with stable codes', () => {
    const bits = new Uint16Array(4);
    const counts = new Uint32Array(4);
    expect(() => api.histogramHalf(new Float32Array(4) as unknown as Uint16Array, 'float16', 0, 1, counts)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_INPUT_TYPE' }));
    expect(() => api.histogramHalf(bits, 'float32' as HalfDType, 0, 1, counts)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_OPTION' }));
    expect(() => api.histogramHalf(bits, 'bfloat16', 1, 0, counts)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_RANGE' }));
    expect(() => api.absHistogramHalf(bits, 'bfloat16', -1, 0, counts)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_RANGE' }));
    expect(() => api.histogramHalf(bits, 'float16', 0, 1, new Int32Array(2) as unknown as Uint32Array)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_OUTPUT' }));
  });
});

const SPECS: readonly CalibrationSpec[] = [
  { method: 'percentile', percentile: 99.9 },
  { method: 'percentile', percentile: 99, exactLimit: 100, bins: 256 }, // the two-pass histogram path
  { method: 'entropy', bins: 512, startBin: 32 },
  { method: 'histogram', bins: 256 },
  { method: 'mse', bins: 512, refine: false },
  { method: 'mse', bins: 512 },
  { method: 'minmax' },
];

function target(bits: Uint16Array, dtype: HalfDType, scheme: Scheme, shape: number[], granularity: unknown, readX: () => Float32Array): CalibrationTarget {
  const storage = storageSpec(scheme, 4, false);
  return {
    get x() {
      return readX();
    },
    bits,
    half: dtype,
    scheme,
    storage,
    kernel: { qmin: storage.qmin, qmax: storage.qmax, profile: 'onnx' },
    dtype: 'float32',
    granularity: resolveGranularity(granularity as never, resolveShape(shape, bits.length)),
  };
}

describe('calibrators on half data', () => {
  // Contiguous and gathered groups of every granularity (few groups: every calibrator runs on each).
  const layouts: [number[], unknown][] = [[[48, 64], 'tensor'], [[12, 256], { axis: 0 }], [[64, 48], { axis: 1 }], [[48, 64], { axis: 1, blockSize: 512 }], [[64, 48], { axis: 0, blockSize: 48 }]];

  for (const dtype of HALF_TYPES) {
    it(`${dtype}: read the bits (never the widened tensor) and give the ranges of the float32 widening, bit for bit`, () => {
      const bits = weights(48 * 64, dtype, dtype === 'float16' ? 3 : 4);
      const wide = widen(bits, dtype);
      let reads = 0;
      for (const spec of SPECS) {
        for (const scheme of ['affine', 'symmetric'] as const) {
          for (const [shape, granularity] of layouts) {
            const half = target(bits, dtype, scheme, shape, granularity, () => (reads++, wide));
            const float = { ...target(bits, dtype, scheme, shape, granularity, () => wide), bits: undefined, half: undefined };
            expect(calibrateGroups(half, spec), `${JSON.stringify(spec)} ${scheme} ${JSON.stringify(granularity)}`).toEqual(calibrateGroups(float, spec));
          }
        }
      }
      expect(reads).toBe(0);
    }, 60_000);
  }

  it('quantize and quantizeAsync of a half tensor with a calibrator agree with calibrating its widening', async () => {
    const withSpecials = weights(1 << 17, 'bfloat16', 5); // above the async runner's inline size
    const finite = withSpecials.map((b) => ((b & 0x7f80) === 0x7f80 ? 0 : b)); // mse's copy is then a straight widening
    const async = createAsyncQuantApi(turnAsyncBackend());
    for (const [bits, range] of [
      [withSpecials, { method: 'percentile', percentile: 99.99, exactLimit: 1000 }],
      [withSpecials, { method: 'entropy' }],
      [withSpecials, { method: 'mse' }],
      [finite, { method: 'mse' }],
    ] as const) {
      const wide = widen(bits, 'bfloat16');
      const sync = quantize(bits, { dtype: 'bfloat16', range, bits: 4 });
      // The range calibrated on the float32 widening (a target without bits) is the one quantize used on the bits.
      const r = calibrateGroups({ ...target(bits, 'bfloat16', 'affine', [bits.length], 'tensor', () => wide), bits: undefined, half: undefined }, range);
      const explicit = quantize(bits, { dtype: 'bfloat16', range: { min: r.min[0]!, max: r.max[0]! }, bits: 4 });
      expect(sync.scale).toBe(explicit.scale);
      expect(sync.zeroPoint).toBe(explicit.zeroPoint);
      const a = await async.quantizeAsync(bits, { dtype: 'bfloat16', range, bits: 4 });
      expect(a.scale).toBe(sync.scale);
      expect(a.zeroPoint).toBe(sync.zeroPoint);
      expect(a.data).toEqual(sync.data);
    }
  }, 60_000);

  it('a backend without the half histogram kernels (an earlier interface) gets the reference ones', () => {
    const bits = weights(4096, 'float16', 6);
    const { histogramHalf: _h, absHistogramHalf: _a, ...rest } = referenceBackend;
    const old = { ...rest, name: 'old' } as unknown as Backend;
    const t = target(bits, 'float16', 'symmetric', [bits.length], 'tensor', () => widen(bits, 'float16'));
    expect(calibrateGroups(t, { method: 'entropy' }, old)).toEqual(calibrateGroups(t, { method: 'entropy' }));
  });
});

describe('mse refinement on groups of one sign', () => {
  it('leaves out a scaled candidate that crosses itself, instead of failing with ERR_QUANT_RANGE', () => {
    // Blocks of 2 values, both negative: the model's range scaled by 1.15 has its max below the clamped min.
    const x = Float32Array.of(-0.0107, -0.0119, 0.5, 0.25, -3, -2.5, 1, 1);
    const bits = new Uint16Array(x.length);
    for (let i = 0; i < x.length; i++) bits[i] = numberToFloat16(x[i]!);
    const wide = widen(bits, 'float16');
    const t = target(bits, 'float16', 'affine', [4, 2], { axis: 1, blockSize: 2 }, () => wide);
    const r = calibrateGroups(t, { method: 'mse', bins: 16 });
    for (let g = 0; g < 4; g++) expect(r.min[g]!).toBeLessThanOrEqual(r.max[g]!);
    expect(calibrateGroups({ ...target(bits, 'float16', 'affine', [4, 2], { axis: 1, blockSize: 2 }, () => wide), bits: undefined, half: undefined }, { method: 'mse', bins: 16 })).toEqual(r);
  });
});
