/*
 * Embedding quantization for vector search (docs/EMBEDDINGS.md): sentence-transformers-compatible int8/uint8 and
 * binary/ubinary quantization, the scoring kernels (Hamming, exact integer dot/L2, asymmetric float-query dot/L2),
 * top-k, binary search with rescoring, and JSON serialization.
 */
import { embeddingsApiOn } from './api.js';
import { REFERENCE_EMBEDDING_KERNELS } from './kernels.js';

/** The reference-bound functions (@quantkit/quant binds the same ones to the selected backend). */
const reference = embeddingsApiOn(REFERENCE_EMBEDDING_KERNELS);
export const quantizeEmbeddings = reference.quantizeEmbeddings;
export const searchBinaryRescore = reference.searchBinaryRescore;
export const rescoreCandidates = reference.rescoreCandidates;
export const topK = reference.topK;

export { createEmbeddingsApi, embeddingsApiOn, type EmbeddingsApi } from './api.js';
export { REFERENCE_EMBEDDING_KERNELS, type EmbeddingKernelName, type EmbeddingKernels } from './kernels.js';
export { dequantizeEmbeddings, dequantizeEmbeddingRows } from './dequantize.js';
export { quantizeEmbeddingRows } from './quantize-rows.js';
export { packBinaryRows, packedRowBytes } from './pack-binary.js';
export { hammingScan } from './hamming.js';
export { dotScanInt8, dotScanUint8, l2ScanInt8, l2ScanUint8 } from './integer-scan.js';
export { dotScanAsymmetric, l2ScanAsymmetric, type AsymmetricScanArgs } from './asymmetric-scan.js';
export { dotScanFloat, l2ScanFloat } from './float-scan.js';
export { topKKernel } from './top-k.js';
export { type BinaryRescoreOptions, type RescoreCorpus, type RescoreMetric, type EmbeddingSearchResult } from './rescore.js';
export { embeddingsFromJSON, embeddingsToJSON, EMBEDDINGS_JSON_FORMAT, EMBEDDINGS_JSON_VERSION, type QuantizedEmbeddingsJSON } from './serialize.js';
export { MAX_EMBEDDING_DIM } from './options.js';
export type {
  BinaryPrecision,
  BinaryQuantizedEmbeddings,
  BinaryThreshold,
  BitOrder,
  EmbeddingInput,
  EmbeddingPrecision,
  EmbeddingRanges,
  EmbeddingRangesInput,
  Int8Rounding,
  QuantizedEmbeddings,
  QuantizeEmbeddingsOptions,
  ScalarPrecision,
  ScalarQuantizedEmbeddings,
  ScoreOrder,
} from './types.js';
