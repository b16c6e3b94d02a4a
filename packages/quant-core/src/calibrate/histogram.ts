import { ErrorCodes, fail } from '../errors.js';
import { histogramLoopFor } from '../kernels/generated/loops.js';
import type { FloatArray } from '../types.js';
import { checkFloatArray, describe } from '../validate.js';

/** Bin counts a histogram kernel adds to. Float64Array also holds the fractional counts of re-binned histograms. */
export type HistogramCounts = Float64Array | Uint32Array;

/*
 * The histogram kernels, written like the Backend's kernels (arguments validated by the caller, output provided by
 * the caller, nothing allocated) so that a native backend can take them over bit for bit:
 *
 *   n = counts.length,  f = max > min ? n / (max - min) : 0          (float64)
 *   for every element v (|v| for absHistogram), widened to float64:
 *     if min <= v <= max:  k = ((v - min) * f) | 0;  counts[min(k, n - 1)] += 1
 *
 * so bin k holds [min + k (max - min) / n, min + (k + 1) (max - min) / n) as computed by that formula, the value max
 * lands in the last bin, and NaN and values outside [min, max] (including ±Infinity unless a bound is infinite, which
 * the callers never pass) are skipped. When min == max every value equal to min lands in bin 0. The kernels ADD to
 * counts, so batches accumulate. A native port must compute (v - min) * f in double without FMA contraction.
 *
 * The product is >= 0 and, when finite, below 2^31 (n < 2^31), so `| 0` is floor, with one exception: a span so
 * small that f overflows (max - min subnormal) makes the product NaN (v == min) or +Infinity, which `| 0` turns into
 * 0, so every value then lands in bin 0. A native port must truncate the same way.
 *
 * The loop is histogramLoop in kernels/loops.ts, run through its copy for the array classes (kernels/generated/loops.ts).
 */
/** Kernel: adds the histogram of x over [min, max] to counts (arguments already validated). */
export function histogramRun(x: FloatArray, min: number, max: number, counts: HistogramCounts): void {
  histogramLoopFor(x, counts, false)(x, min, max, counts);
}

/** Kernel: adds the histogram of |x| over [min, max] (0 <= min) to counts (arguments already validated). */
export function absHistogramRun(x: FloatArray, min: number, max: number, counts: HistogramCounts): void {
  histogramLoopFor(x, counts, true)(x, min, max, counts);
}

/** The validation of histogram / absHistogram (also used by the kernel API): OUTPUT for counts, RANGE for bounds. */
export function checkHistogramArgs(x: unknown, min: unknown, max: unknown, counts: unknown, abs: boolean): asserts x is FloatArray {
  checkFloatArray(x, 'x');
  checkHistogramBounds(min, max, counts, abs);
}

/** The checks of histogram / absHistogram (and their half variants) besides x's type. */
export function checkHistogramBounds(min: unknown, max: unknown, counts: unknown, abs: boolean): void {
  if (!(counts instanceof Float64Array || counts instanceof Uint32Array) || counts.length < 1 || counts.length > 2 ** 31 - 1) {
    fail(ErrorCodes.OUTPUT, `counts must be a non-empty Float64Array or Uint32Array, got ${describe(counts)}`);
  }
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max) || min > max || !Number.isFinite(max - min)) {
    fail(ErrorCodes.RANGE, `histogram range must be finite with min <= max, got [${String(min)}, ${String(max)}]`);
  }
  if (abs && min < 0) fail(ErrorCodes.RANGE, `absHistogram needs min >= 0, got ${min}`);
}

/**
 * Adds the histogram of x over [min, max] to `counts` (one bin per element of counts; see the formula above).
 * NaN and values outside [min, max] are skipped. Uint32Array counts wrap past 2^32 - 1 per bin: use Float64Array
 * (exact to 2^53) for very large inputs.
 */
export function histogram(x: FloatArray, min: number, max: number, counts: HistogramCounts): void {
  checkHistogramArgs(x, min, max, counts, false);
  histogramRun(x, min, max, counts);
}

/** Adds the histogram of |x| over [min, max] to `counts`; 0 <= min <= max. */
export function absHistogram(x: FloatArray, min: number, max: number, counts: HistogramCounts): void {
  checkHistogramArgs(x, min, max, counts, true);
  absHistogramRun(x, min, max, counts);
}

/** Extremes and count of the finite elements (NaN and ±Infinity are skipped). */
export interface FiniteStats {
  /** +Infinity when there is no finite element. */
  readonly min: number;
  /** -Infinity when there is no finite element. */
  readonly max: number;
  readonly count: number;
}

export function finiteStats(x: FloatArray, abs = false): FiniteStats {
  const stats = { min: Infinity, max: -Infinity, count: 0 };
  addFiniteStats(stats, x, abs);
  return stats;
}

/** Folds the finite elements of x (|x| when abs) into running stats: slice by slice gives finiteStats of the whole. */
export function addFiniteStats(stats: { min: number; max: number; count: number }, x: FloatArray, abs: boolean): void {
  let { min, max, count } = stats;
  for (let i = 0; i < x.length; i++) {
    const v = abs ? Math.abs(x[i]!) : x[i]!;
    if (v - v === 0) {
      // finite: Inf - Inf and NaN - NaN are NaN
      count++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  stats.min = min;
  stats.max = max;
  stats.count = count;
}

/**
 * Appends the finite elements of x (|x| when abs) to out from index n, in order, and returns the new count (out has
 * room for them). Slice by slice gives the same array as one call.
 */
export function appendFinite(x: FloatArray, abs: boolean, out: FloatArray, n: number): number {
  for (let i = 0; i < x.length; i++) {
    const v = abs ? Math.abs(x[i]!) : x[i]!;
    if (v - v === 0) out[n++] = v;
  }
  return n;
}

/** Count, sum and sum of squares of some values (float64, element order). */
export interface Moments {
  n: number;
  s1: number;
  s2: number;
}

export function newMoments(): Moments {
  return { n: 0, s1: 0, s2: 0 };
}

/**
 * Moments of the finite values (of |x| when abs) below `lo` and above `hi`: what a histogram over [lo, hi] leaves
 * out. Together with histogramRun over the same [lo, hi] it accounts for every finite value exactly once.
 */
export function tailMoments(x: FloatArray, lo: number, hi: number, abs: boolean): { below: Moments; above: Moments } {
  const below = newMoments();
  const above = newMoments();
  addTailMoments(x, lo, hi, abs, below, above);
  return { below, above };
}

/** Adds the tails of x to running moments, in element order: slice by slice gives tailMoments of the whole, bit for bit. */
export function addTailMoments(x: FloatArray, lo: number, hi: number, abs: boolean, below: Moments, above: Moments): void {
  for (let i = 0; i < x.length; i++) {
    const v = abs ? Math.abs(x[i]!) : x[i]!;
    if (v < lo) {
      if (v !== -Infinity) {
        below.n++;
        below.s1 += v;
        below.s2 += v * v;
      }
    } else if (v > hi && v !== Infinity) {
      above.n++;
      above.s1 += v;
      above.s2 += v * v;
    }
  }
}
