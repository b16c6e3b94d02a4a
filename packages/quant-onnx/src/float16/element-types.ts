import { OnnxError, OnnxErrorCodes } from '../errors.js';
import { AttributeType, DataType, type GraphProto, type NodeProto, type TensorProto } from '../onnx.js';
import type { ValueInfoProto } from '../generated/onnx_pb.js';

/*
 * Element types of every value of a graph, inferred from its inputs, initializers and each node's operator: what the
 * float16 conversion needs to know which values are float32 (no shapes are inferred). A value_info (or graph output)
 * entry with a tensor type gives the type of a value whose operator is not in the tables below; without one, such an
 * operator is refused (E_ONNX_FLOAT16).
 */

/** Operators whose outputs all have the element type of input 0. */
const LIKE_INPUT_0 = new Set([
  'Abs', 'Acos', 'Acosh', 'Add', 'Asin', 'Asinh', 'Atan', 'Atanh', 'AveragePool', 'BatchNormalization', 'BiasGelu',
  'Ceil', 'Celu', 'Clip', 'Compress', 'Concat', 'Conv', 'ConvTranspose', 'Cos', 'Cosh', 'CumSum', 'DepthToSpace', 'Div',
  'Einsum', 'Elu', 'Erf', 'Exp', 'Expand', 'FastGelu', 'Flatten', 'Floor', 'Gather', 'GatherElements', 'GatherND', 'Gelu',
  'Gemm', 'GlobalAveragePool', 'GlobalLpPool', 'GlobalMaxPool', 'GroupNormalization', 'HardSigmoid', 'HardSwish',
  'Identity', 'InstanceNormalization', 'LeakyRelu', 'Log', 'LogSoftmax', 'LpNormalization', 'LpPool', 'LRN', 'MatMul',
  'Max', 'Mean', 'MeanVarianceNormalization', 'Min', 'Mish', 'Mod', 'Mul', 'Neg', 'Pad', 'Pow', 'PRelu', 'Range',
  'Reciprocal', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin',
  'ReduceProd', 'ReduceSum', 'ReduceSumSquare', 'Relu', 'Reshape', 'Resize', 'ReverseSequence', 'RMSNormalization',
  'Round', 'ScatterElements', 'ScatterND', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'SimplifiedLayerNormalization', 'Sin',
  'Sinh', 'Slice', 'Softmax', 'Softplus', 'Softsign', 'SpaceToDepth', 'Split', 'Sqrt', 'Squeeze', 'Sub', 'Sum', 'Tan',
  'Tanh', 'ThresholdedRelu', 'Tile', 'Transpose', 'Trilu', 'Unsqueeze', 'Upsample', 'MatMulNBits', 'SkipLayerNormalization',
]);

/** Operators with fixed output types (outputs past the list: the last type). */
const FIXED: Readonly<Record<string, readonly DataType[]>> = {
  Shape: [DataType.INT64],
  Size: [DataType.INT64],
  NonZero: [DataType.INT64],
  ArgMax: [DataType.INT64],
  ArgMin: [DataType.INT64],
  Equal: [DataType.BOOL],
  Less: [DataType.BOOL],
  LessOrEqual: [DataType.BOOL],
  Greater: [DataType.BOOL],
  GreaterOrEqual: [DataType.BOOL],
  Not: [DataType.BOOL],
  And: [DataType.BOOL],
  Or: [DataType.BOOL],
  Xor: [DataType.BOOL],
  IsNaN: [DataType.BOOL],
  IsInf: [DataType.BOOL],
  MatMulInteger: [DataType.INT32],
  ConvInteger: [DataType.INT32],
  DynamicQuantizeLinear: [DataType.UINT8, DataType.FLOAT, DataType.UINT8],
};

/** Operators whose first output has input 0's type and the others are fixed. */
const FIRST_LIKE_INPUT_0: Readonly<Record<string, DataType>> = { TopK: DataType.INT64, MaxPool: DataType.INT64, Dropout: DataType.BOOL };

function attributeOf(node: NodeProto, name: string) {
  return node.attribute.find((a) => a.name === name);
}

/** The type an attribute names (Cast's `to`, EyeLike's `dtype`), or `fallback`. */
function typeAttribute(node: NodeProto, name: string, fallback: DataType | undefined): DataType | undefined {
  const a = attributeOf(node, name);
  return a === undefined ? fallback : (Number(a.i) as DataType);
}

/** The type of a Constant node's value (its value, value_float(s), value_int(s) or value_string(s) attribute). */
export function constantType(node: NodeProto): DataType | undefined {
  for (const a of node.attribute) {
    if (a.name === 'value' && a.t !== undefined) return a.t.dataType;
    if (a.name === 'value_float' || a.name === 'value_floats') return DataType.FLOAT;
    if (a.name === 'value_int' || a.name === 'value_ints') return DataType.INT64;
    if (a.name === 'value_string' || a.name === 'value_strings') return DataType.STRING;
  }
  return undefined;
}

