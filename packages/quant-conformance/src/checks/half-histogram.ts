import { numberToBfloat16, numberToFloat16, referenceBackend, widenHalf, type Backend, type HalfDType } from '@quantkit/quant-core';
import { diffArrays } from '../compare.js';
import { deriveSeed, Rng } from '../random.js';
import { missingCapability, Tally, type Check } from '../types.js';

/*
 * Histograms of half-precision data (SPEC §12, calibration): histogramHalf / absHistogramHalf(x, dtype, min, max,
 * counts) must add, bin by bin, exactly what the float32 histogram / absHistogram of the exact widening of x adds (the
 * expected counts come from the reference's float32 kernels on the widened data, not from its half kernels). Cases:
 * every one of the 65536 bit patterns of each type (NaN payloads, ±Inf, ±0, subnormals), lengths around every vector
 * width at odd element offsets, Uint32Array and Float64Array counts that already hold values, ranges narrower and
 * wider than the data (float16's whole finite range, bfloat16's near float32's), subnormal-only spans and min == max.
 */

const SEED = 0x5eed_4a1f;
const LENGTHS = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000, 1025, 20_000];
/** Lengths above this run with one count type and the largest bin count only (the check stays near a second). */
const LONG = 10_000;
const BINS = [1, 7, 256, 2048];
const TYPES: readonly HalfDType[] = ['float16', 'bfloat16'];

type Counts = Uint32Array | Float64Array;

function startCounts(kind: 'u32' | 'f64', bins: number, rng: Rng): Counts {
  const c = kind === 'u32' ? new Uint32Array(bins) : new Float64Array(bins);
  for (let i = 0; i < bins; i++) c[i] = rng.int(0, 3);
  return c;
}

/** The ranges a case bins over ([lo, hi], lo >= 0 for the |x| histogram). */
function rangesOf(dtype: HalfDType, abs: boolean): [number, number][] {
  const top = dtype === 'float16' ? 65504 : 3.3895313892515355e38;
  const ranges: [number, number][] = abs ? [[0, 2], [0, top], [0, 2 ** -14], [0.5, 1.5], [1, 1]] : [[-2, 2], [-top, top], [-(2 ** -14), 2 ** -14], [-0.75, 1.25], [1, 1]];
  return ranges;
}

/** n half values at a random offset: random bit patterns, or float data rounded to the type, with edge values. */
function halves(rng: Rng, dtype: HalfDType, n: number): Uint16Array {
  const off = rng.int(0, 3);
  const x = new Uint16Array(n + off).subarray(off);
  const round = dtype === 'float16' ? numberToFloat16 : numberToBfloat16;
  const random = rng.next() < 0.5;
  for (let i = 0; i < n; i++) x[i] = random ? rng.int(0, 0xffff) : round((rng.next() - 0.5) * 5);
  const edges = [NaN, Infinity, -Infinity, 0, -0, 2 ** -24, -(2 ** -24), 2, -2, 1, 0.5, 1.25, -0.75];
  for (let i = 0; i < Math.min(n, edges.length); i++) x[rng.int(0, n - 1)] = round(edges[i]!);
  return x;
}

function allPatterns(rng: Rng): Uint16Array {
  const x = Uint16Array.from({ length: 65536 }, (_, i) => i);
  for (let i = x.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = x[i]!;
    x[i] = x[j]!;
    x[j] = t;
  }
  return x;
}

function runCase(backend: Backend, tally: Tally, label: string, x: Uint16Array, dtype: HalfDType, min: number, max: number, bins: number, kind: 'u32' | 'f64', abs: boolean): void {
  tally.guard(label, () => {
    const start = startCounts(kind, bins, new Rng(deriveSeed(SEED, label)));
    const expected = start.slice();
    const actual = start.slice();
    const wide = new Float32Array(x.length);
    widenHalf(x, dtype, 0, x.length, wide);
    if (abs) {
      referenceBackend.absHistogram(wide, min, max, expected);
      backend.absHistogramHalf(x, dtype, min, max, actual);
    } else {
      referenceBackend.histogram(wide, min, max, expected);
      backend.histogramHalf(x, dtype, min, max, actual);
    }
    const d = diffArrays('counts', Float64Array.from(expected), Float64Array.from(actual));
    return d === undefined ? [] : [d];
  });
}

export function halfHistogramChecks(): Check[] {
  const run = (abs: boolean) => (backend: Backend) => {
    const tally = new Tally();
    const name = abs ? 'absHistogramHalf' : 'histogramHalf';
    const missing = missingCapability(backend.capabilities, { histogram: true });
    for (const dtype of TYPES) {
      const ranges = rangesOf(dtype, abs);
      for (const n of LENGTHS) {
        for (const bins of n > LONG ? BINS.slice(-1) : BINS) {
          for (const kind of n > LONG ? (['f64'] as const) : (['u32', 'f64'] as const)) {
            const label = `${name} ${dtype}[${n}] ${bins} bins ${kind} counts`;
            if (missing !== undefined) {
              tally.skip(missing);
              continue;
            }
            const rng = new Rng(deriveSeed(SEED, label));
            const [min, max] = ranges[rng.int(0, ranges.length - 1)]!;
            runCase(backend, tally, `${label} [${min}, ${max}]`, halves(rng, dtype, n), dtype, min, max, bins, kind, abs);
          }
        }
      }
      // Every bit pattern, over the type's whole finite range and over a narrow one with subnormal-sized bins.
      const every = allPatterns(new Rng(deriveSeed(SEED, `${name} ${dtype} all`)));
      for (const [min, max] of [ranges[1]!, ranges[2]!]) {
        const label = `${name} ${dtype} every bit pattern [${min}, ${max}]`;
        if (missing !== undefined) tally.skip(missing);
        else runCase(backend, tally, label, every, dtype, min, max, 2048, 'u32', abs);
      }
    }
    return tally.result();
  };
  return [
    { family: 'half-histogram', name: 'histogramHalf counts equal the float32 histogram of the exact widening', run: run(false) },
    { family: 'half-histogram', name: 'absHistogramHalf counts equal the float32 |x| histogram of the exact widening', run: run(true) },
  ];
}
