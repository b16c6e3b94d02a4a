/*
 * Q4_K (144 bytes: d, dmin, scales[12], qs[128]) and Q5_K (176 bytes: d, dmin, scales[12], qh[32], qs[128]),
 * super-blocks of 256, bit-exact with upstream ggml-quants.c:
 *   quantizeQ4K / quantizeQ5K mirror quantize_row_q4_K_ref / quantize_row_q5_K_ref (one shared body here:
 *   upstream's two differ only in nmax 15 / 31, make_qkx2_quants' rmin -1 / -0.5 and nstep 20 / 15, and the packing),
 *   dequantizeQ4K / dequantizeQ5K mirror dequantize_row_q4_K / dequantize_row_q5_K.
 * 8 sub-blocks of 32: x ~ d * sc_j * q - dmin * m_j, sc_j and m_j 6 bits (get_scale_min_k4), q 4 or 5 bits.
 */

import { F32_0_1, f32, nearestInt, readHalf, writeHalf } from './c-float.js';
import { makeQkx2Quants, scaleMinK4 } from './k-common.js';

const QK_K = 256;
const L = new Uint8Array(QK_K);
const WEIGHTS = new Float32Array(32);
const MINS = new Float32Array(QK_K / 32);
const SCALES = new Float32Array(QK_K / 32);

/**
 * The shared part of quantize_row_q{4,5}_K_ref for the super-block at x[xb], header at y[yb]: sub-block fits, the 6-bit
 * scales and mins, d and dmin, then the final codes in L (0..nmax).
 */
function quantizeScalesAndCodes(x: Float32Array, xb: number, y: Uint8Array, yb: number, nmax: number, rmin: number, nstep: number): void {
  let maxScale = 0;
  let maxMin = 0;
  for (let j = 0; j < QK_K / 32; ++j) {
    const xo = xb + 32 * j;
    let sumX2 = 0;
    for (let l = 0; l < 32; ++l) sumX2 = f32(sumX2 + f32(x[xo + l]! * x[xo + l]!));
    const avX = f32(Math.sqrt(f32(sumX2 / 32)));
    for (let l = 0; l < 32; ++l) WEIGHTS[l] = avX + Math.abs(x[xo + l]!);
    const scale = makeQkx2Quants(32, nmax, x, xo, WEIGHTS, L, 32 * j, MINS, j, rmin, F32_0_1, nstep, false);
    SCALES[j] = scale;
    if (scale > maxScale) maxScale = scale;
    if (MINS[j]! > maxMin) maxMin = MINS[j]!;
  }
  const invScale = maxScale > 0 ? f32(63 / maxScale) : 0;
  const invMin = maxMin > 0 ? f32(63 / maxMin) : 0;
  const s = yb + 4;
  for (let j = 0; j < QK_K / 32; ++j) {
    const ls = Math.min(63, nearestInt(f32(invScale * SCALES[j]!)) & 0xff);
    const lm = Math.min(63, nearestInt(f32(invMin * MINS[j]!)) & 0xff);
    if (j < 4) {
      y[s + j] = ls;
      y[s + j + 4] = lm;
    } else {
      y[s + j + 4] = (ls & 0x0f) | ((lm & 0x0f) << 4);
      y[s + j - 4] = y[s + j - 4]! | ((ls >> 4) << 6);
      y[s + j] = y[s + j]! | ((lm >> 4) << 6);
    }
  }
  writeHalf(y, yb, f32(maxScale / 63));
  writeHalf(y, yb + 2, f32(maxMin / 63));
  const dAll = readHalf(y, yb);
  const dminAll = readHalf(y, yb + 2);
  for (let j = 0; j < QK_K / 32; ++j) {
    const sm = scaleMinK4(j, y, s);
    const d = f32(dAll * (sm & 0xff));
    if (d === 0) continue;
    const dm = f32(dminAll * (sm >> 8));
    for (let ii = 0; ii < 32; ++ii) {
      const l = nearestInt(f32(f32(x[xb + 32 * j + ii]! + dm) / d));
      L[32 * j + ii] = Math.max(0, Math.min(nmax, l));
    }
  }
}

export function quantizeQ4K(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const yb = i * 144;
    quantizeScalesAndCodes(x, i * QK_K, y, yb, 15, -1, 20);
    let q = yb + 16;
    for (let j = 0; j < QK_K; j += 64) {
      for (let l = 0; l < 32; ++l) y[q + l] = L[j + l]! | (L[j + l + 32]! << 4);
      q += 32;
    }
  }
}

export function quantizeQ5K(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const yb = i * 176;
    quantizeScalesAndCodes(x, i * QK_K, y, yb, 31, -0.5, 15);
    const qh = yb + 16;
    let ql = yb + 48;
    y.fill(0, qh, qh + 32);
    let m1 = 1;
    let m2 = 2;
    for (let n = 0; n < QK_K; n += 64) {
      for (let j = 0; j < 32; ++j) {
        let l1 = L[n + j]!;
        if (l1 > 15) {
          l1 -= 16;
          y[qh + j] = y[qh + j]! | m1;
        }
        let l2 = L[n + j + 32]!;
        if (l2 > 15) {
          l2 -= 16;
          y[qh + j] = y[qh + j]! | m2;
        }
        y[ql + j] = l1 | (l2 << 4);
      }
      m1 <<= 2;
      m2 <<= 2;
      ql += 32;
    }
  }
}

/** dequantize_row_q4_K (fifthBits false) and dequantize_row_q5_K (true): d_j * q - m_j, two roundings. */
function dequantizeK45(y: Uint8Array, out: Float32Array, nb: number, fifthBits: boolean): void {
  const bytes = fifthBits ? 176 : 144;
  for (let i = 0; i < nb; i++) {
    const yb = i * bytes;
    const d = readHalf(y, yb);
    const min = readHalf(y, yb + 2);
    const qh = yb + 16;
    let ql = yb + (fifthBits ? 48 : 16);
    let o = i * QK_K;
    let u1 = 1;
    let u2 = 2;
    for (let is = 0; is < QK_K / 32; is += 2) {
      const sm1 = scaleMinK4(is, y, yb + 4);
      const sm2 = scaleMinK4(is + 1, y, yb + 4);
      const d1 = f32(d * (sm1 & 0xff));
      const m1 = f32(min * (sm1 >> 8));
      const d2 = f32(d * (sm2 & 0xff));
      const m2 = f32(min * (sm2 >> 8));
      for (let l = 0; l < 32; ++l) {
        const q = (y[ql + l]! & 0x0f) + (fifthBits && y[qh + l]! & u1 ? 16 : 0);
        out[o++] = f32(d1 * q) - m1;
      }
      for (let l = 0; l < 32; ++l) {
        const q = (y[ql + l]! >> 4) + (fifthBits && y[qh + l]! & u2 ? 16 : 0);
        out[o++] = f32(d2 * q) - m2;
      }
      ql += 32;
      u1 <<= 2;
      u2 <<= 2;
    }
  }
}

export const dequantizeQ4K = (y: Uint8Array, out: Float32Array, nb: number): void => dequantizeK45(y, out, nb, false);
export const dequantizeQ5K = (y: Uint8Array, out: Float32Array, nb: number): void => dequantizeK45(y, out, nb, true);
