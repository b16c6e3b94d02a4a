import { OnnxError, OnnxErrorCodes } from './errors.js';
import { readFloat32LE, readUint16LE, HOST_IS_LITTLE_ENDIAN } from './little-endian.js';
import { INLINE_DATA, isExternal, type TensorData } from './tensor-data.js';
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

/** An external payload of `count` elements of `bytesPer` bytes, checked (the reader checked it against the dims too). */
function externalPayload(t: TensorProto, count: number, bytesPer: number, data: TensorData): Uint8Array {
  const bytes = data.externalBytes(t);
  if (bytes.byteLength !== count * bytesPer) wrongLength(t, 'raw_data', bytes.byteLength, count * bytesPer);
  return bytes;
}

/**
 * A float32 initializer's values (raw_data, float_data or external data). External values may be a view of the
 * reader's buffer, valid until the next read: consume them before reading another tensor.
 */
export function float32Values(t: TensorProto, count: number, data: TensorData = INLINE_DATA): Float32Array {
  if (isExternal(t)) {
    const bytes = externalPayload(t, count, 4, data);
    // Viewed in place on little-endian hosts (no second copy of a large weight).
    return HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, count) : readFloat32LE(bytes, count);
  }
  if (t.rawData.byteLength > 0 || t.floatData.length === 0) {
    if (t.rawData.byteLength !== count * 4) wrongLength(t, 'raw_data', t.rawData.byteLength, count * 4);
    return readFloat32LE(t.rawData, count);
  }
  if (t.floatData.length !== count) wrongLength(t, 'float_data', t.floatData.length, count);
  return Float32Array.from(t.floatData);
}

/** A float16 initializer's bit patterns (from raw_data, or int32_data: one value in the low 16 bits of each). */
export function float16Bits(t: TensorProto, count: number, data: TensorData = INLINE_DATA): Uint16Array {
  if (isExternal(t)) return readUint16LE(externalPayload(t, count, 2, data), count);
  if (t.rawData.byteLength > 0 || t.int32Data.length === 0) {
    if (t.rawData.byteLength !== count * 2) wrongLength(t, 'raw_data', t.rawData.byteLength, count * 2);
    return readUint16LE(t.rawData, count);
  }
  if (t.int32Data.length !== count) wrongLength(t, 'int32_data', t.int32Data.length, count);
  return Uint16Array.from(t.int32Data, (v) => v & 0xffff);
}
