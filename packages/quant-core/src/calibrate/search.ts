import type { MinMax } from '../types.js';
import { entropySearch } from './entropy.js';
import type { Moments } from './histogram.js';
import { l2Search } from './l2-search.js';
import { modelHistogram, mseModel } from './mse.js';
import { quantilesSearch } from './percentile.js';
import type { PausingSearch } from './search-pauses.js';

/**
 * A calibration search as plain data: the bounded summary a calibrator computed from the data (a histogram, or the
 * finite values for an exact percentile) and what to find in it. Plain data so that it can be structured-cloned to a
 * worker thread; its arrays are handed over with it (the calibrator never reads them again), so a runner may transfer
 * their buffers instead of copying them.
 */
export type SearchRequest =
  /** entropyThresholdBin(counts, levels, startBin, stride): the number of bins kept. */
  | { readonly kind: 'entropy'; readonly counts: Float64Array; readonly levels: number; readonly startBin: number; readonly stride: number }
  /** l2SearchBins(counts, lo, hi, levels): the first and last bin kept. */
  | { readonly kind: 'l2'; readonly counts: Float64Array; readonly lo: number; readonly hi: number; readonly levels: number }
  /** mseModelSearch(modelHistogram(lo, hi, counts, below, above), abs, steps): the range chosen. */
  | {
      readonly kind: 'mseModel';
      readonly counts: Float64Array;
      readonly lo: number;
      readonly hi: number;
      readonly below: Moments;
      readonly above: Moments;
      readonly abs: boolean;
      readonly steps: number;
    }
  /** The exact quantiles qs of `values` (rearranged), one quantileSelect after the other. */
  | { readonly kind: 'quantiles'; readonly values: Float64Array; readonly qs: readonly number[] };

export interface SearchResults {
  readonly entropy: number;
  readonly l2: { start: number; end: number };
  readonly mseModel: MinMax;
  readonly quantiles: number[];
}

export type SearchResult = SearchResults[SearchRequest['kind']];

/** The search a request describes, pausing between chunks of its work (search-pauses.ts). */
export function pausingSearch(s: SearchRequest): PausingSearch<SearchResult> {
  switch (s.kind) {
    case 'entropy':
      return entropySearch(s.counts, s.levels, s.startBin, s.stride);
    case 'l2':
      return l2Search(s.counts, s.lo, s.hi, s.levels);
    case 'mseModel':
      return mseModel(modelHistogram(s.lo, s.hi, s.counts, s.below, s.above), s.abs, s.steps);
    case 'quantiles':
      return quantilesSearch(s.values, s.qs);
  }
}

/**
 * Runs a search to its end. `onPause` is called at every pause (every SEARCH_CHUNK units of work): a worker thread
 * passes one that throws when it is told to stop, which ends the search there.
 */
export function runSearch(s: SearchRequest, onPause?: () => void): SearchResult {
  const search = pausingSearch(s);
  for (;;) {
    const step = search.next();
    if (step.done) return step.value;
    onPause?.();
  }
}

/**
 * An upper estimate of a search's work, in SEARCH_CHUNK's units, to decide where it runs: below one chunk it never
 * pauses and is not worth a trip to another thread.
 */
export function searchWork(s: SearchRequest): number {
  const n = s.kind === 'quantiles' ? s.values.length : s.counts.length;
  switch (s.kind) {
    case 'entropy': // each candidate visits the occupied bins below it
      return s.startBin > n ? 0 : (Math.floor((n - s.startBin) / s.stride) + 1) * (occupied(s.counts) + 1);
    case 'l2': // a bound only stops on an occupied bin, and each move re-evaluates all bins
      return 2 * (occupied(s.counts) + 1) * n;
    case 'mseModel':
      return 8 * n; // two scans per round, and a few rounds
    case 'quantiles':
      return 2 * n * s.qs.length; // quickselect: about 2n elements partitioned per quantile
  }
}

function occupied(counts: Float64Array): number {
  let bins = 0;
  for (let j = 0; j < counts.length; j++) if (counts[j] !== 0) bins++;
  return bins;
}
