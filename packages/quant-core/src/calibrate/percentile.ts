import type { FloatArray } from '../types.js';
import type { Backend } from '../backend.js';
import { absHistogramRun, histogramRun } from './histogram.js';

/*
 * Quantiles as numpy.percentile / numpy.quantile compute them with the default 'linear' method: for n values sorted
 * ascending as s, h = (n - 1) q, i = floor(h), t = h - i, and the result is the lerp of s[i] and s[i + 1], written as
 * numpy writes it: a + (b - a) t when t < 0.5, b - (b - a)(1 - t) otherwise.
 */

/** numpy's lerp (see above). */
export function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t < 0.5 ? a + d * t : b - d * (1 - t);
}

/** The q-quantile (0 <= q <= 1) of values sorted ascending; NaN when there are none. */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const i = Math.min(Math.floor(h), n - 1);
  if (i + 1 >= n) return s[i]!;
  return lerp(s[i]!, s[i + 1]!, h - i);
}

/** The finite values of x (or |x|) as float64, in input order. */
export function finiteCopy(x: FloatArray, abs: boolean): Float64Array {
  const out = new Float64Array(x.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = abs ? Math.abs(x[i]!) : x[i]!;
    if (v - v === 0) out[n++] = v;
  }
  return out.subarray(0, n);
}

/**
 * Rearranges a so that a[k] is the value a full ascending sort would put there, everything before it is <= a[k] and
 * everything after it is >= a[k] (quickselect, Hoare partition around a median of three: O(n) on average).
 */
export function selectInPlace(a: Float64Array, k: number): void {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    if (a[mid]! < a[left]!) swap(a, mid, left);
    if (a[right]! < a[left]!) swap(a, right, left);
    if (a[right]! < a[mid]!) swap(a, right, mid);
    const pivot = a[mid]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * The exact q-quantile of the values in `a` (finite, any order; `a` is rearranged): the same number as sorting and
 * calling quantileSorted, found by selection instead of a full sort.
 */
export function quantileSelect(a: Float64Array, q: number): number {
  const n = a.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const i = Math.min(Math.floor(h), n - 1);
  selectInPlace(a, i);
  if (i + 1 >= n) return a[i]!;
  let next = Infinity;
  for (let j = i + 1; j < n; j++) if (a[j]! < next) next = a[j]!;
  return lerp(a[i]!, next, h - i);
}

/** Where the element of integer rank k sits in a histogram over [lo, hi]: its bin, the count before, and a position. */
interface RankLocation {
  readonly bin: number;
  readonly before: number;
  /** lo + w (j + (k - before + 0.5) / c): the c values of bin j taken as evenly spread over it. */
  readonly value: number;
}

function locateRank(counts: ArrayLike<number>, lo: number, hi: number, k: number): RankLocation {
  const n = counts.length;
  const w = (hi - lo) / n;
  let before = 0;
  let last = 0;
  for (let j = 0; j < n; j++) {
    const c = counts[j]!;
    if (c > 0) {
      if (k < before + c) return { bin: j, before, value: lo + w * (j + (k - before + 0.5) / c) };
      last = j;
    }
    before += c;
  }
  // k beyond the counted values (edge disagreements between passes): the top of the last non-empty bin.
  return { bin: last, before: before - (counts[last] ?? 0), value: lo + w * (last + 1) };
}

/** The histogram kernels histogram-based calibration runs (a Backend has them). */
export type HistogramKernels = Pick<Backend, 'histogram' | 'absHistogram'>;

const REFERENCE_HISTOGRAMS: HistogramKernels = { histogram: histogramRun, absHistogram: absHistogramRun };

/**
 * The q-quantile of the finite values of x (|x| when abs) from histograms, for inputs too large to copy and select.
 * `lo`, `hi` and `count` are the finite extremes and count. Pass 1 bins [lo, hi] and finds the bins holding ranks
 * i = floor(h) and i + 1 (h = (count - 1) q); pass 2 bins the span of those bins alone; each rank's value is placed
 * inside its pass-2 bin as if the bin's values were evenly spread, and the two are lerped with t = h - i as numpy
 * does. The error is below one pass-2 bin width ((hi - lo) / bins^2 when both ranks share a pass-1 bin) whenever both
 * passes agree on which values sit in which bin; values on a bin edge may be counted on either side, which can move a
 * rank by one value.
 */
export function histogramQuantile(
  x: FloatArray,
  abs: boolean,
  lo: number,
  hi: number,
  count: number,
  q: number,
  bins: number,
  kernels: HistogramKernels = REFERENCE_HISTOGRAMS,
): number {
  if (count === 0) return NaN;
  if (lo === hi) return lo;
  const run = (values: FloatArray, a: number, b: number, c: Float64Array): void => (abs ? kernels.absHistogram(values, a, b, c) : kernels.histogram(values, a, b, c));
  const h = (count - 1) * q;
  const i = Math.min(Math.floor(h), count - 1);
  const k1 = Math.min(i + 1, count - 1);
  const counts = new Float64Array(bins);
  run(x, lo, hi, counts);
  const first = locateRank(counts, lo, hi, i);
  const second = locateRank(counts, lo, hi, k1);
  const w = (hi - lo) / bins;
  const spanLo = lo + w * first.bin;
  const spanHi = second.bin === bins - 1 ? hi : lo + w * (second.bin + 1);
  if (!(spanHi > spanLo)) return lerp(first.value, second.value, h - i);
  counts.fill(0);
  run(x, spanLo, spanHi, counts);
  const v0 = locateRank(counts, spanLo, spanHi, Math.max(i - first.before, 0)).value;
  const v1 = locateRank(counts, spanLo, spanHi, Math.max(k1 - first.before, 0)).value;
  return lerp(v0, v1, h - i);
}
