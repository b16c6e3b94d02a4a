/**
 * @quantkit/quant-gguf: GGUF files in Node.js. A streaming reader and writer of GGUF v3 (v2 read too), and
 * requantizeGguf, which turns the F32/F16/BF16 tensors of a model into GGML block types, uniformly or in
 * llama-quantize's per-tensor mixes, with @quantkit/quant's bit-exact quantizeBlocks. docs/GGUF.md has the details.
 */
export { GgufError, GgufErrorCodes } from './errors.js';
export type { GgufErrorCode, GgufErrorLocation } from './errors.js';
export { GGML_TYPE, ggmlTypeByName, ggmlTypeInfo, ggmlTypeName } from './format/ggml-types.js';
export type { GgmlTypeInfo } from './format/ggml-types.js';
export { GGUF_VALUE_TYPES, plainValue } from './format/metadata-values.js';
export type { GgufArray, GgufItem, GgufMetadata, GgufValue, GgufValueType } from './format/metadata-values.js';
export type { GgufTensorInfo } from './format/tensor-info.js';
export { GgufReader, openGguf } from './read/gguf-reader.js';
export { readGgufHeader } from './read/read-header.js';
export type { GgufHeader, ReadHeaderOptions } from './read/read-header.js';
export { GgufWriter } from './write/gguf-writer.js';
export type { WriteListener } from './write/gguf-writer.js';
export type { GgufTensorSpec, PlannedTensor } from './write/plan-layout.js';
export { writeGgufFile } from './write/write-gguf-file.js';
export type { GgufTensorData, WriteGgufFileOptions } from './write/write-gguf-file.js';
export { describeGguf } from './describe.js';
export type { GgufSummary, GgufTensorSummary } from './describe.js';
export { requantizeGguf } from './requantize/requantize.js';
export type { RequantizedTensor, RequantizeResult } from './requantize/requantize.js';
export type { GgufProgress, RequantizeOptions } from './requantize/options.js';
export { planTensorTypes } from './requantize/plan-types.js';
export type { TensorPlan, TypeOverride } from './requantize/plan-types.js';
export { MIX_TYPES, REQUANTIZE_TYPES, TENSOR_TYPES, UNIFORM_TYPES, recipeOf } from './requantize/target-types.js';
export type { MixType, Recipe, RequantizeType, TensorType, UniformType } from './requantize/target-types.js';
export { GGML_QNT_VERSION, LlamaFtype } from './requantize/llama-ftype.js';
