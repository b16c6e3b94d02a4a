/*
 * Q6_K (super-blocks of 256, 210 bytes: ql[128], qh[64], scales[16] int8, d), bit-exact with upstream ggml-quants.c:
 *   quantizeQ6K mirrors quantize_row_q6_K_ref, dequantizeQ6K mirrors dequantize_row_q6_K.
 * 16 sub-blocks of 16: x ~ d * scales[j] * (q - 32), q 6 bits (low 4 in ql, high 2 in qh).
 */

import { GROUP_MAX_EPS, f32, nearestInt, readHalf, toInt8, writeHalf } from './c-float.js';
import { makeQxQuants } from './k-common.js';

const QK_K = 256;
const BYTES = 210;
const L = new Int8Array(QK_K);
const SCALES = new Float32Array(QK_K / 16);

export function quantizeQ6K(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const xb = i * QK_K;
    const yb = i * BYTES;
    let maxScale = 0;
    let maxAbsScale = 0;
    for (let ib = 0; ib < QK_K / 16; ++ib) {
      const scale = makeQxQuants(16, 32, x, xb + 16 * ib, L, 16 * ib);
      SCALES[ib] = scale;
      const absScale = Math.abs(scale);
      if (absScale > maxAbsScale) {
        maxAbsScale = absScale;
        maxScale = scale;
      }
    }
    if (maxAbsScale < GROUP_MAX_EPS) {
      y.fill(0, yb, yb + BYTES); // d = fp16(0) too
      continue;
    }
    const iscale = f32(-128 / maxScale);
    writeHalf(y, yb + 208, f32(1 / iscale));
    for (let ib = 0; ib < QK_K / 16; ++ib) y[yb + 192 + ib] = Math.min(127, nearestInt(f32(iscale * SCALES[ib]!))) & 0xff;
    const dAll = readHalf(y, yb + 208);
    for (let j = 0; j < QK_K / 16; ++j) {
      const d = f32(dAll * toInt8(y[yb + 192 + j]!));
      if (d === 0) continue;
      for (let ii = 0; ii < 16; ++ii) {
        const l = nearestInt(f32(x[xb + 16 * j + ii]! / d));
        L[16 * j + ii] = Math.max(-32, Math.min(31, l)) + 32;
      }
    }
    let ql = yb;
    let qh = yb + 128;
    for (let j = 0; j < QK_K; j += 128) {
      for (let l = 0; l < 32; ++l) {
        const q1 = L[j + l]! & 0x0f;
        const q2 = L[j + l + 32]! & 0x0f;
        const q3 = L[j + l + 64]! & 0x0f;
        const q4 = L[j + l + 96]! & 0x0f;
        y[ql + l] = q1 | (q3 << 4);
        y[ql + l + 32] = q2 | (q4 << 4);
        y[qh + l] = (L[j + l]! >> 4) | ((L[j + l + 32]! >> 4) << 2) | ((L[j + l + 64]! >> 4) << 4) | ((L[j + l + 96]! >> 4) << 6);
      }
      ql += 64;
      qh += 32;
    }
  }
}

export function dequantizeQ6K(y: Uint8Array, out: Float32Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const yb = i * BYTES;
    const d = readHalf(y, yb + 208);
    let ql = yb;
    let qh = yb + 128;
    let sc = yb + 192;
    let o = i * QK_K;
    for (let n = 0; n < QK_K; n += 128) {
      for (let l = 0; l < 32; ++l) {
        const is = l >> 4;
        const h = y[qh + l]!;
        const q1 = ((y[ql + l]! & 0x0f) | ((h & 3) << 4)) - 32;
        const q2 = ((y[ql + l + 32]! & 0x0f) | (((h >> 2) & 3) << 4)) - 32;
        const q3 = ((y[ql + l]! >> 4) | (((h >> 4) & 3) << 4)) - 32;
        const q4 = ((y[ql + l + 32]! >> 4) | (((h >> 6) & 3) << 4)) - 32;
        out[o + l] = f32(d * toInt8(y[sc + is]!)) * q1;
        out[o + l + 32] = f32(d * toInt8(y[sc + is + 2]!)) * q2;
        out[o + l + 64] = f32(d * toInt8(y[sc + is + 4]!)) * q3;
        out[o + l + 96] = f32(d * toInt8(y[sc + is + 6]!)) * q4;
      }
      o += 128;
      ql += 64;
      qh += 32;
      sc += 8;
    }
  }
}
