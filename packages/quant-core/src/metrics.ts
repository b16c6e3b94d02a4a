import type { QuantizationErrorReport } from './types.js';

/**
 * Running sums behind a QuantizationErrorReport; all in float64, accumulated in element order. `nanCount` counts the
 * pairs left out because one of the two values is NaN (accumulateErrorSkippingNaN); sums made without it (a
 * backend's fakeQuantizeTensor kernel) leave it undefined and include every pair.
 */
export interface ErrorSums {
  sumSq: number;
  sumAbs: number;
  maxAbs: number;
  sumRef2: number;
  sumApprox2: number;
  dot: number;
  nanCount?: number;
}

export function newErrorSums(): ErrorSums {
  return { sumSq: 0, sumAbs: 0, maxAbs: 0, sumRef2: 0, sumApprox2: 0, dot: 0, nanCount: 0 };
}

/**
 * Adds one pair to the sums, NaN included (a NaN makes the sums NaN). This is the contract of the backends'
 * fakeQuantizeTensor kernels, whose loops stay branch-free; the API turns their NaN reports into NaN-aware ones
 * (nanAwareReport).
 */
export function accumulateError(s: ErrorSums, reference: number, approx: number): void {
  const d = reference - approx;
  const a = Math.abs(d);
  s.sumSq += d * d;
  s.sumAbs += a;
  if (a > s.maxAbs || a !== a) s.maxAbs = a;
  s.sumRef2 += reference * reference;
  s.sumApprox2 += approx * approx;
  s.dot += reference * approx;
}

/** Adds one pair, or counts it in nanCount when either value is NaN: the metrics of quantizationError (SPEC §6). */
export function accumulateErrorSkippingNaN(s: ErrorSums, reference: number, approx: number): void {
  if (reference !== reference || approx !== approx) s.nanCount = (s.nanCount ?? 0) + 1;
  else accumulateError(s, reference, approx);
}

/**
 * Metrics of n accumulated pairs, of which s.nanCount were left out. An empty input has no error: mse, rmse, maxAbs
 * and meanAbs 0, SQNR +Infinity, cosine 1. The cosine of two all-zero vectors is 1, of an all-zero and a non-zero
 * vector 0. When every pair was left out (all NaN) there is nothing to measure: every metric is NaN, cosine included.
 */
export function errorReportOf(s: ErrorSums, n: number): QuantizationErrorReport {
  const nanCount = s.nanCount ?? 0;
  const pairs = n - nanCount;
  if (pairs === 0 && nanCount > 0) return { mse: NaN, rmse: NaN, maxAbs: NaN, meanAbs: NaN, sqnrDb: NaN, cosine: NaN, nanCount };
  const mse = pairs === 0 ? 0 : s.sumSq / pairs;
  const norms = Math.sqrt(s.sumRef2) * Math.sqrt(s.sumApprox2);
  let cosine: number;
  if (norms > 0) cosine = s.dot / norms;
  else cosine = s.sumRef2 === 0 && s.sumApprox2 === 0 ? 1 : 0;
  let sqnrDb: number;
  if (s.sumSq === 0) sqnrDb = Infinity;
  else sqnrDb = 10 * Math.log10(s.sumRef2 / s.sumSq);
  return { mse, rmse: Math.sqrt(mse), maxAbs: s.maxAbs, meanAbs: pairs === 0 ? 0 : s.sumAbs / pairs, sqnrDb, cosine, nanCount };
}

/**
 * The report of a fakeQuantizeTensor kernel over whole arrays: every pair in element order, NaN included (the Backend
 * contract, which the reference kernel computes chunk by chunk and an async kernel may compute at the end).
 */
export function kernelErrorReport(reference: ArrayLike<number>, approx: ArrayLike<number>): QuantizationErrorReport {
  const sums = newErrorSums();
  for (let i = 0; i < reference.length; i++) accumulateError(sums, reference[i]!, approx[i]!);
  return errorReportOf(sums, reference.length);
}

/** The NaN-aware metrics of approx against reference, in one pass (quantizationError without argument checks). */
export function errorReportSkippingNaN(reference: ArrayLike<number>, approx: ArrayLike<number>): QuantizationErrorReport {
  const sums = newErrorSums();
  for (let i = 0; i < reference.length; i++) accumulateErrorSkippingNaN(sums, reference[i]!, approx[i]!);
  return errorReportOf(sums, reference.length);
}

/**
 * A kernel's report made NaN-aware: a report whose mse is NaN came from sums that took a NaN in, so it is measured
 * again, skipping the NaN pairs (one more pass, only for data holding NaN). Other reports are kept as they are.
 */
export function nanAwareReport(report: QuantizationErrorReport, reference: ArrayLike<number>, approx: ArrayLike<number>): QuantizationErrorReport {
  return Number.isNaN(report.mse) ? errorReportSkippingNaN(reference, approx) : report;
}
