import { ProtoWriter } from './protobuf.js';

/*
 * Encoders for the ONNX messages a QuantizeLinear / DequantizeLinear test model needs, with the field numbers of
 * onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto,
 * TensorShapeProto, OperatorSetIdProto). Only the fields used here are encoded.
 */

/** TensorProto.DataType values (onnx.proto). */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  FLOAT16: 10,
  DOUBLE: 11,
  BFLOAT16: 16,
  UINT4: 21,
  INT4: 22,
  UINT2: 25,
  INT2: 26,
} as const;

export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

export interface TensorInit {
  readonly name: string;
  readonly dataType: DataTypeCode;
  readonly dims: readonly number[];
  /** Little-endian element bytes; 4- and 2-bit types packed, element 0 in the lowest bits (onnx.proto). */
  readonly rawData: Uint8Array;
}

export interface ValueInfo {
  readonly name: string;
  readonly elemType: DataTypeCode;
  readonly shape: readonly number[];
}

export type AttributeValue = { readonly int: number } | { readonly float: number } | { readonly ints: readonly number[] };

export interface NodeInit {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name?: string;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface GraphInit {
  readonly name: string;
  readonly nodes: readonly NodeInit[];
  readonly initializers?: readonly TensorInit[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
}

export interface ModelInit {
  readonly irVersion: number;
  readonly opsetVersion: number;
  readonly graph: GraphInit;
  readonly producerName?: string;
}

export function encodeTensor(t: TensorInit): Uint8Array {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d); // dims
  w.int(2, t.dataType); // data_type
  w.string(8, t.name); // name
  w.bytes(9, t.rawData); // raw_data
  return w.finish();
}

function encodeShape(shape: readonly number[]): Uint8Array {
  const w = new ProtoWriter();
  for (const d of shape) w.message(1, new ProtoWriter().int(1, d).finish()); // dim { dim_value }
  return w.finish();
}

export function encodeValueInfo(v: ValueInfo): Uint8Array {
  const tensorType = new ProtoWriter().int(1, v.elemType).message(2, encodeShape(v.shape)).finish(); // elem_type, shape
  const type = new ProtoWriter().message(1, tensorType).finish(); // TypeProto.tensor_type
  return new ProtoWriter().string(1, v.name).message(2, type).finish(); // name, type
}

export function encodeAttribute(name: string, value: AttributeValue): Uint8Array {
  const w = new ProtoWriter().string(1, name); // name
  if ('int' in value) w.int(20, AttributeType.INT).int(3, value.int); // type, i
  else if ('float' in value) w.int(20, AttributeType.FLOAT).float(2, value.float); // type, f
  else {
    w.int(20, AttributeType.INTS); // type
    for (const i of value.ints) w.int(8, i); // ints (unpacked; parsers accept both forms)
  }
  return w.finish();
}

export function encodeNode(n: NodeInit): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i); // input
  for (const o of n.outputs) w.string(2, o); // output
  if (n.name !== undefined) w.string(3, n.name); // name
  w.string(4, n.opType); // op_type
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, encodeAttribute(k, v)); // attribute
  return w.finish();
}

export function encodeGraph(g: GraphInit): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, encodeNode(n)); // node
  w.string(2, g.name); // name
  for (const t of g.initializers ?? []) w.message(5, encodeTensor(t)); // initializer
  for (const v of g.inputs) w.message(11, encodeValueInfo(v)); // input
  for (const v of g.outputs) w.message(12, encodeValueInfo(v)); // output
  return w.finish();
}

export function encodeModel(m: ModelInit): Uint8Array {
  const opset = new ProtoWriter().string(1, '').int(2, m.opsetVersion).finish(); // domain "", version
  return new ProtoWriter()
    .int(1, m.irVersion) // ir_version
    .string(2, m.producerName ?? '@quantkit/quant-conformance') // producer_name
    .message(7, encodeGraph(m.graph)) // graph
    .message(8, opset) // opset_import
    .finish();
}
