import { floatBits, type AnyTypedArray } from './encoding.js';

function bytesOf(a: AnyTypedArray): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Index of the first element whose bytes differ (so -0 vs 0 and NaN payloads count), or -1 if identical. */
export function firstDifference(expected: AnyTypedArray, actual: AnyTypedArray): number {
  if (expected.length !== actual.length) return Math.min(expected.length, actual.length);
  const e = bytesOf(expected);
  const a = bytesOf(actual);
  if (e.equals(a)) return -1;
  for (let i = 0; i < e.length; i++) {
    if (e[i] !== a[i]) return Math.floor(i / expected.BYTES_PER_ELEMENT);
  }
  return -1;
}

/** A value for a failure message: floats with their bit pattern. */
export function show(v: number | undefined, a?: AnyTypedArray): string {
  if (v === undefined) return 'missing';
  if (a instanceof Float32Array) return `${Object.is(v, -0) ? '-0' : v} (0x${floatBits(v, true)})`;
  if (a instanceof Float64Array) return `${Object.is(v, -0) ? '-0' : v} (0x${floatBits(v, false)})`;
  return String(v);
}

/**
 * Compares two arrays element by element; on a difference returns one message naming the first differing element with
 * its index, the input at that index (when given), the expected and the actual value.
 */
export function diffArrays(label: string, expected: AnyTypedArray, actual: AnyTypedArray, input?: AnyTypedArray): string | undefined {
  if (expected.length !== actual.length || expected.constructor !== actual.constructor) {
    return `${label}: expected ${expected.constructor.name}(${expected.length}), got ${actual.constructor.name}(${actual.length})`;
  }
  const i = firstDifference(expected, actual);
  if (i < 0) return undefined;
  let count = 0;
  const e = bytesOf(expected);
  const a = bytesOf(actual);
  const w = expected.BYTES_PER_ELEMENT;
  for (let k = 0; k < expected.length; k++) {
    if (!e.subarray(k * w, k * w + w).equals(a.subarray(k * w, k * w + w))) count++;
  }
  const at = input !== undefined && i < input.length ? `input=${show(input[i], input)}, ` : '';
  return `${label}: ${count} of ${expected.length} elements differ; first at index ${i}: ${at}expected=${show(expected[i], expected)}, actual=${show(actual[i], actual)}`;
}

/** Same number, with NaN equal to NaN and, when `signedZero` is false, -0 equal to 0. */
export function sameNumber(expected: number, actual: number, signedZero = true): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return signedZero ? Object.is(expected, actual) : expected === actual;
}

/**
 * Error metrics are float64 statistics over the whole tensor, and a backend may accumulate their sums in any order
 * (SIMD lanes, threads), which moves the last bits: reordering n non-negative float64 terms changes a sum by at most
 * about n * 2^-53 relative, under 1e-10 for the sizes tested. So maxAbs (a maximum, order-free) must be identical and
 * the others equal within a relative 1e-9 (still far below any real difference); NaN must match NaN, infinities and
 * zeros exactly. sqnrDb is the exception: it is 10 log10 of a ratio of two sums, so their relative errors become an
 * absolute error in dB (at most 10 / ln 10 * 2e-9 < 1e-8 dB), which is not small relative to an SQNR near 0 dB (seen:
 * 1.11232627e-6 dB against 1.11232633e-6 dB, from sums equal to 1e-13). It is compared within
 * METRIC_RELATIVE_TOLERANCE * max(|sqnrDb|, 10).
 */
export const METRIC_RELATIVE_TOLERANCE = 1e-9;

function withinTolerance(k: keyof ErrorReportLike, expected: number, actual: number): boolean {
  if (k === 'maxAbs' || !Number.isFinite(expected)) return sameNumber(expected, actual, false);
  if (k === 'sqnrDb') return Math.abs(actual - expected) <= METRIC_RELATIVE_TOLERANCE * Math.max(Math.abs(expected), 10);
  return expected === 0 ? sameNumber(expected, actual, false) : Math.abs(actual - expected) <= METRIC_RELATIVE_TOLERANCE * Math.abs(expected);
}

export interface ErrorReportLike {
  readonly mse: number;
  readonly rmse: number;
  readonly maxAbs: number;
  readonly meanAbs: number;
  readonly sqnrDb: number;
  readonly cosine: number;
}

export function diffErrorReport(expected: ErrorReportLike, actual: ErrorReportLike): string | undefined {
  for (const k of ['mse', 'rmse', 'maxAbs', 'meanAbs', 'sqnrDb', 'cosine'] as const) {
    const e = expected[k];
    const a = actual[k];
    if (!withinTolerance(k, e, a)) return `error report ${k}: expected ${e}, actual ${a}`;
  }
  return undefined;
}
