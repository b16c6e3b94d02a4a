import type { FloatArray } from '../types.js';
import type { Backend } from '../backend.js';
import { absHistogramHalfRun, histogramHalfRun } from './half-histogram.js';
import { HalfValues, type CalibrationData } from './half-values.js';
import { absHistogramRun, appendFinite, histogramRun, type HistogramCounts } from './histogram.js';
import { finish, SEARCH_CHUNK, type PausingSearch } from './search-pauses.js';
import { addHistogram, type Calibration, type Step } from './steps.js';

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
  return out.subarray(0, appendFinite(x, abs, out, 0));
}

/**
 * Rearranges a so that a[k] is the value a full ascending sort would put there, everything before it is <= a[k] and
 * everything after it is >= a[k] (quickselect, Hoare partition around a median of three: O(n) on average).
 */
export function selectInPlace(a: Float64Array, k: number): void {
  finish(select(a, k));
}

/** selectInPlace as a search that pauses after every SEARCH_CHUNK elements partitioned (search-pauses.ts). */
function* select(a: Float64Array, k: number): PausingSearch<void> {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    if (a[mid]! < a[left]!) swap(a, mid, left);
    if (a[right]! < a[left]!) swap(a, right, left);
    if (a[right]! < a[mid]!) swap(a, right, mid);
    const round: Round = { i: left, j: right, pivot: a[mid]! };
    while (!partition(a, round, SEARCH_CHUNK)) yield;
    if (k <= round.j) right = round.j;
    else if (k >= round.i) left = round.i;
    else return;
  }
}

/** A Hoare partition around `pivot` in progress: everything before i is <= pivot, everything after j is >= pivot. */
interface Round {
  i: number;
  j: number;
  readonly pivot: number;
}

/**
 * Continues a partition until it is done (returns true) or about `budget` elements were passed. A plain function, so
 * the hot loop is optimised as such; the pausing generator above only calls it again.
 */
function partition(a: Float64Array, round: Round, budget: number): boolean {
  const pivot = round.pivot;
  const limit = round.i - round.j + budget; // (i - i0) + (j0 - j) >= budget  <=>  i - j >= limit
  let { i, j } = round;
  while (i <= j) {
    while (a[i]! < pivot) i++;
    while (a[j]! > pivot) j--;
    if (i <= j) {
      swap(a, i, j);
      i++;
      j--;
    }
    if (i - j >= limit) break;
  }
  round.i = i;
  round.j = j;
  return i > j;
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
  return finish(quantileSearch(a, q));
}

/** quantileSelect as a search that pauses (search-pauses.ts). */
function* quantileSearch(a: Float64Array, q: number): PausingSearch<number> {
  const n = a.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const i = Math.min(Math.floor(h), n - 1);
  yield* select(a, i);
  if (i + 1 >= n) return a[i]!;
  let next = Infinity;
  for (let j = i + 1; j < n; j++) if (a[j]! < next) next = a[j]!;
  return lerp(a[i]!, next, h - i);
}

/** The exact quantiles qs of the values in `a` (rearranged), one quantileSelect after the other, pausing. */
export function* quantilesSearch(a: Float64Array, qs: readonly number[]): PausingSearch<number[]> {
  const values: number[] = [];
  for (const q of qs) values.push(yield* quantileSearch(a, q));
  return values;
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
export type HistogramKernels = Pick<Backend, 'histogram' | 'absHistogram'> & Partial<Pick<Backend, 'histogramHalf' | 'absHistogramHalf'>>;

const REFERENCE_HISTOGRAMS: Required<HistogramKernels> = {
  histogram: histogramRun,
  absHistogram: absHistogramRun,
  histogramHalf: histogramHalfRun,
  absHistogramHalf: absHistogramHalfRun,
};

/**
 * Adds the histogram of x (|x| when abs) to counts with `kernels`: half data through their half kernels (the
 * reference's when `kernels` lack them, e.g. a Backend written against an earlier interface), never widened whole.
 */
export function addHistogramWith(kernels: HistogramKernels, x: CalibrationData, abs: boolean, min: number, max: number, counts: HistogramCounts): void {
  if (x instanceof HalfValues) {
    const k = typeof kernels.histogramHalf === 'function' && typeof kernels.absHistogramHalf === 'function' ? kernels : REFERENCE_HISTOGRAMS;
    if (abs) k.absHistogramHalf!(x.bits, x.half, min, max, counts);
    else k.histogramHalf!(x.bits, x.half, min, max, counts);
  } else if (abs) kernels.absHistogram(x, min, max, counts);
  else kernels.histogram(x, min, max, counts);
}

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
  const passes = histogramQuantileSteps(x, abs, lo, hi, count, q, bins);
  for (let next = passes.next(); ; next = passes.next()) {
    if (next.done) return next.value;
    const h = next.value as Extract<Step, { kind: 'histogram' }>; // its only kind of step
    addHistogramWith(kernels, h.x, h.abs, h.min, h.max, h.counts);
  }
}

/** histogramQuantile as calibration steps (steps.ts): its two histogram passes are asked of the runner. */
export function* histogramQuantileSteps(x: CalibrationData, abs: boolean, lo: number, hi: number, count: number, q: number, bins: number): Calibration<number> {
  if (count === 0) return NaN;
  if (lo === hi) return lo;
  const h = (count - 1) * q;
  const i = Math.min(Math.floor(h), count - 1);
  const k1 = Math.min(i + 1, count - 1);
  const counts = new Float64Array(bins);
  yield* addHistogram(x, abs, lo, hi, counts);
  const first = locateRank(counts, lo, hi, i);
  const second = locateRank(counts, lo, hi, k1);
  const w = (hi - lo) / bins;
  const spanLo = lo + w * first.bin;
  const spanHi = second.bin === bins - 1 ? hi : lo + w * (second.bin + 1);
  if (!(spanHi > spanLo)) return lerp(first.value, second.value, h - i);
  counts.fill(0);
  yield* addHistogram(x, abs, spanLo, spanHi, counts);
  const v0 = locateRank(counts, spanLo, spanHi, Math.max(i - first.before, 0)).value;
  const v1 = locateRank(counts, spanLo, spanHi, Math.max(k1 - first.before, 0)).value;
  return lerp(v0, v1, h - i);
}
