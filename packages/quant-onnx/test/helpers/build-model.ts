import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType as DataType,
  TensorProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from '../../src/generated/onnx_pb.js';

/*
 * Small ONNX models built in code with the generated messages: what the proof tests quantize and run in onnxruntime.
 */

export { DataType };

export function floatTensor(name: string, dims: readonly number[], values: Float32Array): TensorProto {
  return create(TensorProtoSchema, { name, dataType: DataType.FLOAT, dims: dims.map(BigInt), rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice() });
}

export function halfTensor(name: string, dims: readonly number[], bits: Uint16Array): TensorProto {
  return create(TensorProtoSchema, { name, dataType: DataType.FLOAT16, dims: dims.map(BigInt), rawData: new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength).slice() });
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  return create(TensorProtoSchema, { name, dataType: DataType.INT64, dims: dims.map(BigInt), int64Data: values.map(BigInt) });
}

/** A tensor value: its element type and shape; a string dim is symbolic (dim_param). */
export function tensorValue(name: string, elemType: DataType, shape: readonly (number | string)[]): ValueInfoProto {
  const dim = shape.map((d) =>
    create(TensorShapeProto_DimensionSchema, { value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d } }),
  );
  const tensorType = create(TypeProto_TensorSchema, { elemType, shape: create(TensorShapeProtoSchema, { dim }) });
  return create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }) });
}

export type AttributeValue = number | readonly number[] | GraphProto | { readonly float: number };

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') return create(AttributeProtoSchema, { name, type: AttributeType.INT, i: BigInt(value) });
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: AttributeType.INTS, ints: value.map(BigInt) });
  if ('float' in value) return create(AttributeProtoSchema, { name, type: AttributeType.FLOAT, f: value.float });
  return create(AttributeProtoSchema, { name, type: AttributeType.GRAPH, g: value as GraphProto });
}

export function node(opType: string, input: readonly string[], output: readonly string[], attributes: Record<string, AttributeValue> = {}, name?: string): NodeProto {
  return create(NodeProtoSchema, {
    opType,
    input: [...input],
    output: [...output],
    ...(name === undefined ? {} : { name }),
    attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
  });
}

export interface GraphInit {
  readonly name?: string;
  readonly nodes: readonly NodeProto[];
  readonly initializers?: readonly TensorProto[];
  readonly inputs?: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
}

export function graph(g: GraphInit): GraphProto {
  return create(GraphProtoSchema, {
    name: g.name ?? 'g',
    node: [...g.nodes],
    initializer: [...(g.initializers ?? [])],
    input: [...(g.inputs ?? [])],
    output: [...g.outputs],
  });
}

/** IR version per opset (onnx/helper.py VERSION_TABLE): 13 -> 7, 21 -> 10. */
const IR_OF_OPSET: Readonly<Record<number, number>> = { 10: 5, 11: 6, 12: 7, 13: 7, 17: 8, 19: 9, 21: 10 };

export function model(opset: number, g: GraphProto, irVersion = IR_OF_OPSET[opset] ?? 10): Uint8Array {
  return toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, { irVersion: BigInt(irVersion), producerName: 'quant-onnx-test', graph: g, opsetImport: [{ domain: '', version: BigInt(opset) }] }),
  );
}
