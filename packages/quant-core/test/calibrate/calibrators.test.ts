import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { calibrateRange, computeQParams, fakeQuantizeWithError, quantize, type CalibrationSpec } from '../../src/index.js';
import { entropyThresholdBin } from '../../src/calibrate/entropy.js';
import { l2QuantizationError } from '../../src/calibrate/l2-search.js';
import { modelHistogram, mseModelSearch } from '../../src/calibrate/mse.js';
import { histogramQuantile, quantileSelect, quantileSorted } from '../../src/calibrate/percentile.js';
import { Random, sample } from './random.js';

interface Fixture {
  entropy: { name: string; num_bits: number; unsigned: boolean; stride: number; start_bin: number; hist: number[]; expected_bin: number }[];
  percentile: { values: number[]; percentile: number; expected: number }[];
}
const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/reference-calibration.json', import.meta.url)), 'utf8')) as Fixture;

type Range = { min: number; max: number };
const tensorRange = (x: Float32Array | Float64Array, spec: CalibrationSpec, options?: Parameters<typeof calibrateRange>[2]): Range =>
  calibrateRange(x, spec, options) as Range;

describe('minmax', () => {
  it('is the data min/max, like the default range', () => {
    const x = Float32Array.of(-3, 1, NaN, 7);
    expect(tensorRange(x, { method: 'minmax' })).toEqual({ min: -3, max: 7 });
    expect(computeQParams(x, { range: { method: 'minmax' } })).toEqual(computeQParams(x));
  });
});

describe('percentile', () => {
  const x = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('symmetric: percentile p of |x|, numpy linear interpolation', () => {
    // h = 99 * 0.9 = 89.1: 90 + 0.1 * (91 - 90)
    const r = tensorRange(Float64Array.from(x, (v) => -v), { method: 'percentile', percentile: 90 }, { scheme: 'symmetric' });
    expect(r.max).toBeCloseTo(90.1, 12);
    expect(r.min).toBe(-r.max);
  });

  it('affine: percentiles (100 - p) / 2 and 100 - (100 - p) / 2 of x', () => {
    // p = 90: percentiles 5 and 95: 1 + 0.05 * 99 = 5.95 and 1 + 0.95 * 99 = 95.05
    const r = tensorRange(x, { method: 'percentile', percentile: 90 });
    expect(r.min).toBeCloseTo(5.95, 12);
    expect(r.max).toBeCloseTo(95.05, 12);
    expect(tensorRange(x, { method: 'percentile', percentile: 100 })).toEqual({ min: 1, max: 100 });
  });

  it('ignores NaN and ±Infinity', () => {
    const withJunk = Float64Array.from([...x, NaN, Infinity, -Infinity]);
    expect(tensorRange(withJunk, { method: 'percentile', percentile: 90 })).toEqual(tensorRange(x, { method: 'percentile', percentile: 90 }));
    expect(tensorRange(Float64Array.of(NaN, Infinity), { method: 'percentile' })).toEqual({ min: Infinity, max: -Infinity });
  });

  it('matches numpy.percentile bit for bit (reference vectors)', () => {
    for (const c of fixture.percentile) {
      const sorted = Float64Array.from(c.values).sort();
      expect(quantileSorted(sorted, c.percentile / 100)).toBe(c.expected);
      expect(quantileSelect(Float64Array.from(c.values), c.percentile / 100)).toBe(c.expected);
    }
  });

  it('selection gives the sorted answer on ties and extremes', () => {
    const rng = new Random(3);
    const v = Float64Array.from({ length: 5001 }, () => Math.round(rng.normal() * 3));
    const sorted = v.slice().sort();
    for (const q of [0, 1e-4, 0.25, 0.5, 0.999, 1]) expect(quantileSelect(v.slice(), q)).toBe(quantileSorted(sorted, q));
  });

  it('above exactLimit, the two-pass histogram is within a pass-2 bin of the exact value', () => {
    const rng = new Random(7);
    const big = sample(200_000, () => rng.studentT(3));
    for (const scheme of ['affine', 'symmetric'] as const) {
      const exact = tensorRange(big, { method: 'percentile', percentile: 99.9 }, { scheme });
      const approx = tensorRange(big, { method: 'percentile', percentile: 99.9, exactLimit: 0 }, { scheme });
      expect(Math.abs(approx.max - exact.max)).toBeLessThan(1e-3 * Math.abs(exact.max));
      expect(Math.abs(approx.min - exact.min)).toBeLessThan(1e-3 * Math.abs(exact.min));
    }
    // Ranks 89 and 90 (values 90 and 91) sit in pass-1 bins about 1.06 apart: pass 2 spans them in 2048 bins, and each
    // value is placed at the centre of its pass-2 bin, so the lerp is within half a pass-2 bin of 90.1.
    const oneTo100 = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(Math.abs(histogramQuantile(oneTo100, false, 1, 100, 100, 0.9, 2048) - 90.1)).toBeLessThan(1.1 / 2048 / 2);
  });
});

