import { describeValue } from '../describe-value.js';
import { ErrorCodes, fail } from '../errors.js';
import type { FloatArray } from '../types.js';
import { checkDisjoint, checkOutput, floatInput, typedArrayOf } from '../validate.js';
import { typedArrayName } from '../views.js';
import { checkBitOrder, checkDim, checkInt8Rounding, checkThreshold } from './options.js';
import { packedRowBytes } from './pack-binary.js';

/*
 * The argument checks of the embedding kernels (kernel-api.ts runs them before a backend sees a call): every array of
 * the type and length the kernel reads and writes, outputs apart from inputs. Rows are whole rows and one score is
 * written per row, so out.length is rows.length / dim.
 */

const BYTE_CODES: ReadonlySet<string> = new Set(['Int8Array', 'Uint8Array']);

function codesInput(x: unknown, name: string, brand?: 'Int8Array' | 'Uint8Array'): Int8Array | Uint8Array {
  if (brand !== undefined) return typedArrayOf(x, new Set([brand]), ErrorCodes.INPUT_TYPE, name, `an ${brand}`);
  return typedArrayOf(x, BYTE_CODES, ErrorCodes.INPUT_TYPE, name, 'an Int8Array or Uint8Array');
}

function hasLength(x: ArrayLike<number>, length: number, name: string): void {
  if (x.length !== length) fail(ErrorCodes.SHAPE, `${name} has ${x.length} values; expected ${length}`);
}

/** starts / steps: of x's precision (which they choose), one per dimension. */
function checkRanges(starts: unknown, steps: unknown, dim: number, like: FloatArray, likeName: string): void {
  for (const [v, name] of [[starts, 'starts'], [steps, 'steps']] as const) {
    const a = floatInput(v, name);
    if (typedArrayName(a) !== typedArrayName(like)) fail(ErrorCodes.INPUT_TYPE, `${name} must be a ${typedArrayName(like)} like ${likeName}, got ${describeValue(v)}`);
    hasLength(a, dim, name);
  }
}

/** The scores of a scan: an array of `brand` with one element per row of `rows`. */
function checkScan(query: ArrayLike<number>, rows: ArrayLike<number>, rowLength: number, out: unknown, brand: string, names = ['query', 'rows']): void {
  hasLength(query, rowLength, names[0]!);
  if (rows.length % rowLength !== 0) fail(ErrorCodes.SHAPE, `${names[1]} has ${rows.length} values, not a whole number of rows of ${rowLength}`);
  checkOutput(out, brand, rows.length / rowLength);
}

export function checkQuantizeEmbeddingRowsArgs(x: unknown, dim: unknown, starts: unknown, steps: unknown, precision: unknown, int8Rounding: unknown, out: unknown): void {
  const input = floatInput(x, 'x');
  const d = checkDim(dim, input.length, 'x');
  checkRanges(starts, steps, d, input, 'x');
  if (precision !== 'int8' && precision !== 'uint8') fail(ErrorCodes.OPTION, `precision must be 'int8' or 'uint8', got ${describeValue(precision)}`);
  checkInt8Rounding(int8Rounding);
  checkDisjoint(checkOutput(out, precision === 'int8' ? 'Int8Array' : 'Uint8Array', input.length), input, 'x');
}

export function checkPackBinaryRowsArgs(x: unknown, dim: unknown, precision: unknown, bitOrder: unknown, threshold: unknown, out: unknown): void {
  const input = floatInput(x, 'x');
  const d = checkDim(dim, input.length, 'x');
  if (precision !== 'binary' && precision !== 'ubinary') fail(ErrorCodes.OPTION, `precision must be 'binary' or 'ubinary', got ${describeValue(precision)}`);
  checkBitOrder(bitOrder);
  checkThreshold(threshold);
  const length = (input.length / d) * packedRowBytes(d);
  checkDisjoint(checkOutput(out, precision === 'binary' ? 'Int8Array' : 'Uint8Array', length), input, 'x');
}

export function checkHammingScanArgs(query: unknown, rows: unknown, bytesPerRow: unknown, out: unknown): void {
  const q = codesInput(query, 'query');
  const r = codesInput(rows, 'rows');
  if (typeof bytesPerRow !== 'number' || !Number.isSafeInteger(bytesPerRow) || bytesPerRow < 1) fail(ErrorCodes.SHAPE, `bytesPerRow must be an integer >= 1, got ${describeValue(bytesPerRow)}`);
  checkScan(q, r, bytesPerRow, out, 'Uint32Array');
}

/** dotScanInt8 .. l2ScanUint8: codes of one type, dim <= MAX_EMBEDDING_DIM (where the scores are exact). */
export function checkIntegerScanArgs(brand: 'Int8Array' | 'Uint8Array', outBrand: 'Int32Array' | 'Uint32Array') {
  return (query: unknown, rows: unknown, dim: unknown, out: unknown): void => {
    const q = codesInput(query, 'query', brand);
    const r = codesInput(rows, 'rows', brand);
    checkScan(q, r, checkDim(dim, r.length, 'rows'), out, outBrand);
  };
}

/** dotScanAsymmetric / l2ScanAsymmetric: the query, starts and steps of one precision. */
export function checkAsymmetricScanArgs(query: unknown, rows: unknown, starts: unknown, steps: unknown, dim: unknown, out: unknown, int8Rounding: unknown): void {
  const q = floatInput(query, 'query');
  const r = codesInput(rows, 'rows');
  const d = checkDim(dim, r.length, 'rows');
  checkRanges(starts, steps, d, q, 'query');
  checkInt8Rounding(int8Rounding);
  checkScan(q, r, d, out, 'Float64Array');
}

/** dotScanFloat / l2ScanFloat. */
export function checkFloatScanArgs(query: unknown, rows: unknown, dim: unknown, out: unknown): void {
  const q = floatInput(query, 'query');
  const r = floatInput(rows, 'rows');
  checkScan(q, r, checkDim(dim, r.length, 'rows'), out, 'Float64Array');
}

const SCORE_ARRAYS: ReadonlySet<string> = new Set(['Float64Array', 'Int32Array', 'Uint32Array']);

/** topKKernel: k a count, out exactly min(k, scores.length) indices (scores.length <= 2^32: indices are uint32). */
export function checkTopKArgs(scores: unknown, k: unknown, order: unknown, out: unknown): void {
  const s = typedArrayOf<Float64Array | Int32Array | Uint32Array>(scores, SCORE_ARRAYS, ErrorCodes.INPUT_TYPE, 'scores', 'a Float64Array, Int32Array or Uint32Array');
  if (s.length > 2 ** 32) fail(ErrorCodes.SHAPE, `scores has ${s.length} values; at most 2^32 (uint32 indices)`);
  if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 0) fail(ErrorCodes.OPTION, `k must be an integer >= 0, got ${describeValue(k)}`);
  if (order !== 'ascending' && order !== 'descending') fail(ErrorCodes.OPTION, `order must be 'ascending' or 'descending', got ${describeValue(order)}`);
  checkDisjoint(checkOutput(out, 'Uint32Array', Math.min(k, s.length)), s, 'scores');
}
