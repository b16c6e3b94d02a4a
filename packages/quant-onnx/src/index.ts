/**
 * @quantkit/quant-onnx: quantize ONNX models in Node.js. Mode 'qdq' (weight-only): float weights of MatMul, Gemm, Conv
 * and Gather become int8/uint8/int16/uint16/int4/uint4 initializers feeding DequantizeLinear nodes, with the codes,
 * scales and zero points of @quantkit/quant (bit-exact with onnxruntime's QuantizeLinear). Mode 'matmul-nbits':
 * com.microsoft.MatMulNBits (q4). Mode 'dynamic': quantize_dynamic's MatMulInteger / ConvInteger graph (q8).
 * quantizeOnnxFile reads and writes models with external data. docs/ONNX.md has the rules.
 */
export { quantizeOnnxModel, quantizeOnnxModelWithReport, type OnnxQuantizationResult } from './quantize-model.js';
export { externalDataNameFor, quantizeOnnxFile } from './quantize-file.js';
export { formatWeightErrors, measureWeightErrors, type WeightErrorRow } from './weight-errors.js';
export { TRANSFORMERS_JS_VARIANTS, type TransformersJsVariant } from './transformers-js.js';
export { OnnxError, OnnxErrorCodes, type OnnxErrorCode } from './errors.js';
export { readOnnxModel, writeOnnxModel, PROTOBUF_LIMIT } from './model-io.js';
export { DEFAULT_BLOCK_SIZE, DEFAULT_OPS, resolveOptions, type OnnxBits, type OnnxGranularity, type OnnxQuantMode, type OnnxScheme, type QuantizeOnnxOptions } from './options.js';
export { SUPPORTED_OPS, type SupportedOp } from './weight-inputs.js';
export type { WeightLayout } from './weight-layout.js';
export type { CodesReader, NodeRef, OnnxQuantizationReport, QuantizedWeightReport, SkippedWeightReport, WeightNames } from './report.js';
export type { SkipReason } from './select-weights.js';
export type { Float16Report } from './float16/convert-model.js';
export { KEEP_FLOAT32_OPS } from './float16/keep-float32.js';
export type { DequantizeNames } from './insert-dequantize.js';
export * as onnx from './generated/onnx_pb.js';
