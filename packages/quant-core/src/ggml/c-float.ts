/*
 * The C arithmetic of upstream ggml-quants.c, exactly, for the GGML kernels. Upstream is compiled without FMA
 * contraction for x86-64 SSE (FLT_EVAL_METHOD 0): every float operation is one IEEE binary32 operation, rounded to
 * nearest even. Here each is a float64 operation on float32 values followed by Math.fround, which gives the same
 * result for +, -, *, / and sqrt (float64 has more than 2 * 24 + 2 bits, so the double rounding is innocuous).
 *
 * Mirrors: nearest_int (ggml-quants.c), roundf, GGML_FP32_TO_FP16 / GGML_FP16_TO_FP32 (ggml-impl.h: the FP16 library's
 * bit tricks, which round to nearest even; checked equal to an IEEE conversion on all 2^32 float32 patterns), and the
 * float -> integer conversions of the legacy quantizers.
 */

import { float16ToNumber, numberToFloat16 } from '../half.js';

export const f32 = Math.fround;

/** 0.1f and GROUP_MAX_EPS (1e-15f) as the float32 constants C uses. */
export const F32_0_1 = Math.fround(0.1);
export const GROUP_MAX_EPS = Math.fround(1e-15);

const F = new Float32Array(1);
const I = new Int32Array(F.buffer);

/**
 * nearest_int: fval + 1.5 * 2^23 in float32, then the low mantissa bits. Round half to even for |fval| <= 2^22 - 1;
 * beyond that (upstream asserts, assertions off in release builds) the same well-defined bit arithmetic.
 */
export function nearestInt(fval: number): number {
  const val = Math.fround(fval + 12582912);
  // In [2^23, 2^24) the mantissa bits are val - 2^23: the result is val - 1.5 * 2^23 (the usual case, no memory trip).
  if (val >= 8388608 && val < 16777216) return val - 12582912;
  F[0] = val;
  return (I[0]! & 0x007fffff) - 0x00400000;
}

/** roundf: half away from zero (exact: x + 0.5 is exact in float64 for every float32 x below 2^52). */
export function roundf(x: number): number {
  return x < 0 ? -Math.floor(0.5 - x) : Math.floor(x + 0.5);
}

/**
 * A float converted to a C integer type, as upstream's x86-64 build does it (cvttss2si / cvttps2dq): toward zero,
 * and 0x80000000 for NaN or a value outside the int32 range (undefined behaviour in C; only reachable when a block's
 * arithmetic overflows, e.g. float32-subnormal blocks whose 1/d is infinite). The caller keeps the low bits it stores.
 */
export function truncToInt(x: number): number {
  return x > -2147483649 && x < 2147483648 ? Math.trunc(x) : -2147483648;
}

/** The value of an int as int8_t (C's modular conversion). */
export function toInt8(v: number): number {
  return (v << 24) >> 24;
}

/** GGML_FP16_TO_FP32 of the little-endian float16 at bytes[off]. */
export function readHalf(bytes: Uint8Array, off: number): number {
  return float16ToNumber(bytes[off]! | (bytes[off + 1]! << 8));
}

/** GGML_FP32_TO_FP16(v) stored little-endian at bytes[off]; v is a float32 value (one rounding, to nearest even). */
export function writeHalf(bytes: Uint8Array, off: number, v: number): void {
  const h = numberToFloat16(v);
  bytes[off] = h & 0xff;
  bytes[off + 1] = h >>> 8;
}