describe('entropy (TensorRT KL divergence)', () => {
  // |x| histogram over [0, 4] in 4 unit bins: [100 zeros -> replaced by bins[1], 6, 3, 1], 2 levels (2 bits).
  // KL by hand: i = 2: 0.031584, i = 3: 0.007382, i = 4: 0.032703 -> threshold 3 (docs/CALIBRATION.md works it out).
  const x = Float64Array.from([...Array(100).fill(0), ...Array(6).fill(1.5), ...Array(3).fill(2.5), -4]);
  const spec: CalibrationSpec = { method: 'entropy', bins: 4, startBin: 2 };

  it('picks the threshold of the smallest KL divergence (hand-computed)', () => {
    expect(entropyThresholdBin([100, 6, 3, 1], 2, 2, 1)).toBe(3);
    expect(entropyThresholdBin([0, 6, 3, 1], 2, 2, 1)).toBe(3); // bins[0] = bins[1] either way
    expect(tensorRange(x, spec, { scheme: 'symmetric', bits: 2 })).toEqual({ min: -3, max: 3 });
  });

  it('affine clips [min, max] to [-t, t]', () => {
    expect(tensorRange(x, spec, { scheme: 'affine', bits: 2 })).toEqual({ min: -3, max: 2.5 });
  });

  it('keeps the whole histogram on ties (the last minimum) and without candidates', () => {
    // 4 levels: KL is 0 at i = 1 (one bin holding everything) and at i = 4 (a level per bin): the last one wins
    expect(entropyThresholdBin([5, 5, 5, 5], 4, 1, 1)).toBe(4);
    expect(entropyThresholdBin([1, 2, 3], 2, 10, 1)).toBe(3);
  });

  it("matches pytorch-quantization's _compute_amax_entropy on reference histograms", () => {
    for (const c of fixture.entropy) {
      const levels = 2 ** (c.num_bits - 1 + (c.unsigned ? 1 : 0));
      expect(entropyThresholdBin(c.hist, levels, c.start_bin, c.stride), c.name).toBe(c.expected_bin);
    }
  });
});

describe('histogram (PyTorch HistogramObserver L2 search)', () => {
  it('its error model is n step^2 / 12 for uniform bins on the destination grid', () => {
    // 4 unit bins onto 4 levels of width 1: every bin contributes 1/12
    expect(l2QuantizationError([1, 1, 1, 1], 1, 4, 0, 3)).toBeCloseTo(4 / 12, 14);
    expect(l2QuantizationError([3, 0, 0, 0], 2, 4, 0, 3)).toBeCloseTo(3 * (2 * 2) / 12, 14);
  });

  it('clips a lone far outlier only when the rounding error it causes outweighs clipping it', () => {
    // 20000 values in [0, 1) and one at 100. The first step (1e-5 of the mass, under one value) trims the outlier's
    // bin; the next one would drop to the bulk, costing ~99^2 = 9801 of clipping error. Rounding error of the wide
    // range: 8 bits: 2e4 (100/256)^2/12 ~ 254 < 9801: the search stops, the outlier is kept;
    // 4 bits: 2e4 (100/16)^2/12 ~ 6.5e4 > 9801: the range drops to the bulk.
    const rng = new Random(11);
    const x = Float64Array.from({ length: 20_001 }, (_, i) => (i === 0 ? 100 : rng.uniform()));
    const r8 = tensorRange(x, { method: 'histogram' }, { bits: 8 });
    const r4 = tensorRange(x, { method: 'histogram' }, { bits: 4 });
    expect(r8.max).toBeGreaterThan(99);
    expect(r4.max).toBeGreaterThan(0.9);
    expect(r4.max).toBeLessThan(1.1);
    expect(r4.min).toBe(r8.min);
  });

  it('stops at the first increase: N(0, 0.3) with outliers at ±8 keeps them at 8 bits (as PyTorch measured)', () => {
    // The first candidate is always taken (it is compared with nothing): it trims the top bin, then the search stops.
    const rng = new Random(5);
    const x = Float64Array.from({ length: 3002 }, (_, i) => (i === 0 ? 8 : i === 1 ? -8 : 0.3 * rng.normal()));
    expect(tensorRange(x, { method: 'histogram' })).toEqual({ min: -8, max: -8 + (16 / 2048) * 2047 });
  });

  it('symmetric ranges are the abs-max of the searched range', () => {
    const rng = new Random(11);
    const x = Float64Array.from({ length: 20_001 }, (_, i) => (i === 0 ? 100 : rng.uniform()));
    const affine = tensorRange(x, { method: 'histogram' }, { bits: 4 });
    const symmetric = tensorRange(x, { method: 'histogram' }, { bits: 4, scheme: 'symmetric' });
    expect(symmetric.max).toBeGreaterThan(0.9);
    expect(symmetric.min).toBe(-symmetric.max);
    expect(affine.max).toBeLessThan(1.1);
  });
});

