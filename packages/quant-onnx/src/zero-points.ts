import { littleEndianBytes } from './little-endian.js';
import type { OnnxBits } from './options.js';

/**
 * Affine zero points as the bytes of an ONNX tensor of the codes' unsigned type (uint4, uint8, uint16): 4-bit values
 * packed two per byte, element 0 in the low nibble, as ONNX packs the codes themselves.
 */
export function zeroPointBytes(values: readonly number[] | Int32Array, bits: OnnxBits): Uint8Array {
  if (bits === 4) {
    const packed = new Uint8Array(Math.ceil(values.length / 2));
    for (let i = 0; i < values.length; i++) packed[i >> 1]! |= (values[i]! & 0x0f) << ((i & 1) * 4);
    return packed;
  }
  if (bits === 8) return Uint8Array.from(values);
  return littleEndianBytes(Uint16Array.from(values));
}
