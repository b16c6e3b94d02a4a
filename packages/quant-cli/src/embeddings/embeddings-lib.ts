/**
 * The embedding part of the quantization library (docs/EMBEDDINGS.md), imported from @quantkit/quant as ../lib.ts
 * imports the rest: the commands under embeddings/ import it from here only.
 */
export {
  dotScanAsymmetric,
  dotScanFloat,
  hammingScan,
  packBinaryRows,
  quantizeEmbeddings,
  searchBinaryRescore,
  topK,
} from '@quantkit/quant';
export type {
  BinaryQuantizedEmbeddings,
  BinaryThreshold,
  BitOrder,
  EmbeddingInput,
  EmbeddingPrecision,
  Int8Rounding,
  QuantizedEmbeddings,
  ScalarQuantizedEmbeddings,
} from '@quantkit/quant';
