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
 * Error metrics are compared exactly, NaN with NaN: docs/SPEC.md §6 fixes the order in which their float64 sums are
 * accumulated (8 lanes per block of 65536 pairs, blocks in order), so every backend that follows the contract reports
 * the same bits whatever its SIMD width or thread count.
 */
function withinTolerance(_k: keyof ErrorReportLike, expected: number, actual: number): boolean {
  return sameNumber(expected, actual, false);
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
