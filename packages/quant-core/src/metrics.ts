import type { QuantizationErrorReport } from './types.js';

/** Running sums behind a QuantizationErrorReport; all in float64, accumulated in element order. */
export interface ErrorSums {
  sumSq: number;
  sumAbs: number;
  maxAbs: number;
  sumRef2: number;
  sumApprox2: number;
  dot: number;
}

export function newErrorSums(): ErrorSums {
  return { sumSq: 0, sumAbs: 0, maxAbs: 0, sumRef2: 0, sumApprox2: 0, dot: 0 };
}

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

/**
 * Metrics of n accumulated pairs. An empty input has no error: mse, rmse, maxAbs and meanAbs 0, SQNR +Infinity,
 * cosine 1. The cosine of two all-zero vectors is 1, of an all-zero and a non-zero vector 0.
 */
export function errorReportOf(s: ErrorSums, n: number): QuantizationErrorReport {
  const mse = n === 0 ? 0 : s.sumSq / n;
  const norms = Math.sqrt(s.sumRef2) * Math.sqrt(s.sumApprox2);
  let cosine: number;
  if (norms > 0) cosine = s.dot / norms;
  else cosine = s.sumRef2 === 0 && s.sumApprox2 === 0 ? 1 : 0;
  let sqnrDb: number;
  if (s.sumSq === 0) sqnrDb = Infinity;
  else sqnrDb = 10 * Math.log10(s.sumRef2 / s.sumSq);
  return { mse, rmse: Math.sqrt(mse), maxAbs: s.maxAbs, meanAbs: n === 0 ? 0 : s.sumAbs / n, sqnrDb, cosine };
}
