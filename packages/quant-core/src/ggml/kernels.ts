/*
 * The GGML kernels: whole rows of float32 to blocks and back, validated, writing into the caller's output and
 * allocating nothing per call (each format keeps a few module-level scratch arrays). Upstream counterparts:
 * quantize_row_<fmt>_ref over the row (ggml_quantize_chunk with no importance matrix) and dequantize_row_<fmt>.
 *
 * Validation, before anything is written:
 *   format not a GGML format name                      ERR_QUANT_OPTION
 *   x not a Float32Array / blocks not a Uint8Array      ERR_QUANT_INPUT_TYPE
 *   x.length not a multiple of the block size           ERR_QUANT_SHAPE
 *   blocks.length not a multiple of the block bytes     ERR_QUANT_PACKED
 *   out of the wrong type or length, or overlapping     ERR_QUANT_OUTPUT
 *   a NaN or ±Infinity in x                             ERR_QUANT_RANGE (upstream's output there is undefined behaviour
 *                                                        in C: float-to-int conversions of NaN, or an assertion)
 * Finite inputs are all accepted, float32 subnormals and values near float32's limits included: there the result is
 * upstream's, including the x86-64 outcome of its out-of-range conversions (c-float.ts truncToInt).
 */

import { ErrorCodes, fail } from '../errors.js';
import { checkHalfDType } from '../half-input.js';
import { float16Table, widenHalf } from '../half.js';
import type { HalfDType } from '../types.js';
import { checkDisjoint, checkOutput, typedArrayOf } from '../validate.js';
import { GGML_FORMATS, ggmlBlockCount, ggmlFormatInfo, type GgmlFormat } from './formats.js';
import {
  dequantizeQ4_0, dequantizeQ4_1, dequantizeQ5_0, dequantizeQ5_1, dequantizeQ8_0, dequantizeQ8_1,
  quantizeQ4_0, quantizeQ4_1, quantizeQ5_0, quantizeQ5_1, quantizeQ8_0, quantizeQ8_1,
} from './legacy.js';
import { dequantizeQ2K, quantizeQ2K } from './q2-k.js';
import { dequantizeQ3K, quantizeQ3K } from './q3-k.js';
import { dequantizeQ4K, dequantizeQ5K, quantizeQ4K, quantizeQ5K } from './q4-q5-k.js';
import { dequantizeQ6K, quantizeQ6K } from './q6-k.js';

type QuantizeBlocks = (x: Float32Array, y: Uint8Array, nb: number) => void;
type DequantizeBlocks = (y: Uint8Array, out: Float32Array, nb: number) => void;

const KERNELS: Readonly<Record<GgmlFormat, readonly [QuantizeBlocks, DequantizeBlocks]>> = {
  q4_0: [quantizeQ4_0, dequantizeQ4_0],
  q4_1: [quantizeQ4_1, dequantizeQ4_1],
  q5_0: [quantizeQ5_0, dequantizeQ5_0],
  q5_1: [quantizeQ5_1, dequantizeQ5_1],
  q8_0: [quantizeQ8_0, dequantizeQ8_0],
  q8_1: [quantizeQ8_1, dequantizeQ8_1],
  q2_k: [quantizeQ2K, dequantizeQ2K],
  q3_k: [quantizeQ3K, dequantizeQ3K],
  q4_k: [quantizeQ4K, dequantizeQ4K],
  q5_k: [quantizeQ5K, dequantizeQ5K],
  q6_k: [quantizeQ6K, dequantizeQ6K],
};

const FLOAT32: ReadonlySet<string> = new Set(['Float32Array']);
const UINT8: ReadonlySet<string> = new Set(['Uint8Array']);
const UINT16: ReadonlySet<string> = new Set(['Uint16Array']);

/** `x` named `name` as an attached Float32Array (ERR_QUANT_INPUT_TYPE otherwise). */
export function float32Input(x: unknown, name: string): Float32Array {
  return typedArrayOf<Float32Array>(x, FLOAT32, ErrorCodes.INPUT_TYPE, name, 'a Float32Array');
}

/** `x` named `name` as an attached Uint8Array (ERR_QUANT_INPUT_TYPE otherwise). */
export function uint8Input(x: unknown, name: string): Uint8Array {
  return typedArrayOf<Uint8Array>(x, UINT8, ErrorCodes.INPUT_TYPE, name, 'a Uint8Array');
}

/** `x` named `name` as an attached Uint16Array of half bit patterns (ERR_QUANT_INPUT_TYPE otherwise). */
export function uint16Input(x: unknown, name: string): Uint16Array {
  return typedArrayOf<Uint16Array>(x, UINT16, ErrorCodes.INPUT_TYPE, name, 'a Uint16Array of float16 / bfloat16 bits');
}

/** The index of the first NaN or ±Infinity of x[0, n), or -1. */
function firstNonFinite(x: Float32Array, n = x.length): number {
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v - v !== 0) return i;
  }
  return -1;
}

/** ERR_QUANT_RANGE for the non-finite x[index] (what ggmlQuantize returned; `value` is a half input's widening). */
export function nonFiniteError(x: Float32Array | Uint16Array, index: number, half?: HalfDType): never {
  let value = x[index];
  if (half !== undefined) {
    const one = new Float32Array(1);
    widenHalf(x as Uint16Array, half, index, index + 1, one);
    value = one[0];
  }
  return fail(ErrorCodes.RANGE, `x[${index}] is ${value}: GGML formats quantize finite values only (upstream's result for NaN and ±Infinity is undefined)`);
}

