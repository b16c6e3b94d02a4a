import { DataType, encodeModel, type DataTypeCode, type NodeInit, type TensorInit } from './onnx-proto.js';

/*
 * QuantizeLinear / DequantizeLinear test models, built in code. Storage types onnxruntime-node cannot feed or fetch
 * (int4, uint4, int2, uint2: onnx.md §2) stay inside the graph behind Cast nodes to and from int8 / uint8.
 */

export type OnnxIntType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int4' | 'uint4' | 'int2' | 'uint2';

export interface OnnxIntTypeInfo {
  readonly dataType: DataTypeCode;
  readonly bits: number;
  readonly signed: boolean;
  readonly qmin: number;
  readonly qmax: number;
  /** The type the graph's input / output carries (the storage type itself, or a Cast target). */
  readonly io: 'int8' | 'uint8' | 'int16' | 'uint16';
  /** Lowest opset with this type in QuantizeLinear / DequantizeLinear. */
  readonly opset: number;
}

export const ONNX_INT_TYPES: Readonly<Record<OnnxIntType, OnnxIntTypeInfo>> = {
  int8: { dataType: DataType.INT8, bits: 8, signed: true, qmin: -128, qmax: 127, io: 'int8', opset: 21 },
  uint8: { dataType: DataType.UINT8, bits: 8, signed: false, qmin: 0, qmax: 255, io: 'uint8', opset: 21 },
  int16: { dataType: DataType.INT16, bits: 16, signed: true, qmin: -32768, qmax: 32767, io: 'int16', opset: 21 },
  uint16: { dataType: DataType.UINT16, bits: 16, signed: false, qmin: 0, qmax: 65535, io: 'uint16', opset: 21 },
  int4: { dataType: DataType.INT4, bits: 4, signed: true, qmin: -8, qmax: 7, io: 'int8', opset: 21 },
  uint4: { dataType: DataType.UINT4, bits: 4, signed: false, qmin: 0, qmax: 15, io: 'uint8', opset: 21 },
  int2: { dataType: DataType.INT2, bits: 2, signed: true, qmin: -2, qmax: 1, io: 'int8', opset: 25 },
  uint2: { dataType: DataType.UINT2, bits: 2, signed: false, qmin: 0, qmax: 3, io: 'uint8', opset: 25 },
};

const IO_TYPES = { int8: DataType.INT8, uint8: DataType.UINT8, int16: DataType.INT16, uint16: DataType.UINT16 } as const;

/** IR version that goes with an opset (onnx/helper.py VERSION_TABLE). */
const IR_FOR_OPSET: Readonly<Record<number, number>> = { 21: 10, 25: 13 };

export interface QdqModelSpec {
  readonly type: OnnxIntType;
  readonly shape: readonly number[];
  /**
   * Scales in the layout of `scaleShape` ([] per tensor, [D] per axis, blocked: shape with ceil(D/B) on axis): float32
   * values, or float16 bit patterns when `float` is 'float16'.
   */
  readonly scale: Float32Array | Uint16Array;
  /** The float type of x, the scale and y: 'float32' (default) or 'float16' (opset 21 ties the scale's type to x's). */
  readonly float?: 'float32' | 'float16';
  readonly scaleShape: readonly number[];
  /** Zero points (same layout as the scale); absent: no zero-point input (zero point 0). */
  readonly zeroPoint?: ArrayLike<number>;
  /** The `axis` attribute; absent: not set, so ONNX's default (1) applies. */
  readonly axis?: number;
  readonly blockSize?: number;
}

/** Little-endian raw_data of integer values of a storage type (4- and 2-bit packed, element 0 in the low bits). */
export function rawIntData(type: OnnxIntType, values: ArrayLike<number>): Uint8Array {
  const t = ONNX_INT_TYPES[type];
  if (t.bits === 8) return t.signed ? new Uint8Array(Int8Array.from(values).buffer) : Uint8Array.from(values);
  if (t.bits === 16) {
    const out = new Uint8Array(values.length * 2);
    const view = new DataView(out.buffer);
    for (let i = 0; i < values.length; i++) view.setUint16(i * 2, values[i]! & 0xffff, true);
    return out;
  }
  const perByte = 8 / t.bits;
  const mask = (1 << t.bits) - 1;
  const out = new Uint8Array(Math.ceil(values.length / perByte));
  for (let i = 0; i < values.length; i++) out[Math.floor(i / perByte)]! |= (values[i]! & mask) << ((i % perByte) * t.bits);
  return out;
}

