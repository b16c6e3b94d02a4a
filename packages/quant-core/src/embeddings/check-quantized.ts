import { describeValue } from '../describe-value.js';
import { ErrorCodes, fail } from '../errors.js';
import { checkedView } from '../validate.js';
import { typedArrayName } from '../views.js';
import { checkBitOrder, checkDim, checkInt8Rounding, checkPrecision, checkThreshold } from './options.js';
import { packedRowBytes } from './pack-binary.js';
import type { FloatDType } from '../types.js';
import type { BinaryQuantizedEmbeddings, QuantizedEmbeddings } from './types.js';

/* The structure of a QuantizedEmbeddings handed back to dequantize, rescoring or serialization. */

/** binary/ubinary rather than int8/uint8 (a guard: `precision` is a union on both sides, which TS cannot narrow on). */
export function isBinaryEmbeddings(q: QuantizedEmbeddings): q is BinaryQuantizedEmbeddings {
  return q.precision === 'binary' || q.precision === 'ubinary';
}

function arrayOf<T extends ArrayBufferView>(value: unknown, brand: string, length: number, name: string): T {
  if (typedArrayName(value) !== brand) fail(ErrorCodes.INPUT_TYPE, `${name} must be a ${brand}, got ${describeValue(value)}`);
  const view = checkedView(value as T, name);
  const n = (view as unknown as ArrayLike<number>).length;
  if (n !== length) fail(ErrorCodes.SHAPE, `${name} has ${n} elements; expected ${length}`);
  return view;
}

function count(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(ErrorCodes.SHAPE, `${name} must be an integer >= 0, got ${describeValue(value)}`);
  return value;
}

/** `q` as a well-formed QuantizedEmbeddings (fresh object, the caller's arrays as intrinsic views), else a QuantError. */
export function checkQuantizedEmbeddings(q: unknown, name = 'quantized'): QuantizedEmbeddings {
  if (typeof q !== 'object' || q === null) fail(ErrorCodes.INPUT_TYPE, `${name} must be the result of quantizeEmbeddings, got ${describeValue(q)}`);
  const o = q as Record<string, unknown>;
  const precision = checkPrecision(o.precision);
  const rows = count(o.rows, `${name}.rows`);
  const dim = checkDim(o.dim, 0, name);
  const bytesPerRow = precision === 'binary' || precision === 'ubinary' ? packedRowBytes(dim) : dim;
  if (o.bytesPerRow !== bytesPerRow) fail(ErrorCodes.SHAPE, `${name}.bytesPerRow must be ${bytesPerRow} for dim ${dim}, got ${describeValue(o.bytesPerRow)}`);
  const brand = precision === 'int8' || precision === 'binary' ? 'Int8Array' : 'Uint8Array';
  const data = arrayOf<Int8Array | Uint8Array>(o.data, brand, rows * bytesPerRow, `${name}.data`);
  if (precision === 'binary' || precision === 'ubinary') {
    return { precision, rows, dim, bytesPerRow, data, bitOrder: checkBitOrder(o.bitOrder), threshold: checkThreshold(o.threshold) };
  }
  if (o.dtype !== 'float32' && o.dtype !== 'float64') fail(ErrorCodes.INPUT_TYPE, `${name}.dtype must be 'float32' or 'float64', got ${describeValue(o.dtype)}`);
  const dtype: FloatDType = o.dtype;
  const floats = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  const min = arrayOf<Float32Array | Float64Array>(o.min, floats, dim, `${name}.min`);
  const max = arrayOf<Float32Array | Float64Array>(o.max, floats, dim, `${name}.max`);
  const steps = arrayOf<Float32Array | Float64Array>(o.steps, floats, dim, `${name}.steps`);
  const base = { precision, rows, dim, bytesPerRow, data, dtype, min, max, steps };
  return precision === 'int8' ? { ...base, int8Rounding: checkInt8Rounding(o.int8Rounding) } : base;
}
