export { ProtoWriter } from './protobuf.js';
export { DataType, encodeAttribute, encodeGraph, encodeModel, encodeNode, encodeTensor, encodeValueInfo } from './onnx-proto.js';
export type { AttributeValue, DataTypeCode, GraphInit, ModelInit, NodeInit, TensorInit, ValueInfo } from './onnx-proto.js';
export { dequantizeLinearModel, ONNX_INT_TYPES, quantizeLinearModel, rawIntData } from './models.js';
export type { OnnxIntType, OnnxIntTypeInfo, QdqModelSpec } from './models.js';
export { hasKnownOrtLastAxisBug, onnxRuntimeChecks, ORACLE_TYPES, runOnnxRuntimeOracle } from './oracle.js';
export type { OracleOptions, OracleResult, OrtModule } from './oracle.js';
export { runHalfOnnxRuntimeOracle } from './half-oracle.js';
export type { HalfOracleResult } from './half-oracle.js';
