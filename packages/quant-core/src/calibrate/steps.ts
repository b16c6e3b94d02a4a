import type { FloatArray, KernelSpec } from '../types.js';
import type { StorageSpec } from '../storage.js';
import type { CalibrationData } from './half-values.js';
import type { FiniteStats, Moments } from './histogram.js';
import type { SearchRequest, SearchResults } from './search.js';

/*
 * A calibrator is a generator of steps (calibrators.ts): passes over the data, and searches on what the passes found.
 * Whoever runs it performs each step and sends the result back. The synchronous API performs every step at once on
 * its backend (run-sync.ts); the async API performs passes over large data on async kernels or in slices that let the
 * event loop turn, and long searches off the JavaScript thread (run-async.ts). One algorithm, several ways to run it:
 * a step's result is defined by the synchronous function named beside it, and every runner must return exactly that,
 * bit for bit, so a calibrated range never depends on how it was computed.
 */
export type Step =
  /** finiteStats(x, abs) (of the exact float32 widening of half data, here and below) */
  | { readonly kind: 'finiteStats'; readonly x: CalibrationData; readonly abs: boolean }
  /** Adds the histogram of x (|x| when abs) over [min, max] to counts: histogram / absHistogram (their *Half kernels). */
  | { readonly kind: 'histogram'; readonly x: CalibrationData; readonly abs: boolean; readonly min: number; readonly max: number; readonly counts: Float64Array }
  /** tailMoments(x, lo, hi, abs) */
  | { readonly kind: 'tailMoments'; readonly x: CalibrationData; readonly lo: number; readonly hi: number; readonly abs: boolean }
  /** finiteCopy(x, abs): the finite values (of |x|) as float64, in order. */
  | { readonly kind: 'finiteCopy'; readonly x: CalibrationData; readonly abs: boolean }
  /** finiteValues(x, count): the `count` finite values of x, in x's own type (float32 for half data), in order. */
  | { readonly kind: 'finiteValues'; readonly x: CalibrationData; readonly count: number }
  /** The mean squared error of fake-quantizing `values` with (scale, zeroPoint) through the backend's kernels into `out`. */
  | {
      readonly kind: 'realMse';
      readonly values: FloatArray;
      readonly scale: number;
      readonly zeroPoint: number;
      readonly kernel: KernelSpec;
      readonly storage: StorageSpec;
      readonly out: FloatArray;
    }
  /** runSearch(search); the search's arrays are handed over (the calibrator never reads them again). */
  | { readonly kind: 'search'; readonly search: SearchRequest };

/** A calibrator in progress: yields steps, receives their results, returns T. */
export type Calibration<T> = Generator<Step, T, unknown>;

/** Asks the runner to perform one step; the cast to the step's result type is made here, once per kind below. */
function* perform<T>(step: Step): Generator<Step, T, unknown> {
  return (yield step) as T;
}

export const finiteStatsOf = (x: CalibrationData, abs: boolean) => perform<FiniteStats>({ kind: 'finiteStats', x, abs });

export const addHistogram = (x: CalibrationData, abs: boolean, min: number, max: number, counts: Float64Array) =>
  perform<void>({ kind: 'histogram', x, abs, min, max, counts });

export const tailMomentsOf = (x: CalibrationData, lo: number, hi: number, abs: boolean) =>
  perform<{ below: Moments; above: Moments }>({ kind: 'tailMoments', x, lo, hi, abs });

export const finiteCopyOf = (x: CalibrationData, abs: boolean) => perform<Float64Array>({ kind: 'finiteCopy', x, abs });

export const finiteValuesOf = (x: CalibrationData, count: number) => perform<FloatArray>({ kind: 'finiteValues', x, count });

export const realMseOf = (values: FloatArray, scale: number, zeroPoint: number, kernel: KernelSpec, storage: StorageSpec, out: FloatArray) =>
  perform<number>({ kind: 'realMse', values, scale, zeroPoint, kernel, storage, out });

export const searchFor = <R extends SearchRequest>(search: R) => perform<SearchResults[R['kind']]>({ kind: 'search', search });
