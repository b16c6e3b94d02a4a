/*
 * The legacy GGML formats (blocks of 32), bit-exact with upstream ggml-quants.c built without FMA contraction:
 *   quantizeQ4_0 .. quantizeQ8_1 mirror quantize_row_{q4_0,q4_1,q5_0,q5_1,q8_0,q8_1}_ref,
 *   dequantizeQ4_0 .. dequantizeQ8_0 mirror dequantize_row_{q4_0,q4_1,q5_0,q5_1,q8_0}.
 * Q8_1 has no upstream dequantize_row_q8_1 (nor a to_float): dequantizeQ8_1 follows its block fields, qs[j] * d, as
 * dequantize_row_q8_0 does; s = fp16(d * sum(qs)) is a precomputed sum for dot products, not used to reconstruct.
 *
 * Each function takes whole blocks: x holds nb * 32 float32 values, y nb * bytesPerBlock bytes (formats.ts). Every float
 * operation is rounded as C rounds it (c-float.ts); C's truthiness of a float (`d ? 1.0f/d : 0.0f`) is `d !== 0` here,
 * since NaN is true in C.
 */

import { f32, readHalf, roundf, toInt8, truncToInt, writeHalf } from './c-float.js';

const QK = 32;
const CODES = new Uint8Array(QK); // the 32 codes of the block being packed

/** MIN(cap, (int8_t)v) stored in a uint8_t (q4_0, q4_1, q5_0). */
function capInt8(v: number, cap: number): number {
  const c = toInt8(truncToInt(v));
  return (c < cap ? c : cap) & 0xff;
}

/**
 * The symmetric scale of q4_0 / q5_0: `max` is the first element of largest magnitude (with its sign),
 * d = max / divisor (divisor -8 or -16), stored as float16 at y[yb]; returns id = d ? 1.0f/d : 0.0f.
 */
function symmetricScale(x: Float32Array, xb: number, y: Uint8Array, yb: number, divisor: number): number {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < QK; j++) {
    const v = x[xb + j]!;
    if (amax < Math.abs(v)) {
      amax = Math.abs(v);
      max = v;
    }
  }
  const d = f32(max / divisor);
  writeHalf(y, yb, d);
  return d !== 0 ? f32(1 / d) : 0;
}

let blockMin = 0; // the min of the last affineScale

/**
 * The affine scale of q4_1 / q5_1: d = (max - min) / levels at y[yb], min at y[yb + 2] (float16 both); sets blockMin
 * and returns id = d ? 1.0f/d : 0.0f.
 */
function affineScale(x: Float32Array, xb: number, y: Uint8Array, yb: number, levels: number): number {
  let min = 3.4028234663852886e38; // FLT_MAX
  let max = -3.4028234663852886e38;
  for (let j = 0; j < QK; j++) {
    const v = x[xb + j]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const d = f32(f32(max - min) / levels);
  writeHalf(y, yb, d);
  writeHalf(y, yb + 2, min);
  blockMin = min;
  return d !== 0 ? f32(1 / d) : 0;
}

/** qs[j] = codes[j] | codes[j + 16] << 4 (q4_0, q4_1: the codes are not masked, as upstream). */
function packNibbles(y: Uint8Array, qs: number): void {
  for (let j = 0; j < QK / 2; j++) y[qs + j] = (CODES[j]! | (CODES[j + QK / 2]! << 4)) & 0xff;
}

/** Low nibbles as packNibbles (masked), the fifth bits in the little-endian uint32 qh (q5_0, q5_1). */
function packFiveBits(y: Uint8Array, qhOff: number, qs: number): void {
  let qh = 0;
  for (let j = 0; j < QK / 2; j++) {
    const xi0 = CODES[j]!;
    const xi1 = CODES[j + QK / 2]!;
    y[qs + j] = (xi0 & 0x0f) | ((xi1 & 0x0f) << 4);
    qh |= ((xi0 & 0x10) >>> 4) << j;
    qh |= ((xi1 & 0x10) >>> 4) << (j + QK / 2);
  }
  y[qhOff] = qh & 0xff;
  y[qhOff + 1] = (qh >>> 8) & 0xff;
  y[qhOff + 2] = (qh >>> 16) & 0xff;
  y[qhOff + 3] = qh >>> 24;
}

/** quantize_row_q4_0_ref. */
export function quantizeQ4_0(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const xb = i * QK;
    const yb = i * 18;
    const id = symmetricScale(x, xb, y, yb, -8);
    for (let j = 0; j < QK; j++) CODES[j] = capInt8(f32(f32(x[xb + j]! * id) + 8.5), 15);
    packNibbles(y, yb + 2);
  }
}

/** quantize_row_q4_1_ref. */
export function quantizeQ4_1(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const xb = i * QK;
    const yb = i * 20;
    const id = affineScale(x, xb, y, yb, 15);
    const min = blockMin;
    for (let j = 0; j < QK; j++) CODES[j] = capInt8(f32(f32(f32(x[xb + j]! - min) * id) + 0.5), 15);
    packNibbles(y, yb + 4);
  }
}

/** quantize_row_q5_0_ref. */
export function quantizeQ5_0(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const xb = i * QK;
    const yb = i * 22;
    const id = symmetricScale(x, xb, y, yb, -16);
    for (let j = 0; j < QK; j++) CODES[j] = capInt8(f32(f32(x[xb + j]! * id) + 16.5), 31);
    packFiveBits(y, yb + 2, yb + 6);
  }
}

