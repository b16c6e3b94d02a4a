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
  const mask = (1 << bits) - 1;
  // (field ^ bias) - bias sign-extends a field whose top bit is set when bias is that bit, and is the identity for 0.
  const bias = signed ? 1 << (bits - 1) : 0;
  const n = out.length;
  const whole = Math.floor((n * bits) / 8);
  let i = 0;
  for (let b = 0; b < whole; b++) {
    const byte = packed[b]!;
    for (let shift = 0; shift < 8; shift += bits) out[i++] = (((byte >> shift) & mask) ^ bias) - bias;
  }
  // A partial last byte: its high fields are padding.
  for (let shift = 0; i < n; shift += bits) out[i++] = (((packed[whole]! >> shift) & mask) ^ bias) - bias;
}
