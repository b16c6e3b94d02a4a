/*
 * Hamming distance between packed binary rows: popcount(query XOR row) over bytesPerRow bytes. int8 ('binary') and
 * uint8 ('ubinary') bytes of the same bits differ by the same XOR 0x80 on both sides, so either gives the same
 * distances. out.length rows are scored. No allocation (one 256-entry table made at load).
 */

const POPCOUNT = new Uint8Array(256);
for (let b = 1; b < 256; b++) POPCOUNT[b] = (b & 1) + POPCOUNT[b >> 1]!;

export function hammingScan(query: Uint8Array | Int8Array, rows: Uint8Array | Int8Array, bytesPerRow: number, out: Uint32Array): void {
  for (let r = 0; r < out.length; r++) {
    const base = r * bytesPerRow;
    let distance = 0;
    for (let j = 0; j < bytesPerRow; j++) distance += POPCOUNT[(query[j]! ^ rows[base + j]!) & 0xff]!;
    out[r] = distance;
  }
}
