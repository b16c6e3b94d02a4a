import { ErrorCodes, fail } from '../errors.js';
import type { FloatArray } from '../types.js';
import { absHistogramRun, finiteStats, histogramRun } from './histogram.js';

/*
 * A histogram with a fixed number of bins on a canonical grid, for streaming observers.
 *
 * Bins are 2^e wide and aligned to multiples of 2^e: bin j covers [(m + j) 2^e, (m + j + 1) 2^e). For the values seen
 * so far, spanning [lo, hi] (lo = 0 for |x| histograms), e is the smallest exponent with
 * floor(hi / 2^e) - floor(lo / 2^e) < bins, and m = floor(lo / 2^e). When new values widen the span, e grows and the
 * counts are re-binned exactly: every new bin is the union of 2^(e' - e) old ones. The grid therefore depends only on
 * the overall span, not on the order or grouping of the batches, so a histogram built batch by batch, or merged from
 * shards, equals the one built from all the data at once: merging is exact. The price is resolution: the data covers
 * between a quarter and all of the bins (half or more for |x| histograms).
 *
 * Values are binned by the histogram kernel over [m 2^e, (m + bins) 2^e], whose formula is exact on this grid for
 * float32 data; float64 values within about 2^-42 of the window width from a bin edge may land in the neighbouring bin.
 * While every value seen is the same number there is no grid yet (exponent null): only the count is kept.
 */
export interface GridHistogram {
  readonly bins: number;
  /** Histogram of |x| (the grid starts at 0) instead of x. */
  readonly abs: boolean;
  /** Finite values added. */
  count: number;
  /** Extremes of the added values (|x| when abs); +Infinity / -Infinity while empty. */
  dataMin: number;
  dataMax: number;
  /** Bin width 2^exponent; null while all values are equal. */
  exponent: number | null;
  /** The first bin starts at offset 2^exponent. */
  offset: number;
  counts: Float64Array;
}

export function createGridHistogram(bins: number, abs: boolean): GridHistogram {
  return { bins, abs, count: 0, dataMin: Infinity, dataMax: -Infinity, exponent: null, offset: 0, counts: new Float64Array(bins) };
}

function gridLo(h: { abs: boolean; dataMin: number }): number {
  return h.abs ? 0 : h.dataMin;
}

/** The window [offset 2^e, (offset + bins) 2^e] the kernel bins into. */
export function gridWindow(h: GridHistogram): { lo: number; hi: number } {
  const w = 2 ** h.exponent!;
  return { lo: h.offset * w, hi: (h.offset + h.bins) * w };
}

/** The smallest e >= minExponent whose grid holds [lo, hi] (lo < hi) in `bins` bins, and its offset. */
function canonicalGrid(lo: number, hi: number, bins: number, minExponent: number): { exponent: number; offset: number } {
  let e = Math.max(minExponent, Math.floor(Math.log2((hi - lo) / bins)) - 1, -1074);
  for (;;) {
    const w = 2 ** e;
    const first = Math.floor(lo / w);
    if (Math.floor(hi / w) - first < bins) {
      if (!Number.isFinite((first + bins) * w)) fail(ErrorCodes.RANGE, `values up to ${hi} are too large for a histogram observer`);
      return { exponent: e, offset: first };
    }
    e++;
  }
}

/** Re-bins h onto grid (e, m) (e >= h's exponent) and adds its counts to `into`. */
function addOnto(h: GridHistogram, exponent: number, offset: number, into: Float64Array): void {
  if (h.count === 0) return;
  if (h.exponent === null) {
    // Every value equals dataMin: bin it with the kernel's formula.
    const w = 2 ** exponent;
    const lo = offset * w;
    const f = h.bins / (h.bins * w);
    const k = ((h.dataMin - lo) * f) | 0;
    into[Math.min(k, h.bins - 1)] += h.count;
    return;
  }
  const shift = 2 ** (exponent - h.exponent);
  for (let j = 0; j < h.bins; j++) {
    const c = h.counts[j]!;
    if (c !== 0) into[Math.floor((h.offset + j) / shift) - offset] += c;
  }
}

/** Widens h's grid (if needed) so that it holds [lo, hi]. */
function regrid(h: GridHistogram, lo: number, hi: number, minExponent: number): void {
  if (lo === hi) return; // still a single value: no grid needed
  const target = canonicalGrid(lo, hi, h.bins, minExponent);
  if (target.exponent === h.exponent && target.offset === h.offset) return;
  const counts = new Float64Array(h.bins);
  addOnto(h, target.exponent, target.offset, counts);
  h.counts = counts;
  h.exponent = target.exponent;
  h.offset = target.offset;
}

/** Adds the finite values of x (|x| when abs) to h. */
export function gridAdd(h: GridHistogram, x: FloatArray): void {
  const s = finiteStats(x, h.abs);
  if (s.count === 0) return;
  const dataMin = Math.min(h.dataMin, s.min);
  const dataMax = Math.max(h.dataMax, s.max);
  regrid(h, gridLo({ abs: h.abs, dataMin }), dataMax, h.exponent ?? -Infinity);
  h.dataMin = dataMin;
  h.dataMax = dataMax;
  h.count += s.count;
  if (h.exponent === null) return;
  const { lo, hi } = gridWindow(h);
  (h.abs ? absHistogramRun : histogramRun)(x, lo, hi, h.counts);
}

/** Adds other's counts to h (same bins and abs); exact, see above. */
export function gridMerge(h: GridHistogram, other: GridHistogram): void {
  if (other.count === 0) return;
  const dataMin = Math.min(h.dataMin, other.dataMin);
  const dataMax = Math.max(h.dataMax, other.dataMax);
  const lo = gridLo({ abs: h.abs, dataMin });
  if (lo !== dataMax) {
    regrid(h, lo, dataMax, Math.max(h.exponent ?? -Infinity, other.exponent ?? -Infinity));
    addOnto(other, h.exponent!, h.offset, h.counts);
  }
  h.dataMin = dataMin;
  h.dataMax = dataMax;
  h.count += other.count;
}

/**
 * The occupied part of h as a plain histogram over [lo, hi]: from the first to the last non-empty bin (from bin 0 for
 * |x| histograms, which start at 0). Null while h is empty or holds a single value.
 */
export function occupiedBins(h: GridHistogram): { lo: number; hi: number; counts: Float64Array } | null {
  if (h.count === 0 || h.exponent === null) return null;
  let first = 0;
  if (!h.abs) while (h.counts[first] === 0) first++;
  let last = h.bins - 1;
  while (h.counts[last] === 0) last--;
  const w = 2 ** h.exponent;
  return { lo: (h.offset + first) * w, hi: (h.offset + last + 1) * w, counts: h.counts.slice(first, last + 1) };
}
