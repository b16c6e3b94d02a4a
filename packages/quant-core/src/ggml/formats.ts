/*
 * The GGML block formats quantkit reproduces, with their block geometry as upstream ggml declares it
 * (ggml/src/ggml-common.h: QK4_0 ... QK_K, the block_* structs; ggml/include/ggml.h: enum ggml_type). Every format is
 * a sequence of fixed-size blocks; a block covers `blockSize` consecutive elements of one row and takes
 * `bytesPerBlock` bytes (upstream's type size), little-endian, float16 fields as IEEE binary16 bits.
 */

import { describeValue } from '../describe-value.js';
import { ErrorCodes, fail } from '../errors.js';

export type GgmlFormat = 'q4_0' | 'q4_1' | 'q5_0' | 'q5_1' | 'q8_0' | 'q8_1' | 'q2_k' | 'q3_k' | 'q4_k' | 'q5_k' | 'q6_k';

export interface GgmlFormatInfo {
  readonly name: GgmlFormat;
  /** Elements per block: 32 for the legacy formats, 256 (QK_K) for the K-quants' super-blocks. */
  readonly blockSize: number;
  /** Bytes per block (upstream sizeof(block_*), the type size). */
  readonly bytesPerBlock: number;
  readonly family: 'legacy' | 'k-quant';
  /** Upstream's enum ggml_type value (as stored in GGUF tensor infos). */
  readonly ggmlType: number;
}

function info(name: GgmlFormat, blockSize: number, bytesPerBlock: number, ggmlType: number): GgmlFormatInfo {
  return Object.freeze({ name, blockSize, bytesPerBlock, family: blockSize === 256 ? 'k-quant' : 'legacy', ggmlType });
}

/** The formats by name. Bytes per block: the block_* structs of ggml-common.h (float16 d / m / s fields, then quants). */
export const GGML_FORMATS: Readonly<Record<GgmlFormat, GgmlFormatInfo>> = Object.freeze({
  q4_0: info('q4_0', 32, 18, 2), // d, qs[16]
  q4_1: info('q4_1', 32, 20, 3), // d, m, qs[16]
  q5_0: info('q5_0', 32, 22, 6), // d, qh[4], qs[16]
  q5_1: info('q5_1', 32, 24, 7), // d, m, qh[4], qs[16]
  q8_0: info('q8_0', 32, 34, 8), // d, qs[32]
  q8_1: info('q8_1', 32, 36, 9), // d, s, qs[32]
  q2_k: info('q2_k', 256, 84, 10), // scales[16], qs[64], d, dmin
  q3_k: info('q3_k', 256, 110, 11), // hmask[32], qs[64], scales[12], d
  q4_k: info('q4_k', 256, 144, 12), // d, dmin, scales[12], qs[128]
  q5_k: info('q5_k', 256, 176, 13), // d, dmin, scales[12], qh[32], qs[128]
  q6_k: info('q6_k', 256, 210, 14), // ql[128], qh[64], scales[16], d
});

export const GGML_FORMAT_NAMES: readonly GgmlFormat[] = Object.freeze(Object.keys(GGML_FORMATS) as GgmlFormat[]);

export function isGgmlFormat(format: unknown): format is GgmlFormat {
  return typeof format === 'string' && Object.prototype.hasOwnProperty.call(GGML_FORMATS, format);
}

/** The format's geometry; ERR_QUANT_OPTION for anything that is not one of GGML_FORMAT_NAMES. */
export function ggmlFormatInfo(format: unknown): GgmlFormatInfo {
  if (!isGgmlFormat(format)) fail(ErrorCodes.OPTION, `format must be one of ${GGML_FORMAT_NAMES.join(', ')}, got ${describeValue(format)}`);
  return GGML_FORMATS[format];
}

/** The number of blocks of a row of `n` elements; ERR_QUANT_SHAPE unless n is a non-negative multiple of the block size. */
export function ggmlBlockCount(format: GgmlFormat, n: number): number {
  const { blockSize } = ggmlFormatInfo(format);
  if (!(Number.isSafeInteger(n) && n >= 0 && n % blockSize === 0)) {
    fail(ErrorCodes.SHAPE, `${format} quantizes whole blocks of ${blockSize} elements: the length must be a multiple of ${blockSize}, got ${describeValue(n)}`);
  }
  return n / blockSize;
}

/** Bytes of `n` elements in `format` (upstream ggml_row_size); n must be a multiple of the block size (ERR_QUANT_SHAPE). */
export function ggmlRowBytes(format: GgmlFormat, n: number): number {
  return ggmlBlockCount(format, n) * GGML_FORMATS[format].bytesPerBlock;
}
