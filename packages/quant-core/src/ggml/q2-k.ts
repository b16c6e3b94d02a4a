/*
 * Q2_K (super-blocks of 256, 84 bytes: scales[16], qs[64], d, dmin), bit-exact with upstream ggml-quants.c:
 *   quantizeQ2K mirrors quantize_row_q2_K_ref, dequantizeQ2K mirrors dequantize_row_q2_K.
 * 16 sub-blocks of 16: x ~ d * (scales[j] & 15) * q - dmin * (scales[j] >> 4), q in 0..3.
 */

import { F32_0_1, f32, nearestInt, readHalf, writeHalf } from './c-float.js';
import { makeQkx2Quants } from './k-common.js';

const QK_K = 256;
const BYTES = 84;
const L = new Uint8Array(QK_K);
const WEIGHTS = new Float32Array(16);
const MINS = new Float32Array(QK_K / 16);
const SCALES = new Float32Array(QK_K / 16);

/** Packs 2-bit codes L[j + l + 32k] into qs[j/4 + l] bits 2k (q2_K, q3_K). */
export function pack2Bits(codes: Uint8Array | Int8Array, y: Uint8Array, qs: number): void {
  for (let j = 0; j < QK_K; j += 128) {
    for (let l = 0; l < 32; ++l) {
      y[qs + j / 4 + l] = (codes[j + l]! | (codes[j + l + 32]! << 2) | (codes[j + l + 64]! << 4) | (codes[j + l + 96]! << 6)) & 0xff;
    }
  }
}

export function quantizeQ2K(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const xb = i * QK_K;
    const yb = i * BYTES;
    let maxScale = 0;
    let maxMin = 0;
    for (let j = 0; j < QK_K / 16; ++j) {
      for (let l = 0; l < 16; ++l) WEIGHTS[l] = Math.abs(x[xb + 16 * j + l]!);
      const scale = makeQkx2Quants(16, 3, x, xb + 16 * j, WEIGHTS, L, 16 * j, MINS, j, -0.5, F32_0_1, 15, true);
      SCALES[j] = scale;
      if (scale > maxScale) maxScale = scale;
      if (MINS[j]! > maxMin) maxMin = MINS[j]!;
    }
    if (maxScale > 0) {
      const iscale = f32(15 / maxScale);
      for (let j = 0; j < QK_K / 16; ++j) y[yb + j] = nearestInt(f32(iscale * SCALES[j]!)) & 0xff;
      writeHalf(y, yb + 80, f32(maxScale / 15));
    } else {
      y.fill(0, yb, yb + 16);
      writeHalf(y, yb + 80, 0);
    }
    if (maxMin > 0) {
      const iscale = f32(15 / maxMin);
      for (let j = 0; j < QK_K / 16; ++j) y[yb + j] = (y[yb + j]! | (nearestInt(f32(iscale * MINS[j]!)) << 4)) & 0xff;
      writeHalf(y, yb + 82, f32(maxMin / 15));
    } else {
      writeHalf(y, yb + 82, 0);
    }
    const dAll = readHalf(y, yb + 80);
    const dminAll = readHalf(y, yb + 82);
    for (let j = 0; j < QK_K / 16; ++j) {
      const sc = y[yb + j]!;
      const d = f32(dAll * (sc & 0x0f));
      if (d === 0) continue;
      const dm = f32(dminAll * (sc >> 4));
      for (let ii = 0; ii < 16; ++ii) {
        const l = nearestInt(f32(f32(x[xb + 16 * j + ii]! + dm) / d));
        L[16 * j + ii] = Math.max(0, Math.min(3, l));
      }
    }
    pack2Bits(L, y, yb + 16);
  }
}

export function dequantizeQ2K(y: Uint8Array, out: Float32Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const yb = i * BYTES;
    const d = readHalf(y, yb + 80);
    const min = readHalf(y, yb + 82);
    let o = i * QK_K;
    let is = 0;
    for (let n = 0; n < QK_K; n += 128) {
      const q = yb + 16 + n / 4;
      for (let shift = 0; shift < 8; shift += 2) {
        for (let half = 0; half < 32; half += 16) {
          const sc = y[yb + is++]!;
          const dl = f32(d * (sc & 0x0f));
          const ml = f32(min * (sc >> 4));
          for (let l = 0; l < 16; ++l) out[o++] = f32(dl * ((y[q + half + l]! >> shift) & 3)) - ml;
        }
      }
    }
  }
}