/** quantize_row_q5_1_ref (its codes are `(uint8_t)(x0 + 0.5f)`, without the MIN of the others). */
export function quantizeQ5_1(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const xb = i * QK;
    const yb = i * 24;
    const id = affineScale(x, xb, y, yb, 31);
    const min = blockMin;
    for (let j = 0; j < QK; j++) CODES[j] = truncToInt(f32(f32(f32(x[xb + j]! - min) * id) + 0.5)) & 0xff;
    packFiveBits(y, yb + 4, yb + 8);
  }
}

/**
 * The q8 scale: amax = MAX(amax, fabsf(v)) over the block, d = amax / 127 at y[yb], codes roundf(x * id) at y[qs];
 * returns d and the sum of the codes (for q8_1's s).
 */
function quantizeQ8Block(x: Float32Array, xb: number, y: Uint8Array, yb: number, qs: number): number {
  let amax = 0;
  for (let j = 0; j < QK; j++) {
    const a = Math.abs(x[xb + j]!);
    amax = amax > a ? amax : a;
  }
  const d = f32(amax / 127);
  const id = d !== 0 ? f32(1 / d) : 0;
  writeHalf(y, yb, d);
  let sum = 0;
  for (let j = 0; j < QK; j++) {
    const q = truncToInt(roundf(f32(x[xb + j]! * id))) & 0xff;
    y[qs + j] = q;
    sum += toInt8(q);
  }
  qSum = sum;
  return d;
}

let qSum = 0; // the code sum of the last quantizeQ8Block

/** quantize_row_q8_0_ref. */
export function quantizeQ8_0(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) quantizeQ8Block(x, i * QK, y, i * 34, i * 34 + 2);
}

/** quantize_row_q8_1_ref: q8_0's codes, then s = fp16(sum * d). */
export function quantizeQ8_1(x: Float32Array, y: Uint8Array, nb: number): void {
  for (let i = 0; i < nb; i++) {
    const d = quantizeQ8Block(x, i * QK, y, i * 36, i * 36 + 4);
    writeHalf(y, i * 36 + 2, f32(qSum * d));
  }
}

/**
 * dequantize_row_q4_0, q4_1, q5_0, q5_1: codes from the nibbles (and the fifth bits of the uint32 qh), x * d for the
 * symmetric formats (codes offset by 8 or 16), x * d + m (two roundings) for the affine ones.
 */
function dequantizeQ4Q5(y: Uint8Array, out: Float32Array, nb: number, bytes: number, hasMin: boolean, fifthBits: boolean): void {
  const qhOff = hasMin ? 4 : 2;
  const qs = fifthBits ? qhOff + 4 : qhOff;
  const offset = hasMin ? 0 : fifthBits ? 16 : 8;
  for (let i = 0; i < nb; i++) {
    const yb = i * bytes;
    const o = i * QK;
    const d = readHalf(y, yb);
    const m = hasMin ? readHalf(y, yb + 2) : 0;
    const qh = fifthBits ? (y[yb + qhOff]! | (y[yb + qhOff + 1]! << 8) | (y[yb + qhOff + 2]! << 16) | (y[yb + qhOff + 3]! << 24)) >>> 0 : 0;
    for (let j = 0; j < QK / 2; j++) {
      const q = y[yb + qs + j]!;
      const x0 = ((q & 0x0f) | (((qh >>> j) << 4) & 0x10)) - offset;
      const x1 = ((q >> 4) | ((qh >>> (j + 12)) & 0x10)) - offset;
      out[o + j] = hasMin ? f32(f32(x0 * d) + m) : x0 * d;
      out[o + j + QK / 2] = hasMin ? f32(f32(x1 * d) + m) : x1 * d;
    }
  }
}

/** dequantize_row_q8_0 (qs at offset 2 of 34) and q8_1's field meaning (qs at offset 4 of 36): qs[j] * d. */
function dequantizeQ8(y: Uint8Array, out: Float32Array, nb: number, bytes: number, qs: number): void {
  for (let i = 0; i < nb; i++) {
    const yb = i * bytes;
    const d = readHalf(y, yb);
    for (let j = 0; j < QK; j++) out[i * QK + j] = toInt8(y[yb + qs + j]!) * d;
  }
}

export const dequantizeQ4_0 = (y: Uint8Array, out: Float32Array, nb: number): void => dequantizeQ4Q5(y, out, nb, 18, false, false);
export const dequantizeQ4_1 = (y: Uint8Array, out: Float32Array, nb: number): void => dequantizeQ4Q5(y, out, nb, 20, true, false);
export const dequantizeQ5_0 = (y: Uint8Array, out: Float32Array, nb: number): void => dequantizeQ4Q5(y, out, nb, 22, false, true);
export const dequantizeQ5_1 = (y: Uint8Array, out: Float32Array, nb: number): void => dequantizeQ4Q5(y, out, nb, 24, true, true);
export const dequantizeQ8_0 = (y: Uint8Array, out: Float32Array, nb: number): void => dequantizeQ8(y, out, nb, 34, 2);
export const dequantizeQ8_1 = (y: Uint8Array, out: Float32Array, nb: number): void => dequantizeQ8(y, out, nb, 36, 4);
