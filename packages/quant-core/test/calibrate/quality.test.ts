/*
 * Calibrator quality on seeded synthetic data (1M values each). The orderings asserted here are what each calibrator
 * is for, so a regression in any of them fails a test:
 *  - heavy tails with outliers: mse has the lowest real quantization MSE of all calibrators and well below minmax;
 *    percentile and entropy clip every outlier (their range is strictly inside [min, max]);
 *  - uniform data: minmax is the best of the non-optimising calibrators; only mse beats it, by at most the half step
 *    minmax wastes at each end of the range.
 * Each calibrator runs once per case (calibrateRange); the MSE of its range is then measured with quantize's kernels.
 */
import { describe, expect, it } from 'vitest';
import { calibrateRange, fakeQuantizeWithError, type CalibrationSpec, type Scheme } from '../../src/index.js';
import { Random, sample, withOutliers } from './random.js';

const N = 1_000_000;
const METHODS: CalibrationSpec[] = [{ method: 'minmax' }, { method: 'percentile' }, { method: 'mse' }, { method: 'entropy' }, { method: 'histogram' }];

interface Measured {
  readonly min: number;
  readonly max: number;
  readonly mse: number;
}

function measure(x: Float32Array, scheme: Scheme, bits: number, narrowRange = false): Record<string, Measured> {
  const out: Record<string, Measured> = {};
  for (const spec of METHODS) {
    const r = calibrateRange(x, spec, { scheme, bits, narrowRange }) as { min: number; max: number };
    const { error } = fakeQuantizeWithError(x, { scheme, bits, narrowRange, range: r });
    out[spec.method] = { ...r, mse: error.mse };
  }
  return out;
}

function dataRange(x: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

const OUTLIERS = 20;
const heavy = [
  { name: 'Laplace(1) + 20 outliers in ±[60, 120)', magnitude: 60, make: (rng: Random) => withOutliers(sample(N, () => rng.laplace(1)), OUTLIERS, 60) },
  { name: 'Student-t(4) + 20 outliers in ±[100, 200)', magnitude: 100, make: (rng: Random) => withOutliers(sample(N, () => rng.studentT(4)), OUTLIERS, 100) },
];

describe('heavy-tailed data', () => {
  heavy.forEach((d, k) => {
    const x = d.make(new Random(100 + k));
    const full = dataRange(x);
    for (const bits of [8, 4]) {
      it(`${d.name}, ${bits} bits`, () => {
        for (const scheme of ['symmetric', 'affine'] as const) {
          const m = measure(x, scheme, bits);
          const where = `${scheme} ${bits}-bit`;
          // mse: the lowest real error of all, and far below minmax
          for (const other of ['minmax', 'percentile', 'entropy', 'histogram']) expect(m['mse']!.mse, `${where} mse vs ${other}`).toBeLessThanOrEqual(m[other]!.mse);
          expect(m['mse']!.mse, where).toBeLessThan(0.7 * m['minmax']!.mse);
          // percentile and entropy clip every outlier: strictly inside [min, max], below the smallest outlier
          for (const clipper of ['percentile', 'entropy']) {
            const r = m[clipper]!;
            expect(r.min, `${where} ${clipper}`).toBeGreaterThan(full.min);
            expect(r.max, `${where} ${clipper}`).toBeLessThan(full.max);
            expect(Math.max(-r.min, r.max), `${where} ${clipper}`).toBeLessThan(d.magnitude);
          }
          // the clipping calibrators beat minmax at 4 bits, where the outliers' step size costs the most
          if (bits === 4) for (const clipper of ['percentile', 'entropy']) expect(m[clipper]!.mse, `${where} ${clipper}`).toBeLessThan(0.5 * m['minmax']!.mse);
        }
      });
    }
  });
});

describe('uniform data', () => {
  const rng = new Random(4);
  const x = sample(N, () => rng.uniform() * 3 - 1); // U(-1, 2): asymmetric, to exercise the zero point
  const cases = [
    { scheme: 'affine' as const, narrowRange: false },
    { scheme: 'symmetric' as const, narrowRange: true },
  ];
  for (const { scheme, narrowRange } of cases) {
    for (const bits of [8, 4]) {
      it(`${scheme}${narrowRange ? ' narrow' : ''} ${bits} bits: minmax is the best range short of the half-step edges`, () => {
        const m = measure(x, scheme, bits, narrowRange);
        const minmax = m['minmax']!.mse;
        for (const other of ['percentile', 'entropy', 'histogram']) {
          expect(minmax, other).toBeLessThanOrEqual(m[other]!.mse * 1.005);
        }
        // Min/max puts the end codes on the data's extremes, wasting half a step at each end; the MSE optimum of
        // uniform data spreads L levels over the range instead of L - 1 steps, MSE ratio ((L - 1) / L)^2 at best.
        const levels = scheme === 'affine' ? 2 ** bits : 2 ** bits - 1;
        const edgeGain = ((levels - 1) / levels) ** 2;
        expect(m['mse']!.mse).toBeLessThan(minmax);
        expect(m['mse']!.mse).toBeGreaterThan(0.98 * edgeGain * minmax);
      });
    }
  }
});
