import type { NodeProto } from '../onnx.js';

/*
 * Which nodes stay float32 in the float16 graph (their float16 inputs get a Cast to float32 before them, their float32
 * outputs a Cast to float16 after them):
 * - onnxconverter-common's DEFAULT_OP_BLOCK_LIST (microsoft/onnxconverter-common, onnxconverter_common/float16.py at
 *   commit 02798bff33625c8625204135f57adb47fd3c8b3d): operators without float16 in their type constraints, or whose
 *   float inputs must stay float32 (Resize / Upsample scales, Range, RoiAlign, NonMaxSuppression, TopK, CumSum, Min,
 *   Max as it chose);
 * - QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear: their scales' type is the model's quantization, not a
 *   value to convert;
 * - operators of other domains (com.microsoft contrib operators, custom operators): their float16 support is unknown.
 *
 * Operators whose float16 kernel onnxruntime's CPU provider lacks are NOT kept float32 here: onnxruntime itself runs
 * them in float32 between Casts on CPU (its CastFloat16Transformer; measured with onnxruntime-node 1.30.0 on x86-64:
 * MatMul, Gemm, Conv, Add, Sub, Mul, Div, Relu, Sigmoid, Tanh, Erf, Exp, Sqrt, Pow, Softmax, ReduceMean and
 * GlobalAveragePool run that way; Transpose, Reshape, Flatten, Gather and LayerNormalization have float16 kernels),
 * while GPU and WebGPU providers - what transformers.js's model_fp16.onnx is for - run them in float16. Casts written
 * into the file would force float32 on every provider.
 */
export const KEEP_FLOAT32_OPS: ReadonlySet<string> = new Set([
  'ArrayFeatureExtractor', 'Binarizer', 'CastMap', 'CategoryMapper', 'DictVectorizer', 'FeatureVectorizer', 'Imputer',
  'LabelEncoder', 'LinearClassifier', 'LinearRegressor', 'Normalizer', 'OneHotEncoder', 'RandomUniformLike',
  'SVMClassifier', 'SVMRegressor', 'Scaler', 'TreeEnsembleClassifier', 'TreeEnsembleRegressor', 'ZipMap',
  'NonMaxSuppression', 'TopK', 'RoiAlign', 'Resize', 'Range', 'CumSum', 'Min', 'Max', 'Upsample',
  'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear',
]);

export function keepsFloat32(node: NodeProto): boolean {
  return (node.domain !== '' && node.domain !== 'ai.onnx') || KEEP_FLOAT32_OPS.has(node.opType);
}
