/*
 * Q3_K (super-blocks of 256, 110 bytes: hmask[32], qs[64], scales[12], d), bit-exact with upstream ggml-quants.c:
 *   quantizeQ3K mirrors quantize_row_q3_K_ref, dequantizeQ3K mirrors dequantize_row_q3_K.
 * 16 sub-blocks of 16: x ~ d * (s_j - 32) * (q - 4), s_j 6 bits (low nibbles in scales[0..7], high pairs in
 * scales[8..11]), q 3 bits (low 2 in qs, high in hmask).
 */

import { f32, nearestInt, readHalf, toInt8, writeHalf } from './c-float.js';
import { makeQ3Quants } from './k-common.js';
import { pack2Bits } from './q2-k.js';

const QK_K = 256;
const BYTES = 110;
const SCALES_AT = 96;
const L = new Int8Array(QK_K);
const SCALES = new Float32Array(QK_K / 16);

/**
 * The 6-bit scale of sub-block j from the 12 scale bytes at y[s] (0..63). The quantizer's own decoding; it equals the
 * kmask1 / kmask2 word shuffle of dequantize_row_q3_K byte for byte.
 */
function scale6(y: Uint8Array, s: number, j: number): number {
  const low = j < 8 ? y[s + j]! & 0x0f : y[s + j - 8]! >> 4;
  return low | (((y[s + 8 + (j % 4)]! >> (2 * (j >> 2))) & 3) << 4);
}

export function quantizeQ3K(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const xb = i * QK_K;
    const yb = i * BYTES;
    const s = yb + SCALES_AT;
    let maxScale = 0;
    let amax = 0;
    for (let j = 0; j < QK_K / 16; ++j) {
      SCALES[j] = makeQ3Quants(16, 4, x, xb + 16 * j, L, 16 * j);
      const scale = Math.abs(SCALES[j]!);
      if (scale > amax) {
        amax = scale;
        maxScale = SCALES[j]!;
      }
    }
    y.fill(0, s, s + 12);
    if (maxScale !== 0) {
      const iscale = f32(-32 / maxScale);
      for (let j = 0; j < QK_K / 16; ++j) {
        let l = toInt8(nearestInt(f32(iscale * SCALES[j]!)));
        l = Math.max(-32, Math.min(31, l)) + 32;
        if (j < 8) y[s + j] = l & 0x0f;
        else y[s + j - 8] = y[s + j - 8]! | ((l & 0x0f) << 4);
        l >>= 4;
        y[s + (j % 4) + 8] = y[s + (j % 4) + 8]! | (l << (2 * (j >> 2)));
      }
      writeHalf(y, yb + 108, f32(1 / iscale));
    } else {
      writeHalf(y, yb + 108, 0);
    }
    const dAll = readHalf(y, yb + 108);
    for (let j = 0; j < QK_K / 16; ++j) {
      const d = f32(dAll * (scale6(y, s, j) - 32));
      if (d === 0) continue;
      for (let ii = 0; ii < 16; ++ii) {
        const l = nearestInt(f32(x[xb + 16 * j + ii]! / d));
        L[16 * j + ii] = Math.max(-4, Math.min(3, l)) + 4;
      }
    }
    // The high bit of L[j] goes to hmask[j % 32], bit j / 32.
    y.fill(0, yb, yb + 32);
    for (let j = 0; j < QK_K; ++j) {
      if (L[j]! > 3) {
        y[yb + (j & 31)] = y[yb + (j & 31)]! | (1 << (j >> 5));
        L[j] = L[j]! - 4;
      }
    }
    pack2Bits(L, y, yb + 32);
  }
}

export function dequantizeQ3K(y: Uint8Array, out: Float32Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const yb = i * BYTES;
    const dAll = readHalf(y, yb + 108);
    let o = i * QK_K;
    let is = 0;
    let m = 1;
    for (let n = 0; n < QK_K; n += 128) {
      const q = yb + 32 + n / 4;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let half = 0; half < 32; half += 16) {
          const dl = f32(dAll * (scale6(y, yb + SCALES_AT, is++) - 32));
          for (let l = 0; l < 16; ++l) {
            out[o++] = dl * (((y[q + half + l]! >> shift) & 3) - (y[yb + half + l]! & m ? 0 : 4));
          }
        }
        m <<= 1;
      }
    }
  }
}
