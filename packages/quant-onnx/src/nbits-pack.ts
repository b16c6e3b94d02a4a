/*
 * onnxruntime's MatMulNBits layout (contrib op com.microsoft.MatMulNBits; onnxruntime's matmul_nbits_quantizer.py
 * writes the same): the weight B [K, N] of Y = A B is stored transposed, one row per output column n, each row cut into
 * k_blocks = ceil(K / block_size) blocks of block_size codes along K:
 *   B_packed  uint8 [N, k_blocks, block_size * bits / 8]   codes low bits first (4 bits: element k in byte k / 2,
 *                                                           the low nibble for even k); the tail of the last block is padding
 *   scales    [N * k_blocks]                               scale of block b of column n at n * k_blocks + b
 *   zero_points uint8 [N * ceil(k_blocks * bits / 8)]      (optional, default 2^(bits-1)) per column, packed like the codes
 * and the kernel dequantizes (code - zero_point) * scale.
 */

const TILE = 64;

/** The transpose of a 4 x 4 byte matrix held as four little-endian words (row i = word i): word j of the result. */
function transposed(a0: number, a1: number, a2: number, a3: number, out: Uint32Array, at: number, stride: number): void {
  const t0 = (a0 & 0x00ff00ff) | ((a1 & 0x00ff00ff) << 8);
  const t1 = ((a0 >>> 8) & 0x00ff00ff) | (a1 & 0xff00ff00);
  const t2 = (a2 & 0x00ff00ff) | ((a3 & 0x00ff00ff) << 8);
  const t3 = ((a2 >>> 8) & 0x00ff00ff) | (a3 & 0xff00ff00);
  out[at] = (t0 & 0xffff) | (t2 << 16);
  out[at + stride] = (t1 & 0xffff) | (t3 << 16);
  out[at + 2 * stride] = (t0 >>> 16) | (t2 & 0xffff0000);
  out[at + 3 * stride] = (t1 >>> 16) | (t3 & 0xffff0000);
}

/**
 * The word-wide path: four columns at a time, as 32-bit words; a code's stored value is code XOR x (x = 2^(bits-1)
 * for signed codes: adding 2^(bits-1) modulo 2^bits flips the top bit; 0 for unsigned ones). 4 bits: eight rows of K
 * make four bytes of each of the four output rows; 8 bits: four rows. Returns how many rows of K it packed.
 */
function packWords(codes: Uint8Array, K: number, N: number, bits: 4 | 8, x: number, out: Uint8Array, rowBytes: number): number {
  const rowsPerWord = bits === 4 ? 8 : 4;
  const kWhole = K - (K % rowsPerWord);
  const c = new Uint32Array(codes.buffer, codes.byteOffset, codes.length >>> 2);
  const o = new Uint32Array(out.buffer, out.byteOffset, out.length >>> 2);
  const w = N >>> 2; // words per row of codes
  const oStride = rowBytes >>> 2;
  const xx = x * 0x01010101;
  for (let q0 = 0; q0 < w; q0 += TILE >>> 2) {
    const q1 = Math.min(w, q0 + (TILE >>> 2));
    for (let k = 0; k < kWhole; k += rowsPerWord) {
      const base = k * w;
      const word = k / rowsPerWord;
      for (let q = q0; q < q1; q++) {
        const r = base + q;
        if (bits === 4) {
          const a0 = ((c[r]! ^ xx) & 0x0f0f0f0f) | (((c[r + w]! ^ xx) & 0x0f0f0f0f) << 4);
          const a1 = ((c[r + 2 * w]! ^ xx) & 0x0f0f0f0f) | (((c[r + 3 * w]! ^ xx) & 0x0f0f0f0f) << 4);
          const a2 = ((c[r + 4 * w]! ^ xx) & 0x0f0f0f0f) | (((c[r + 5 * w]! ^ xx) & 0x0f0f0f0f) << 4);
          const a3 = ((c[r + 6 * w]! ^ xx) & 0x0f0f0f0f) | (((c[r + 7 * w]! ^ xx) & 0x0f0f0f0f) << 4);
          transposed(a0, a1, a2, a3, o, 4 * q * oStride + word, oStride);
        } else {
          transposed(c[r]! ^ xx, c[r + w]! ^ xx, c[r + 2 * w]! ^ xx, c[r + 3 * w]! ^ xx, o, 4 * q * oStride + word, oStride);
        }
      }
    }
  }
  return kWhole;
}

