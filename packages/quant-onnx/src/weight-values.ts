import { OnnxError, OnnxErrorCodes } from './errors.js';
import { readFloat32LE, readUint16LE } from './little-endian.js';
import { DataType, type TensorProto } from './onnx.js';

/** The float types whose initializers are quantized. */
export type WeightDType = 'float32' | 'float16';

export function weightDTypeOf(t: TensorProto): WeightDType | undefined {
  if (t.dataType === DataType.FLOAT) return 'float32';
  if (t.dataType === DataType.FLOAT16) return 'float16';
  return undefined;
}

/** The tensor's dims as numbers (each a safe integer >= 0, and so their product). */
export function shapeOf(t: TensorProto): number[] {
  const shape = t.dims.map(Number);
  let size = 1;
  for (const d of shape) {
    size *= d;
    if (!Number.isSafeInteger(d) || d < 0 || !Number.isSafeInteger(size)) {
      throw new OnnxError(OnnxErrorCodes.INVALID, `dims [${t.dims.join(', ')}] are not a valid tensor shape`, { tensor: t.name });
    }
  }
  return shape;
}

function wrongLength(t: TensorProto, field: string, got: number, want: number): never {
  throw new OnnxError(OnnxErrorCodes.INVALID, `${field} holds ${got} ${field === 'raw_data' ? 'bytes' : 'values'}, but dims [${t.dims.join(', ')}] need ${want}`, { tensor: t.name });
}

/** A float32 initializer's values (from raw_data or float_data), as a new array. */
export function float32Values(t: TensorProto, count: number): Float32Array {
  if (t.rawData.byteLength > 0 || t.floatData.length === 0) {
    if (t.rawData.byteLength !== count * 4) wrongLength(t, 'raw_data', t.rawData.byteLength, count * 4);
    return readFloat32LE(t.rawData, count);
  }
  if (t.floatData.length !== count) wrongLength(t, 'float_data', t.floatData.length, count);
  return Float32Array.from(t.floatData);
}

/** A float16 initializer's bit patterns (from raw_data, or int32_data: one value in the low 16 bits of each). */
export function float16Bits(t: TensorProto, count: number): Uint16Array {
  if (t.rawData.byteLength > 0 || t.int32Data.length === 0) {
    if (t.rawData.byteLength !== count * 2) wrongLength(t, 'raw_data', t.rawData.byteLength, count * 2);
    return readUint16LE(t.rawData, count);
  }
  if (t.int32Data.length !== count) wrongLength(t, 'int32_data', t.int32Data.length, count);
  return Uint16Array.from(t.int32Data, (v) => v & 0xffff);
}
