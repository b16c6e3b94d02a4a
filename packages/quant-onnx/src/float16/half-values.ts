import { narrowToHalf } from '@quantkit/quant';
import { create } from '@bufbuild/protobuf';
import { littleEndianBytes } from '../little-endian.js';
import { DataType, TensorProtoSchema, type TensorProto } from '../onnx.js';
import type { TensorData } from '../tensor-data.js';
import { float32Values, shapeOf } from '../weight-values.js';

/** The largest finite float16, 65504, and its bits. */
const MAX_HALF_BITS = 0x7bff;
const INFINITY_BITS = 0x7c00;
const CHUNK = 65536;

/**
 * float32 values -> float16 bits: rounded once to nearest even by @quantkit/quant's narrowToHalf (SPEC.md's half
 * conversion); a FINITE value beyond the float16 range (|x| >= 65520) saturates to ±65504 instead of becoming ±Infinity
 * (onnxconverter-common clips the same way: models hold finfo(float32).min as an attention-mask constant). ±Infinity and
 * NaN stay; tiny values round as the rounding says (to a subnormal, or to ±0).
 */
export function toHalfBits(values: Float32Array): { bits: Uint16Array; saturated: number } {
  const bits = new Uint16Array(values.length);
  const wide = new Float64Array(Math.min(CHUNK, values.length));
  let saturated = 0;
  for (let start = 0; start < values.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, values.length);
    const src = end - start === wide.length ? wide : wide.subarray(0, end - start);
    src.set(values.subarray(start, end));
    narrowToHalf(src, 'float16', bits.subarray(start, end));
    for (let i = start; i < end; i++) {
      if ((bits[i]! & 0x7fff) === INFINITY_BITS && Number.isFinite(values[i]!)) {
        bits[i] = (bits[i]! & 0x8000) | MAX_HALF_BITS;
        saturated++;
      }
    }
  }
  return { bits, saturated };
}

/** A float16 copy of a float32 tensor (name and dims kept, the payload inline). */
export function halfTensorOf(t: TensorProto, data: TensorData): { tensor: TensorProto; saturated: number } {
  const count = shapeOf(t).reduce((p, d) => p * d, 1);
  const { bits, saturated } = toHalfBits(float32Values(t, count, data));
  const tensor = create(TensorProtoSchema, { name: t.name, dims: [...t.dims], dataType: DataType.FLOAT16, rawData: littleEndianBytes(bits), docString: t.docString });
  return { tensor, saturated };
}