/**
 * Packs codes of B [K, N] (row-major, signed codes plus `offset` or unsigned codes) into MatMulNBits' [N, k_blocks, blob]
 * blobs. `pad(n)` is the code written past K in column n (its block's zero point: it dequantizes to 0). Columns are
 * walked in tiles, so reads stay within a few cache lines of a row and writes advance TILE rows at once.
 */
export function packNBitsBlocks(signedOrUnsigned: Int8Array | Uint8Array, K: number, N: number, blockSize: number, bits: 4 | 8, offset: number, pad: (n: number) => number): Uint8Array {
  // One element type for the hot loops (monomorphic): a signed code's low bits are its two's complement bits, so
  // (code + offset) mod 2^bits is the same computed on the byte.
  const codes = new Uint8Array(signedOrUnsigned.buffer, signedOrUnsigned.byteOffset, signedOrUnsigned.length);
  const kBlocks = Math.ceil(K / blockSize);
  const rowBytes = (kBlocks * blockSize * bits) / 8;
  const out = new Uint8Array(N * rowBytes);
  // Words when the layout allows them (N a multiple of 4, aligned codes, the offset a flip of the top bit or none).
  const wordWise = N % 4 === 0 && codes.byteOffset % 4 === 0 && (offset === 0 || offset === 2 ** (bits - 1)) && codes.length === K * N;
  const kDone = wordWise ? packWords(codes, K, N, bits, offset, out, rowBytes) : 0;
  for (let n0 = 0; n0 < N; n0 += TILE) {
    const n1 = Math.min(N, n0 + TILE);
    if (bits === 8) {
      for (let k = kDone; k < K; k++) {
        const row = k * N;
        for (let n = n0, at = n0 * rowBytes + k; n < n1; n++, at += rowBytes) out[at] = (codes[row + n]! + offset) & 0xff;
      }
    } else {
      const pairs = K >> 1;
      for (let p = kDone >> 1; p < pairs; p++) {
        const even = 2 * p * N;
        const odd = even + N;
        for (let n = n0, at = n0 * rowBytes + p; n < n1; n++, at += rowBytes) out[at] = ((codes[even + n]! + offset) & 0x0f) | (((codes[odd + n]! + offset) & 0x0f) << 4);
      }
      if (K % 2 === 1) {
        const last = (K - 1) * N;
        for (let n = n0; n < n1; n++) out[n * rowBytes + pairs] = ((codes[last + n]! + offset) & 0x0f) | ((pad(n) & 0x0f) << 4);
      }
    }
  }
  const firstPadByte = bits === 8 ? K : Math.ceil(K / 2);
  if (firstPadByte < rowBytes) {
    for (let n = 0; n < N; n++) {
      const v = pad(n) & (bits === 8 ? 0xff : 0x0f);
      out.fill(bits === 8 ? v : v | (v << 4), n * rowBytes + firstPadByte, (n + 1) * rowBytes);
    }
  }
  return out;
}

/** Per-block values laid out [k_blocks, N] (as quantize gives them along axis 0) to MatMulNBits' [N, k_blocks]. */
export function transposeBlocks(values: ArrayLike<number>, kBlocks: number, N: number): Float32Array {
  const out = new Float32Array(kBlocks * N); // scales and zero points are float32 values or small integers: exact
  for (let b = 0; b < kBlocks; b++) for (let n = 0; n < N; n++) out[n * kBlocks + b] = values[b * N + n]!;
  return out;
}

/** Zero points [N, k_blocks] packed per column: ceil(k_blocks * bits / 8) bytes each, low bits first. */
export function packZeroPoints(zp: ArrayLike<number>, kBlocks: number, N: number, bits: 4 | 8): Uint8Array {
  const rowBytes = Math.ceil((kBlocks * bits) / 8);
  const out = new Uint8Array(N * rowBytes);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < kBlocks; b++) {
      const v = zp[n * kBlocks + b]!;
      if (bits === 8) out[n * rowBytes + b] = v;
      else out[n * rowBytes + (b >> 1)]! |= (v & 0x0f) << ((b & 1) * 4);
    }
  }
  return out;
}
