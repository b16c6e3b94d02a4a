import { allocateOrLimit } from '../limits.js';
import { checkDisjoint, checkOutput } from '../validate.js';
import { checkQuantizedEmbeddings, isBinaryEmbeddings } from './check-quantized.js';
import { codeValueFloat32, codeValueFloat64, scalarCodeKind } from './dequantize-value.js';
import { bitAt } from './pack-binary.js';
import type { Int8Rounding, QuantizedEmbeddings } from './types.js';

/**
 * The values int8/uint8 codes stand for (dequantize-value.ts), rows of `dim` into out (codes.length values). The
 * precision is that of `starts`. No allocation.
 */
export function dequantizeEmbeddingRows(
  codes: Int8Array | Uint8Array,
  dim: number,
  starts: Float32Array | Float64Array,
  steps: Float32Array | Float64Array,
  int8Rounding: Int8Rounding,
  out: Float32Array | Float64Array,
): void {
  const kind = scalarCodeKind(codes instanceof Int8Array, int8Rounding);
  const value = starts instanceof Float32Array ? codeValueFloat32 : codeValueFloat64;
  for (let i = 0, d = 0; i < codes.length; i++, d = d + 1 === dim ? 0 : d + 1) out[i] = value(codes[i]!, kind, starts[d]!, steps[d]!);
}

/**
 * Back to floats: int8/uint8 rows to the middles of their buckets (a Float32Array or Float64Array, the batch's dtype);
 * binary/ubinary rows to their bits as 0 and 1 (a Float32Array, what sentence-transformers' np.unpackbits gives).
 * `out`, when given, must be that array type with rows * dim elements.
 */
export function dequantizeEmbeddings(quantized: QuantizedEmbeddings, out?: Float32Array | Float64Array): Float32Array | Float64Array {
  const q = checkQuantizedEmbeddings(quantized);
  const length = q.rows * q.dim;
  const brand = q.precision === 'int8' || q.precision === 'uint8' ? (q.dtype === 'float32' ? 'Float32Array' : 'Float64Array') : 'Float32Array';
  const result =
    out === undefined
      ? allocateOrLimit(length, (n) => (brand === 'Float32Array' ? new Float32Array(n) : new Float64Array(n)))
      : checkOutput<Float32Array | Float64Array>(out, brand, length);
  checkDisjoint(result, q.data, 'quantized.data');
  if (isBinaryEmbeddings(q)) {
    for (let r = 0; r < q.rows; r++) {
      for (let i = 0; i < q.dim; i++) result[r * q.dim + i] = bitAt(q.data, r * q.bytesPerRow, i, q.bitOrder);
    }
  } else {
    dequantizeEmbeddingRows(q.data, q.dim, q.min, q.steps, q.int8Rounding ?? 'floor', result);
  }
  return result;
}
