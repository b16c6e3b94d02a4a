/*
 * GGML block quantization formats (legacy Q4_0 .. Q8_1, K-quants Q2_K .. Q6_K), bit-exact with upstream ggml's
 * reference quantizers (quantize_row_*_ref, no importance matrix) and dequantize_row_* built without FMA contraction.
 */

export { createGgmlApi } from './api.js';
export type { GgmlApi, GgmlBlocks, GgmlDequantizeOptions, GgmlQuantizeOptions } from './api.js';
export { createGgmlAsyncApi } from './api-async.js';
export type { GgmlAsyncApi } from './api-async.js';
export { GGML_FORMATS, GGML_FORMAT_NAMES, ggmlBlockCount, ggmlFormatInfo, ggmlRowBytes, isGgmlFormat } from './formats.js';
export type { GgmlFormat, GgmlFormatInfo } from './formats.js';
export { ggmlDequantizeRows, ggmlQuantizeRows } from './kernels.js';