function qdqAttributes(spec: QdqModelSpec): NodeInit['attributes'] {
  return {
    ...(spec.axis !== undefined ? { axis: { int: spec.axis } } : {}),
    ...(spec.blockSize !== undefined ? { block_size: { int: spec.blockSize } } : {}),
  };
}

function parameterInitializers(spec: QdqModelSpec): TensorInit[] {
  const inits: TensorInit[] = [{ name: 'scale', dataType: floatType(spec), dims: spec.scaleShape, rawData: new Uint8Array(spec.scale.buffer, spec.scale.byteOffset, spec.scale.byteLength).slice() }];
  if (spec.zeroPoint !== undefined) inits.push({ name: 'zero_point', dataType: ONNX_INT_TYPES[spec.type].dataType, dims: spec.scaleShape, rawData: rawIntData(spec.type, spec.zeroPoint) });
  return inits;
}

function floatType(spec: QdqModelSpec): DataTypeCode {
  return spec.float === 'float16' ? DataType.FLOAT16 : DataType.FLOAT;
}

/** x (float32 or float16) -> QuantizeLinear -> [Cast] -> y (the io type). */
export function quantizeLinearModel(spec: QdqModelSpec): Uint8Array {
  const t = ONNX_INT_TYPES[spec.type];
  const cast = t.io !== spec.type;
  const inputs = ['x', 'scale', ...(spec.zeroPoint !== undefined ? ['zero_point'] : [])];
  const attributes = { ...qdqAttributes(spec), ...(spec.zeroPoint === undefined ? { output_dtype: { int: t.dataType } } : {}) };
  const nodes: NodeInit[] = [{ opType: 'QuantizeLinear', name: 'quantize', inputs, outputs: [cast ? 'q' : 'y'], attributes }];
  if (cast) nodes.push({ opType: 'Cast', name: 'widen', inputs: ['q'], outputs: ['y'], attributes: { to: { int: IO_TYPES[t.io] } } });
  return encodeModel({
    irVersion: IR_FOR_OPSET[t.opset]!,
    opsetVersion: t.opset,
    graph: {
      name: `quantize_${spec.type}`,
      nodes,
      initializers: parameterInitializers(spec),
      inputs: [{ name: 'x', elemType: floatType(spec), shape: spec.shape }],
      outputs: [{ name: 'y', elemType: IO_TYPES[t.io], shape: spec.shape }],
    },
  });
}

/** q (the io type) -> [Cast] -> DequantizeLinear -> y (float32 or float16). */
export function dequantizeLinearModel(spec: QdqModelSpec): Uint8Array {
  const t = ONNX_INT_TYPES[spec.type];
  const cast = t.io !== spec.type;
  const nodes: NodeInit[] = [];
  if (cast) nodes.push({ opType: 'Cast', name: 'narrow', inputs: ['q'], outputs: ['qc'], attributes: { to: { int: t.dataType } } });
  const inputs = [cast ? 'qc' : 'q', 'scale', ...(spec.zeroPoint !== undefined ? ['zero_point'] : [])];
  nodes.push({ opType: 'DequantizeLinear', name: 'dequantize', inputs, outputs: ['y'], attributes: qdqAttributes(spec) });
  return encodeModel({
    irVersion: IR_FOR_OPSET[t.opset]!,
    opsetVersion: t.opset,
    graph: {
      name: `dequantize_${spec.type}`,
      nodes,
      initializers: parameterInitializers(spec),
      inputs: [{ name: 'q', elemType: IO_TYPES[t.io], shape: spec.shape }],
      outputs: [{ name: 'y', elemType: floatType(spec), shape: spec.shape }],
    },
  });
}
