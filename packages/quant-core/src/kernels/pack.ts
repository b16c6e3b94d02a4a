/*
 * Sub-byte packing in ONNX order (onnx.proto, docs/technical/int4.md): elements are packed over the flattened tensor,
 * element 0 in the lowest bits of byte 0. 4 bits: byte = e0 | e1 << 4; 2 bits: byte = e0 | e1 << 2 | e2 << 4 | e3 << 6.
 * Signed values are stored in two's complement. Padding bits of a partial last byte are zero.
 */

export function pack(q: Int8Array | Uint8Array, bits: 2 | 4, out: Uint8Array): void {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const bytes = Math.ceil(q.length / perByte);
  for (let b = 0, i = 0; b < bytes; b++) {
    let byte = 0;
    for (let k = 0; k < perByte && i < q.length; k++, i++) byte |= (q[i]! & mask) << (k * bits);
    out[b] = byte;
  }
}

/** Unpacks out.length elements; signed unpacking sign-extends each field. */
export function unpack(packed: Uint8Array, bits: 2 | 4, signed: boolean, out: Int8Array | Uint8Array): void {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const signBit = 1 << (bits - 1);
  for (let i = 0; i < out.length; i++) {
    const field = (packed[Math.floor(i / perByte)]! >> ((i % perByte) * bits)) & mask;
    out[i] = signed && field & signBit ? field - (1 << bits) : field;
  }
}
