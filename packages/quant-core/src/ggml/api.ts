/*
 * A sketch of the higher-level GGML API: a float32 tensor to GGML blocks and back, with its shape. Blocks never span
 * rows: the last dimension (the row, as in ggml's ne[0]) must be a multiple of the format's block size, and the data
 * is the rows' blocks end to end (nrows * ggml_row_size(type, ne0) bytes, as ggml stores a tensor).
 *
 * Errors: those of kernels.ts, and
 *   options not an object, format missing or unknown   ERR_QUANT_OPTION
 *   an options key these calls do not know             ERR_QUANT_UNKNOWN_OPTION
 *   shape malformed, disagreeing with the data, or its last dimension not a multiple of the block size (a rank-0
 *   shape is one element: never a whole block)          ERR_QUANT_SHAPE
 *   blocks whose data is not a Uint8Array              ERR_QUANT_INPUT_TYPE
 *   data whose length disagrees with format and shape  ERR_QUANT_PACKED
 */

import { describeValue } from '../describe-value.js';
import { ErrorCodes, fail } from '../errors.js';
import { checkShape, resolveShape, shapeSize } from '../layout.js';
import { checkOptionKeys, optionsObject } from '../options.js';
import { checkOutput } from '../validate.js';
import { ggmlFormatInfo, ggmlRowBytes, type GgmlFormat, type GgmlFormatInfo } from './formats.js';
import type { Backend } from '../backend.js';
import { checkGgmlDequantizeArgs, checkGgmlQuantizeArgs, float32Input, nonFiniteError, uint8Input } from './kernels.js';

export interface GgmlQuantizeOptions {
  readonly format: GgmlFormat;
  /** The tensor's shape, row-major; the last dimension is the row. Default: [x.length], one row. */
  readonly shape?: readonly number[];
}

export interface GgmlBlocks {
  readonly data: Uint8Array;
  readonly format: GgmlFormat;
  readonly shape: readonly number[];
}

export interface GgmlDequantizeOptions {
  /** A Float32Array of shapeSize(shape) elements to write into (returned). */
  readonly out?: Float32Array;
}

/** ERR_QUANT_SHAPE unless the rows (last dimension) of `shape` are whole blocks of the format. */
function checkRows(shape: readonly number[], info: GgmlFormatInfo): void {
  const row = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  if (row % info.blockSize !== 0) {
    fail(ErrorCodes.SHAPE, `${info.name} blocks of ${info.blockSize} do not span rows: the last dimension of shape [${shape.join(', ')}] must be a multiple of ${info.blockSize}`);
  }
}

export interface GgmlApi {
  /** x (float32, finite) quantized to GGML blocks of `format`, bit-exact with upstream's quantize_row_*_ref. */
  quantizeBlocks(x: Float32Array, options: GgmlQuantizeOptions): GgmlBlocks;
  /** The float32 values of GGML blocks (upstream's dequantize_row_*), into options.out or a new array. */
  dequantizeBlocks(qb: GgmlBlocks, options?: GgmlDequantizeOptions): Float32Array;
}

/** quantizeBlocks / dequantizeBlocks on a backend's ggml kernels: validation here, once, for every backend. */
export function createGgmlApi(backend: Pick<Backend, 'ggmlQuantize' | 'ggmlDequantize'>): GgmlApi {
  return { quantizeBlocks: (x, options) => quantizeBlocks(backend, x, options), dequantizeBlocks: (qb, options) => dequantizeBlocks(backend, qb, options) };
}

function quantizeBlocks(backend: Pick<Backend, 'ggmlQuantize'>, x: Float32Array, options: GgmlQuantizeOptions): GgmlBlocks {
  const opts = optionsObject(options, 'quantizeBlocks');
  checkOptionKeys(opts, ['format', 'shape']);
  const info = ggmlFormatInfo(opts.format);
  const input = float32Input(x, 'x');
  const shape = resolveShape(opts.shape, input.length);
  checkRows(shape, info);
  const data = new Uint8Array(ggmlRowBytes(info.name, input.length));
  checkGgmlQuantizeArgs(input, info.name, data);
  const bad = backend.ggmlQuantize(input, info.name, data);
  if (bad >= 0) nonFiniteError(input, bad);
  return { data, format: info.name, shape };
}

function dequantizeBlocks(backend: Pick<Backend, 'ggmlDequantize'>, qb: GgmlBlocks, options?: GgmlDequantizeOptions): Float32Array {
  if (typeof qb !== 'object' || qb === null) fail(ErrorCodes.INPUT_TYPE, `dequantizeBlocks takes { data, format, shape }, got ${describeValue(qb)}`);
  const opts = optionsObject(options, 'dequantizeBlocks');
  checkOptionKeys(opts, ['out']);
  const info = ggmlFormatInfo(qb.format);
  const shape = checkShape(qb.shape);
  checkRows(shape, info);
  const n = shapeSize(shape);
  const data = uint8Input(qb.data, 'data');
  const expected = (n / info.blockSize) * info.bytesPerBlock;
  if (data.length !== expected) {
    fail(ErrorCodes.PACKED, `${info.name} data of shape [${shape.join(', ')}] takes ${expected} bytes, got ${data.length}`);
  }
  const out = opts.out === undefined ? new Float32Array(n) : checkOutput<Float32Array>(opts.out, 'Float32Array', n);
  checkGgmlDequantizeArgs(data, info.name, out);
  backend.ggmlDequantize(data, info.name, out);
  return out;
}
