/*
 * A sketch of the higher-level GGML API: a float32 tensor to GGML blocks and back, with its shape. Blocks never span
 * rows: the last dimension (the row, as in ggml's ne[0]) must be a multiple of the format's block size, and the data
 * is the rows' blocks end to end (nrows * ggml_row_size(type, ne0) bytes, as ggml stores a tensor).
 *
 * Half inputs (SPEC §12): a Uint16Array of float16 or bfloat16 bit patterns with the `dtype` option (a Float16Array is
 * float16 values), quantized by the backend's ggmlQuantizeHalf: the bytes, and the NaN / ±Infinity error with its
 * index, are those of quantizeBlocks on the float32 values the patterns widen to exactly (the caller never widens).
 *
 * Errors: those of kernels.ts, and
 *   options not an object, format missing or unknown   ERR_QUANT_OPTION
 *   a Uint16Array without dtype 'float16' / 'bfloat16', or a dtype that does not describe x   ERR_QUANT_OPTION
 *   an options key these calls do not know             ERR_QUANT_UNKNOWN_OPTION
 *   shape malformed, disagreeing with the data, or its last dimension not a multiple of the block size (a rank-0
 *   shape is one element: never a whole block)          ERR_QUANT_SHAPE
 *   blocks whose data is not a Uint8Array              ERR_QUANT_INPUT_TYPE
 *   data whose length disagrees with format and shape  ERR_QUANT_PACKED
 *   out not a Uint8Array of the blocks' size (quantize) or of the values (dequantize), or overlapping the input
 *                                                      ERR_QUANT_OUTPUT
 */

import { describeValue } from '../describe-value.js';
import { ErrorCodes, fail } from '../errors.js';
import { checkShape, resolveShape, shapeSize } from '../layout.js';
import { checkOptionKeys, optionsObject } from '../options.js';
import { checkOutput } from '../validate.js';
import { ggmlFormatInfo, ggmlRowBytes, type GgmlFormat, type GgmlFormatInfo } from './formats.js';
import type { Backend } from '../backend.js';
import { checkGgmlDequantizeArgs, checkGgmlQuantizeArgs, checkGgmlQuantizeHalfArgs, float32Input, nonFiniteError, uint8Input } from './kernels.js';
import { resolveInput } from '../half-input.js';
import type { HalfDType } from '../types.js';
import { typedArrayName } from '../views.js';

export interface GgmlQuantizeOptions {
  readonly format: GgmlFormat;
  /** The tensor's shape, row-major; the last dimension is the row. Default: [x.length], one row. */
  readonly shape?: readonly number[];
  /** What a Uint16Array x holds: 'float16' or 'bfloat16' bit patterns (required for one; 'float32' or absent otherwise). */
  readonly dtype?: 'float32' | HalfDType;
  /**
   * A Uint8Array of exactly the blocks' size (ggmlRowBytes(format, x.length)) to write them into, returned as `data`
   * (a batch job reuses its buffers instead of fresh memory per call); ERR_QUANT_OUTPUT otherwise, or when it
   * overlaps x.
   */
  readonly out?: Uint8Array;
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
  /**
   * x (finite) quantized to GGML blocks of `format`, bit-exact with upstream's quantize_row_*_ref: a Float32Array, or a
   * Uint16Array of float16 / bfloat16 bit patterns with `dtype` (exactly the blocks of their float32 widening).
   */
  quantizeBlocks(x: Float32Array | Uint16Array, options: GgmlQuantizeOptions): GgmlBlocks;
  /** The float32 values of GGML blocks (upstream's dequantize_row_*), into options.out or a new array. */
  dequantizeBlocks(qb: GgmlBlocks, options?: GgmlDequantizeOptions): Float32Array;
}

/** quantizeBlocks / dequantizeBlocks on a backend's ggml kernels: validation here, once, for every backend. */
export function createGgmlApi(backend: Pick<Backend, 'ggmlQuantize' | 'ggmlQuantizeHalf' | 'ggmlDequantize'>): GgmlApi {
  return { quantizeBlocks: (x, options) => quantizeBlocks(backend, x, options), dequantizeBlocks: (qb, options) => dequantizeBlocks(backend, qb, options) };
}