/** The output types of one node given its inputs' types (undefined entries: not known from the tables). */
export function outputTypes(node: NodeProto, inputType: (i: number) => DataType | undefined): (DataType | undefined)[] {
  const op = node.domain === '' || node.domain === 'ai.onnx' || node.domain === 'com.microsoft' ? node.opType : '';
  const n = node.output.length;
  const all = (t: DataType | undefined) => Array.from({ length: n }, () => t);
  if (LIKE_INPUT_0.has(op)) return all(inputType(0));
  if (op in FIXED) return Array.from({ length: n }, (_, i) => FIXED[op]![Math.min(i, FIXED[op]!.length - 1)]);
  if (op in FIRST_LIKE_INPUT_0) return Array.from({ length: n }, (_, i) => (i === 0 ? inputType(0) : FIRST_LIKE_INPUT_0[op]));
  switch (op) {
    case 'Where':
      return all(inputType(1));
    case 'Cast':
      return all(typeAttribute(node, 'to', undefined));
    case 'CastLike':
      return all(inputType(1));
    case 'Constant':
      return all(constantType(node));
    case 'ConstantOfShape': {
      const value = attributeOf(node, 'value');
      return all(value?.t?.dataType ?? DataType.FLOAT);
    }
    case 'EyeLike':
    case 'RandomNormalLike':
    case 'RandomUniformLike':
      return all(typeAttribute(node, 'dtype', inputType(0)));
    case 'RandomNormal':
    case 'RandomUniform':
      return all(typeAttribute(node, 'dtype', DataType.FLOAT));
    case 'DequantizeLinear':
      return all(inputType(1));
    case 'QuantizeLinear':
      return all(node.input.length > 2 && node.input[2] !== '' ? inputType(2) : typeAttribute(node, 'output_dtype', DataType.UINT8) || DataType.UINT8);
    case 'LayerNormalization': // Mean and InvStdDev are of stash_type (float by default)
      return Array.from({ length: n }, (_, i) => (i === 0 ? inputType(0) : typeAttribute(node, 'stash_type', DataType.FLOAT)));
    default:
      return all(undefined);
  }
}

/** Whether a node holds a subgraph (If, Loop, Scan, ...). */
export function hasSubgraph(node: NodeProto): boolean {
  return node.attribute.some((a) => a.type === AttributeType.GRAPH || a.type === AttributeType.GRAPHS || a.g !== undefined || a.graphs.length > 0);
}

/** The element type a value_info (or graph input / output) entry declares, if any. */
export function declaredType(v: ValueInfoProto): DataType | undefined {
  const t = v.type?.value;
  return t?.case === 'tensorType' && t.value.elemType !== 0 ? (t.value.elemType as DataType) : undefined;
}

/** The subgraphs a node holds, by attribute name. */
export function subgraphs(node: NodeProto): { name: string; graph: GraphProto }[] {
  return node.attribute.flatMap((a) => [...(a.g === undefined ? [] : [{ name: a.name, graph: a.g }]), ...a.graphs.map((graph) => ({ name: a.name, graph }))]);
}

/**
 * The outputs of a control-flow node (If, Loop, Scan) from its subgraphs' outputs: If's are its then-branch's; Loop's
 * are its body's outputs after the condition; Scan's are its body's outputs.
 */
export function controlFlowOutputTypes(node: NodeProto, typeIn: (graph: GraphProto, name: string) => DataType | undefined): (DataType | undefined)[] | undefined {
  const body = (name: string) => subgraphs(node).find((s) => s.name === name)?.graph;
  const of = (g: GraphProto | undefined, skip: number) => (g === undefined ? undefined : g.output.slice(skip).map((v) => typeIn(g, v.name) ?? declaredType(v)));
  if (node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  if (node.opType === 'If') return of(body('then_branch'), 0);
  if (node.opType === 'Loop') return of(body('body'), 1);
  if (node.opType === 'Scan') return of(body('body'), 0);
  return undefined;
}

/** Element types of every graph of a model: each graph's own values (inputs, initializers, node outputs). */
export type GraphTypes = Map<GraphProto, Map<string, DataType>>;

function labelOf(node: NodeProto, index: number): string {
  return node.name !== '' ? node.name : `${node.opType}#${index}`;
}

/**
 * The element type of every value of the graph and of its subgraphs (a subgraph sees its parents' values), inferred
 * from the inputs, initializers and the operator tables; a value_info entry types an output the tables do not.
 */
export function inferElementTypes(graph: GraphProto, outer: (name: string) => DataType | undefined = () => undefined, all: GraphTypes = new Map()): GraphTypes {
  const types = new Map<string, DataType>();
  all.set(graph, types);
  const lookup = (name: string) => types.get(name) ?? outer(name);
  const declared = new Map<string, DataType>();
  for (const v of [...graph.valueInfo, ...graph.output]) {
    const t = declaredType(v);
    if (t !== undefined) declared.set(v.name, t);
  }
  for (const t of graph.initializer as TensorProto[]) types.set(t.name, t.dataType);
  for (const v of graph.input) {
    const t = declaredType(v);
    if (t !== undefined) types.set(v.name, t);
  }
  graph.node.forEach((node, index) => {
    for (const sub of subgraphs(node)) inferElementTypes(sub.graph, lookup, all);
    const typeIn = (g: GraphProto, name: string) => all.get(g)?.get(name) ?? lookup(name);
    const inferred = hasSubgraph(node) ? (controlFlowOutputTypes(node, typeIn) ?? []) : outputTypes(node, (i) => (node.input[i] === undefined || node.input[i] === '' ? undefined : lookup(node.input[i]!)));
    node.output.forEach((name, i) => {
      if (name === '') return;
      const t = inferred[i] ?? declared.get(name);
      if (t === undefined) {
        throw new OnnxError(
          OnnxErrorCodes.FLOAT16,
          `cannot tell the element type of '${name}', output ${i} of ${node.domain === '' ? '' : `${node.domain}.`}${node.opType} '${labelOf(node, index)}' (an operator the float16 conversion does not know, or an input of unknown type); give the model value_info for it`,
        );
      }
      types.set(name, t);
    });
  });
  return all;
}