/**
 * The reference ggmlQuantize kernel (arguments validated by the caller, kernel-api.ts): -1 and x's blocks in out, or
 * the index of the first non-finite element of x and nothing written.
 */
export function ggmlQuantize(x: Float32Array, format: GgmlFormat, out: Uint8Array): number {
  const bad = firstNonFinite(x);
  if (bad >= 0) return bad;
  KERNELS[format][0](x, out, x.length / GGML_FORMATS[format].blockSize);
  return -1;
}

/** Half elements widened at a time by ggmlQuantizeHalf: whole super-blocks (a multiple of every format's block size). */
const HALF_CHUNK = 4096;
const halfScratch = new Float32Array(HALF_CHUNK);
const halfScratchBits = new Uint32Array(halfScratch.buffer);

/** x[start, start + n) widened exactly into halfScratch (widenHalf without its per-call view). */
function widenChunk(x: Uint16Array, dtype: HalfDType, start: number, n: number): void {
  if (dtype === 'float16') {
    const t = float16Table();
    for (let i = 0; i < n; i++) halfScratch[i] = t[x[start + i]!]!;
  } else {
    for (let i = 0; i < n; i++) halfScratchBits[i] = x[start + i]! << 16;
  }
}

/**
 * The reference ggmlQuantizeHalf kernel: chunks of whole blocks widened exactly into a reused scratch, each quantized as
 * ggmlQuantize quantizes it (blocks never span chunks, so the bytes are those of the widened whole). -1, or the index
 * of the first non-finite element (the chunks before it are written; outputs are then unspecified).
 */
export function ggmlQuantizeHalf(x: Uint16Array, dtype: HalfDType, format: GgmlFormat, out: Uint8Array): number {
  const { blockSize, bytesPerBlock } = GGML_FORMATS[format];
  const quantize = KERNELS[format][0];
  for (let start = 0; start < x.length; start += HALF_CHUNK) {
    const n = Math.min(HALF_CHUNK, x.length - start);
    widenChunk(x, dtype, start, n);
    const bad = firstNonFinite(halfScratch, n);
    if (bad >= 0) return start + bad;
    const nb = n / blockSize;
    const first = (start / blockSize) * bytesPerBlock;
    quantize(halfScratch, out.subarray(first, first + nb * bytesPerBlock), nb);  // the kernels read nb blocks only
  }
  return -1;
}

/** The reference ggmlDequantize kernel (arguments validated by the caller). */
export function ggmlDequantize(blocks: Uint8Array, format: GgmlFormat, out: Float32Array): void {
  KERNELS[format][1](blocks, out, blocks.length / GGML_FORMATS[format].bytesPerBlock);
}

/** ggmlQuantize's checks: x a Float32Array of whole blocks, out a disjoint Uint8Array of their bytes. */
export function checkGgmlQuantizeArgs(x: unknown, format: unknown, out: unknown): void {
  const { bytesPerBlock } = ggmlFormatInfo(format);
  const input = float32Input(x, 'x');
  const nb = ggmlBlockCount(format as GgmlFormat, input.length);
  const output = checkOutput<Uint8Array>(out, 'Uint8Array', nb * bytesPerBlock);
  checkDisjoint(output, input, 'x');
}

/** ggmlQuantizeHalf's checks: x a Uint16Array of whole blocks, dtype a half type, out a disjoint Uint8Array of their bytes. */
export function checkGgmlQuantizeHalfArgs(x: unknown, dtype: unknown, format: unknown, out: unknown): void {
  const { bytesPerBlock } = ggmlFormatInfo(format);
  const input = uint16Input(x, 'x');
  checkHalfDType(dtype);
  const nb = ggmlBlockCount(format as GgmlFormat, input.length);
  const output = checkOutput<Uint8Array>(out, 'Uint8Array', nb * bytesPerBlock);
  checkDisjoint(output, input, 'x');
}

/** ggmlDequantize's checks: whole blocks in a Uint8Array, out a disjoint Float32Array of their elements. */
export function checkGgmlDequantizeArgs(blocks: unknown, format: unknown, out: unknown): void {
  const { blockSize, bytesPerBlock } = ggmlFormatInfo(format);
  const data = uint8Input(blocks, 'blocks');
  if (data.length % bytesPerBlock !== 0) {
    fail(ErrorCodes.PACKED, `${format as string} blocks take ${bytesPerBlock} bytes each: got ${data.length} bytes, not a whole number of blocks`);
  }
  const output = checkOutput<Float32Array>(out, 'Float32Array', (data.length / bytesPerBlock) * blockSize);
  checkDisjoint(output, data, 'blocks');
}

/** Quantizes x (a whole number of blocks, rows laid end to end) into out: ggmlRowBytes(format, x.length) bytes. */
export function ggmlQuantizeRows(x: Float32Array, format: GgmlFormat, out: Uint8Array): void {
  checkGgmlQuantizeArgs(x, format, out);
  const bad = ggmlQuantize(x, format, out);
  if (bad >= 0) nonFiniteError(x, bad);
}

/** Dequantizes whole blocks into out: blocks.length / bytesPerBlock * blockSize float32 values. */
export function ggmlDequantizeRows(blocks: Uint8Array, format: GgmlFormat, out: Float32Array): void {
  checkGgmlDequantizeArgs(blocks, format, out);
  ggmlDequantize(blocks, format, out);
}