const HALF_ARRAYS: ReadonlySet<string> = new Set(['Uint16Array', 'Float16Array']);

/** A validated quantizeBlocks call: the input (float32, or half bit patterns with their type) and a new output. */
export interface BlocksPlan {
  readonly input: Float32Array | Uint16Array;
  /** The half type of a Uint16Array input; undefined for float32. */
  readonly half: HalfDType | undefined;
  readonly format: GgmlFormat;
  readonly shape: readonly number[];
  /** The blocks, ggmlRowBytes(format, input.length) bytes (options.out, or new), to be written by the kernel. */
  readonly data: Uint8Array;
}

/** The checks of quantizeBlocks / quantizeBlocksAsync (`call` names the function in errors), and its new output. */
export function planQuantizeBlocks(x: Float32Array | Uint16Array, options: GgmlQuantizeOptions, call: string, keys: readonly string[]): BlocksPlan {
  const opts = optionsObject(options, call);
  checkOptionKeys(opts, keys);
  const info = ggmlFormatInfo(opts.format);
  const kind = typedArrayName(x);
  // A half input: its bit patterns and type, validated as quantize's (half-input.ts); anything else must be float32.
  const resolved = kind !== undefined && HALF_ARRAYS.has(kind) ? resolveInput(x, opts.dtype) : undefined;
  const input = resolved === undefined ? float32Input(x, 'x') : resolved.bits!;
  if (resolved === undefined) resolveInput(input, opts.dtype); // only 'float32' (or no dtype) describes a Float32Array
  const shape = resolveShape(opts.shape, input.length);
  checkRows(shape, info);
  const bytes = ggmlRowBytes(info.name, input.length);
  const data = opts.out === undefined ? new Uint8Array(bytes) : checkOutput<Uint8Array>(opts.out, 'Uint8Array', bytes);
  if (resolved === undefined) checkGgmlQuantizeArgs(input, info.name, data);
  else checkGgmlQuantizeHalfArgs(input, resolved.half, info.name, data);
  return { input, half: resolved?.half, format: info.name, shape, data };
}

/** The result of a quantize kernel that returned `bad` (the index of the first non-finite element, or -1). */
export function blocksOf(p: BlocksPlan, bad: number): GgmlBlocks {
  if (bad >= 0) nonFiniteError(p.input, bad, p.half);
  return { data: p.data, format: p.format, shape: p.shape };
}

function quantizeBlocks(backend: Pick<Backend, 'ggmlQuantize' | 'ggmlQuantizeHalf'>, x: Float32Array | Uint16Array, options: GgmlQuantizeOptions): GgmlBlocks {
  const p = planQuantizeBlocks(x, options, 'quantizeBlocks', ['format', 'shape', 'dtype', 'out']);
  const bad = p.half === undefined ? backend.ggmlQuantize(p.input as Float32Array, p.format, p.data) : backend.ggmlQuantizeHalf(p.input as Uint16Array, p.half, p.format, p.data);
  return blocksOf(p, bad);
}

/** A validated dequantizeBlocks call: the blocks, their format and the output to write. */
export interface DequantizeBlocksPlan {
  readonly data: Uint8Array;
  readonly format: GgmlFormat;
  readonly out: Float32Array;
}

/** The checks of dequantizeBlocks / dequantizeBlocksAsync (`call` names the function in errors), and the output. */
export function planDequantizeBlocks(qb: GgmlBlocks, options: GgmlDequantizeOptions | undefined, call: string, keys: readonly string[]): DequantizeBlocksPlan {
  if (typeof qb !== 'object' || qb === null) fail(ErrorCodes.INPUT_TYPE, `${call} takes { data, format, shape }, got ${describeValue(qb)}`);
  const opts = optionsObject(options, call);
  checkOptionKeys(opts, keys);
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
  return { data, format: info.name, out };
}

function dequantizeBlocks(backend: Pick<Backend, 'ggmlDequantize'>, qb: GgmlBlocks, options?: GgmlDequantizeOptions): Float32Array {
  const p = planDequantizeBlocks(qb, options, 'dequantizeBlocks', ['out']);
  backend.ggmlDequantize(p.data, p.format, p.out);
  return p.out;
}
