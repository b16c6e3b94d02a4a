import { referenceBackend, type Backend, type FloatArray } from '@quantkit/quant-core';
import { diffArrays } from '../compare.js';
import { deriveSeed, Rng } from '../random.js';
import { missingCapability, Tally, type Check } from '../types.js';

/*
 * Histograms (calibration): histogram(x, min, max, counts) and absHistogram(x, min, max, counts) must add exactly the
 * reference's counts, bin by bin: lengths around every vector width, float32 and float64, Uint32Array and
 * Float64Array counts that already hold values (kernels accumulate), ranges narrower than the data (values outside
 * are skipped), and edge values: NaN, ±Inf, ±0, subnormals, the bounds themselves and values one ulp inside them.
 */

const SEED = 0x5eed_4157;
const LENGTHS = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 130, 1000, 1023, 1024, 1025, 1030, 70_000];
const BINS = [1, 7, 256, 2048];

type Counts = Uint32Array | Float64Array;

function edgeValues(min: number, max: number): number[] {
  const mid = (min + max) / 2;
  return [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 5e-324, min, max, mid, Math.fround(max) - Math.fround(max) * 2 ** -23, min + (max - min) * 2 ** -20, max + 1, min - 1];
}

function counts(kind: 'u32' | 'f64', bins: number, rng: Rng): Counts {
  const c = kind === 'u32' ? new Uint32Array(bins) : new Float64Array(bins);
  for (let i = 0; i < bins; i++) c[i] = rng.int(0, 3);
  return c;
}

function runCase(backend: Backend, tally: Tally, label: string, x: FloatArray, min: number, max: number, bins: number, kind: 'u32' | 'f64', abs: boolean): void {
  tally.guard(label, () => {
    const start = counts(kind, bins, new Rng(deriveSeed(SEED, label)));
    const expected = start.slice();
    const actual = start.slice();
    if (abs) {
      referenceBackend.absHistogram(x, min, max, expected);
      backend.absHistogram(x, min, max, actual);
    } else {
      referenceBackend.histogram(x, min, max, expected);
      backend.histogram(x, min, max, actual);
    }
    // Compared as float64 (exact for uint32 counts) so one comparison serves both count types.
    const d = diffArrays('counts', Float64Array.from(expected), Float64Array.from(actual));
    return d === undefined ? [] : [d];
  });
}

export function histogramChecks(): Check[] {
  const run = (abs: boolean) => (backend: Backend) => {
    const tally = new Tally();
    const missing = missingCapability(backend.capabilities, { histogram: true });
    for (const Ctor of [Float32Array, Float64Array]) {
      for (const n of LENGTHS) {
        for (const bins of BINS) {
          for (const kind of ['u32', 'f64'] as const) {
            const label = `${abs ? 'absHistogram' : 'histogram'} ${Ctor.name}[${n}] ${bins} bins ${kind} counts`;
            const needs = missing ?? (Ctor === Float64Array ? missingCapability(backend.capabilities, { float64: true }) : undefined);
            if (needs !== undefined) {
              tally.skip(needs);
              continue;
            }
            const rng = new Rng(deriveSeed(SEED, label));
            const x = new Ctor(n);
            rng.fill(x, rng.pick(['uniform', 'normal', 'heavy-tailed', 'outliers'] as const), 3);
            const edges = edgeValues(abs ? 0 : -2, 2);
            for (let i = 0; i < Math.min(n, edges.length); i++) x[rng.int(0, n - 1)] = edges[i]!;
            // The data's own range for some cases, a narrower one (values outside skipped) for others.
            const [min, max] = n % 2 === 0 ? (abs ? [0, 3] : [-3, 3]) : abs ? [0, 2] : [-2, 2];
            runCase(backend, tally, label, x, min, max, bins, kind, abs);
          }
        }
      }
    }
    // A degenerate range: every value at the bound lands in the one bin it can.
    if (missing === undefined) runCase(backend, tally, `${abs ? 'absHistogram' : 'histogram'} min == max`, Float32Array.of(1, 1, NaN, 2, 0), 1, 1, 4, 'u32', abs);
    return tally.result();
  };
  return [
    { family: 'histogram', name: 'histogram counts equal the reference', run: run(false) },
    { family: 'histogram', name: 'absHistogram counts equal the reference', run: run(true) },
  ];
}