describe('mse', () => {
  it('model search, symmetric: argmin of clipping + inside step^2 / 12 (hand-computed)', () => {
    // |x| bins over [0, 4]: [10, 0, 0, 1], 1 step per side (2 bits). E(b=1) = 7.083, E(2) = 5.583, E(3) = 7.75, E(4) = 14.67
    expect(mseModelSearch(modelHistogram(0, 4, [10, 0, 0, 1]), true, 1)).toEqual({ min: -2, max: 2 });
  });

  it('model search, affine: coordinate descent over both bounds (hand-computed)', () => {
    // x bins over [-2, 2]: [1, 10, 10, 1], 3 steps (2-bit affine): [-2, 2] 3.26 -> [-1, 2] 2.0 -> [-1, 1] 1.24, stable
    expect(mseModelSearch(modelHistogram(-2, 2, [1, 10, 10, 1]), false, 3)).toEqual({ min: -1, max: 1 });
  });

  it('counts the tails outside a zoomed histogram exactly', () => {
    // No bins clipped, but one value at 10 above the window [0, 4]: clipping it costs (10 - b)^2
    const above = { n: 1, s1: 10, s2: 100 };
    const r = mseModelSearch(modelHistogram(0, 4, [10, 0, 0, 0], undefined, above), true, 1);
    expect(r.max).toBe(4); // E(4) = 36 + 11 * 16 / 12 = 50.7 beats E(1) = 81 + 11 / 12
  });

  it('refined: never worse than the min/max range on the real quantization error', () => {
    const rng = new Random(2);
    for (const bits of [2, 3, 8]) {
      for (const scheme of ['affine', 'symmetric'] as const) {
        const x = sample(5000, () => rng.normal());
        const mse = fakeQuantizeWithError(x, { bits, scheme, range: { method: 'mse' } }).error.mse;
        const minmax = fakeQuantizeWithError(x, { bits, scheme }).error.mse;
        expect(mse).toBeLessThanOrEqual(minmax);
        if (bits <= 3) expect(mse).toBeLessThan(0.8 * minmax); // normal data: clipping pays at low bit widths
      }
    }
  });
});

describe('per-axis and blocked calibration', () => {
  const rng = new Random(9);
  const shape = [3, 5, 4];
  const x = sample(60, () => rng.laplace());
  x[7] = 40; // an outlier in one channel

  const channelValues = (axis: number, c: number): Float32Array => {
    const out: number[] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) for (let k = 0; k < 4; k++) if ([i, j, k][axis] === c) out.push(x[(i * 5 + j) * 4 + k]!);
    return Float32Array.from(out);
  };

  for (const spec of [{ method: 'percentile', percentile: 90 }, { method: 'mse' }, { method: 'entropy', bins: 64, startBin: 8 }, { method: 'histogram', bins: 64 }] as CalibrationSpec[]) {
    it(`${spec.method}: each channel gets the range of its own values`, () => {
      for (const axis of [0, 1, 2]) {
        const r = calibrateRange(x, spec, { shape, granularity: { axis }, scheme: 'symmetric' }) as { min: Float64Array; max: Float64Array };
        for (let c = 0; c < shape[axis]!; c++) {
          const own = tensorRange(channelValues(axis, c), spec, { scheme: 'symmetric' });
          expect([r.min[c], r.max[c]]).toEqual([own.min, own.max]);
        }
      }
    });
  }

  it('blocked groups get the range of their block (gathered when the block axis is not innermost)', () => {
    const spec: CalibrationSpec = { method: 'percentile', percentile: 80 };
    const r = calibrateRange(x, spec, { shape, granularity: { axis: 1, blockSize: 2 } }) as { min: Float64Array; max: Float64Array };
    expect(r.min.length).toBe(3 * 3 * 4);
    for (let o = 0; o < 3; o++) {
      for (let b = 0; b < 3; b++) {
        for (let i = 0; i < 4; i++) {
          const values: number[] = [];
          for (let d = b * 2; d < Math.min(5, b * 2 + 2); d++) values.push(x[(o * 5 + d) * 4 + i]!);
          const own = tensorRange(Float32Array.from(values), spec);
          const g = (o * 3 + b) * 4 + i;
          expect([r.min[g], r.max[g]]).toEqual([own.min, own.max]);
        }
      }
    }
  });

  it('quantize and computeQParams use the calibrated per-group ranges', () => {
    const spec: CalibrationSpec = { method: 'percentile', percentile: 95 };
    const r = calibrateRange(x, spec, { shape, granularity: { axis: 1 } }) as { min: Float64Array; max: Float64Array };
    const viaRange = quantize(x, { shape, granularity: { axis: 1 }, range: { min: r.min, max: r.max } });
    const viaSpec = quantize(x, { shape, granularity: { axis: 1 }, range: spec });
    expect(viaSpec).toEqual(viaRange);
    expect(computeQParams(x, { shape, granularity: { axis: 1 }, range: spec }).scale).toEqual(viaRange.scale);
  });
});
