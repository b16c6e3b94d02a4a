import type { BinaryPrecision, BinaryThreshold, BitOrder } from './types.js';

/*
 * The binary kernel (docs/EMBEDDINGS.md §3): bit = x > 0 ('positive') or x >= 0 ('nonnegative'; -0 counts as 0, so it
 * is 1), NaN always 0. Every row starts on a byte: row r's bytes are out[r * ceil(dim / 8), ...), and the padding bits
 * of its last byte are 0 (numpy packbits with axis=-1). `binary` stores byte - 128 as an int8.
 */

/** Bytes of one packed row. */
export function packedRowBytes(dim: number): number {
  return Math.ceil(dim / 8);
}

/** Packs the rows of x (x.length / dim of them) into out (rows * packedRowBytes(dim) entries). No allocation. */
export function packBinaryRows(
  x: ArrayLike<number>,
  dim: number,
  precision: BinaryPrecision,
  bitOrder: BitOrder,
  threshold: BinaryThreshold,
  out: Int8Array | Uint8Array,
): void {
  const rows = dim === 0 ? 0 : x.length / dim;
  const bytesPerRow = packedRowBytes(dim);
  const offset = precision === 'binary' ? 128 : 0;
  const msb = bitOrder === 'msb';
  const nonnegative = threshold === 'nonnegative';
  for (let r = 0; r < rows; r++) {
    const row = r * dim;
    for (let j = 0; j < bytesPerRow; j++) {
      let byte = 0;
      const end = Math.min(8, dim - 8 * j);
      for (let b = 0; b < end; b++) {
        const v = x[row + 8 * j + b]!;
        if (nonnegative ? v >= 0 : v > 0) byte |= msb ? 0x80 >> b : 1 << b;
      }
      out[r * bytesPerRow + j] = byte - offset;
    }
  }
}

/** The bit of element i of the packed row whose bytes start at data[start], as 0 or 1 (int8 'binary' bytes read as byte - 128). */
export function bitAt(data: Int8Array | Uint8Array, start: number, i: number, bitOrder: BitOrder): number {
  const byte = (data[start + (i >> 3)]! + (data instanceof Int8Array ? 128 : 0)) & 0xff;
  return bitOrder === 'msb' ? (byte >> (7 - (i & 7))) & 1 : (byte >> (i & 7)) & 1;
}
