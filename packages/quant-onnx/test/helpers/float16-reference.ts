import { create, toBinary } from '@bufbuild/protobuf';
import { float16ToNumber } from '@quantkit/quant';
import { toHalfBits } from '../../src/float16/half-values.js';
import { AttributeProto_AttributeType as AttributeType, AttributeProtoSchema, ModelProtoSchema, NodeProtoSchema, TensorProto_DataType as DataType, type NodeProto, type TensorProto } from '../../src/generated/onnx_pb.js';
import { forEachGraph } from '../../src/graph-walk.js';
import { readOnnxModel } from '../../src/model-io.js';

/*
 * The float16 model's oracle: the ORIGINAL float32 model with every float32 initializer and Constant replaced by its
 * float16 value (toHalfBits, widened back: exact), its float inputs and outputs rounded to float16 by a Cast pair, and a
 * Cast pair (to float16 and back) after every float output of the nodes `roundsAfter` selects. Run in onnxruntime, the
 * float32 operators compute on float16 values in float32 and the pairs round where the float16 model holds float16.
 */

function halfValues(values: Float32Array): Float32Array {
  return Float32Array.from(toHalfBits(values).bits, float16ToNumber);
}

/** Replaces a weight's float16 bits by other values (the fake-quantized ones), by name. */
export type WeightOverride = (name: string, half: Uint16Array) => Float32Array | undefined;

function roundTensor(t: TensorProto, override?: WeightOverride): void {
  if (t.dataType !== DataType.FLOAT) return;
  const values = t.rawData.byteLength > 0 ? new Float32Array(t.rawData.slice().buffer) : Float32Array.from(t.floatData);
  const rounded = override?.(t.name, toHalfBits(values).bits) ?? halfValues(values);
  t.floatData = [];
  t.rawData = new Uint8Array(rounded.buffer);
}

function cast(input: string, output: string, to: DataType): NodeProto {
  return create(NodeProtoSchema, { opType: 'Cast', input: [input], output: [output], attribute: [create(AttributeProtoSchema, { name: 'to', type: AttributeType.INT, i: BigInt(to) })] });
}

/** The rounded-float32 twin of a float32 model (bytes): `rounded` names the values (graph inputs, node outputs) to round. */
export function float16ReferenceModel(original: Uint8Array, rounded: ReadonlySet<string>, override?: WeightOverride): Uint8Array {
  const model = readOnnxModel(original);
  const graph = model.graph!;
  forEachGraph(graph, (g) => g.initializer.forEach((t) => roundTensor(t, override)));
  const nodes: NodeProto[] = [];
  let n = 0;
  const renamed = new Map<string, string>();
  for (const v of graph.input) {
    if (!rounded.has(v.name)) continue;
    const name = `__ref_${n++}`;
    nodes.push(cast(v.name, `${name}_h`, DataType.FLOAT16), cast(`${name}_h`, name, DataType.FLOAT));
    renamed.set(v.name, name);
  }
  for (const node of graph.node) {
    node.input = node.input.map((name) => renamed.get(name) ?? name);
    for (const a of node.attribute) if (a.t !== undefined) roundTensor(a.t);
    if (node.opType === 'Constant') for (const a of node.attribute) if (a.name === 'value_float') a.f = halfValues(Float32Array.of(a.f))[0]!;
    const tail: NodeProto[] = [];
    node.output = node.output.map((name) => {
      if (!rounded.has(name)) return name;
      const tmp = `__ref_${n++}`;
      tail.push(cast(tmp, `${tmp}_h`, DataType.FLOAT16), cast(`${tmp}_h`, name, DataType.FLOAT));
      return tmp;
    });
    nodes.push(node, ...tail);
  }
  graph.node = nodes;
  return toBinary(ModelProtoSchema, model);
}

/** The float inputs and outputs of the nodes whose operator has a float16 kernel on onnxruntime's CPU provider. */
export function valuesAtFloat16Kernels(original: Uint8Array, float16Kernels: ReadonlySet<string>): Set<string> {
  const graph = readOnnxModel(original).graph!;
  const ints = new Set(graph.initializer.filter((t) => t.dataType !== DataType.FLOAT).map((t) => t.name));
  const out = new Set<string>();
  for (const node of graph.node) {
    if (!float16Kernels.has(node.opType)) continue;
    const floatInputs = node.opType === 'Gather' ? node.input.slice(0, 1) : node.opType === 'Reshape' ? node.input.slice(0, 1) : node.input;
    for (const name of [...floatInputs, ...node.output]) if (name !== '' && !ints.has(name)) out.add(name);
  }
  return out;
}
