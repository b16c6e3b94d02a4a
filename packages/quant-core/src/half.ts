/*
 * IEEE binary16 (float16) and bfloat16 values held as Uint16Array bit patterns: exact widening to float32 (every half
 * value is a float32 value) and rounding of a float64 value to a half type, once, to nearest with ties to even
 * (docs/SPEC.md §12). No per-element allocation: float16 widens through a 65536-entry table, bfloat16 by a shift.
 */

import type { HalfDType } from './types.js';

export type { HalfDType };

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

let f16Table: Float32Array | undefined;

/** float16 bits -> float32, every pattern (NaN payloads kept in the high mantissa bits, quiet bit set as F16C does). */
function f16BitsToF32Slow(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24; // ±0 and subnormals: exact
  if (exp === 31) {
    if (man === 0) return sign * Infinity;
    U32[0] = ((h & 0x8000) << 16) | 0x7fc00000 | (man << 13);
    return F32[0]!;
  }
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/** The float32 value of every float16 bit pattern, made once on first use (256 KiB). */
export function float16Table(): Float32Array {
  if (f16Table === undefined) {
    const t = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) t[h] = f16BitsToF32Slow(h);
    f16Table = t;
  }
  return f16Table;
}

/** The value of one float16 bit pattern. */
export function float16ToNumber(bits: number): number {
  return float16Table()[bits & 0xffff]!;
}

/** The value of one bfloat16 bit pattern (the high half of a float32; NaN payloads kept). */
export function bfloat16ToNumber(bits: number): number {
  U32[0] = (bits & 0xffff) << 16;
  return F32[0]!;
}

/** Widens src[start, end) of `dtype` bit patterns into out[0, end - start) (exact). */
export function widenHalf(src: Uint16Array, dtype: HalfDType, start: number, end: number, out: Float32Array): void {
  if (dtype === 'float16') {
    const t = float16Table();
    for (let i = start; i < end; i++) out[i - start] = t[src[i]!]!;
  } else {
    const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
    for (let i = start; i < end; i++) bits[i - start] = src[i]! << 16;
  }
}

// Round half to even of 0 <= m < 2^51 (the magic-number trick of rounding.ts).
const MAGIC = 6755399441055744;

/** 2^e for every integer e in [-1074, 1023] (exact), by table: 2 ** e costs a call per rounding. */
const POW2 = Float64Array.from({ length: 2098 }, (_, i) => 2 ** (i - 1074));

function pow2(e: number): number {
  return POW2[e + 1074]!;
}

const F64 = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64.buffer);
/** The index of the word of a float64 holding its sign and exponent (the platform's byte order). */
const HIGH_WORD = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;

/** floor(log2(a)) for a finite a > 0, exactly: the exponent field of a normal float64, else by search. */
function exponentOf(a: number): number {
  F64[0] = a;
  const field = (F64_WORDS[HIGH_WORD]! >>> 20) & 0x7ff;
  if (field !== 0) return field - 1023;
  let e = Math.floor(Math.log2(a)); // a subnormal float64 (far below every half type's range)
  if (pow2(e) > a) e--;
  else if (pow2(e + 1) <= a) e++;
  return e;
}

/**
 * A float64 value rounded once to a half type (round to nearest, ties to even), as bits. `mantissa` stored bits, exponent
 * `bias`, max exponent `emax` (finite), min normal exponent 1 - bias. NaN becomes the type's default quiet NaN with the
 * sign of v; overflow past the largest finite value (by half an ulp or more) becomes ±Infinity.
 */
function roundToHalfBits(v: number, mantissa: number, bias: number): number {
  const expBits = bias * 2 + 1; // all-ones exponent field
  const signBit = v < 0 || Object.is(v, -0) ? 1 << 15 : 0;
  if (v !== v) return signBit | (expBits << mantissa) | (1 << (mantissa - 1));
  const a = Math.abs(v);
  if (a === Infinity) return signBit | (expBits << mantissa);
  if (a === 0) return signBit;
  const minNormalExp = 1 - bias;
  let e = exponentOf(a);
  if (e < minNormalExp) {
    // Subnormal: units of 2^(minNormalExp - mantissa); a carry to 2^mantissa units is the smallest normal, same bits.
    const m = (a / pow2(minNormalExp - mantissa) + MAGIC) - MAGIC;
    return signBit | m;
  }
  let m = (a / pow2(e - mantissa) + MAGIC) - MAGIC; // in [2^mantissa, 2^(mantissa+1)]
  if (m === 2 ** (mantissa + 1)) {
    m = 2 ** mantissa;
    e++;
  }
  if (e + bias >= expBits) return signBit | (expBits << mantissa); // overflow
  return signBit | ((e + bias) << mantissa) | (m - 2 ** mantissa);
}

/** float64 -> float16 bits, rounded once to nearest even. */
export function numberToFloat16(v: number): number {
  return roundToHalfBits(v, 10, 15);
}

/** float64 -> bfloat16 bits, rounded once to nearest even. */
export function numberToBfloat16(v: number): number {
  return roundToHalfBits(v, 7, 127);
}

/** v rounded once to the half type, as a number (exact in float32). */
export function roundToHalf(v: number, dtype: HalfDType): number {
  return dtype === 'float16' ? float16ToNumber(numberToFloat16(v)) : bfloat16ToNumber(numberToBfloat16(v));
}

/** float32 bits -> float16 bits, rounded to nearest even (the rounding of vcvtps2ph); NaN stays NaN (quiet). */
function f32BitsToF16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  let a = x & 0x7fffffff;
  if (a >= 0x7f800000) return sign | (a > 0x7f800000 ? 0x7e00 | ((a >>> 13) & 0x3ff) : 0x7c00);
  if (a >= 0x477ff000) return sign | 0x7c00; // >= 65520: past the largest finite value by half an ulp
  if (a < 0x38800000) {
    // Below 2^-14: a subnormal half, in units of 2^-24 (exact scaling), rounded half to even; 1024 is the smallest normal.
    U32[0] = a;
    return sign | ((F32[0]! * 16777216 + MAGIC) - MAGIC);
  }
  // Normal: rebias the exponent and round the mantissa from 23 to 10 bits; a carry moves into the exponent.
  a = (a + 0xc8000fff + ((a >>> 13) & 1)) >>> 0; // -(127 - 15) << 23, plus 0xfff (+1 when odd): ties to even
  return sign | (a >>> 13);
}

/** float32 bits -> bfloat16 bits, rounded to nearest even; NaN stays NaN (quiet). */
function f32BitsToBf16(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * Rounds each float64 src[i] once to the half type into out[i] (bits). A value that is a float32 value takes the
 * integer path (exact: rounding a float32 to the half type is one rounding); any other takes the general one.
 */
export function narrowToHalf(src: Float64Array, dtype: HalfDType, out: Uint16Array): void {
  const f16 = dtype === 'float16';
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    F32[0] = v;
    if (F32[0] === v || v !== v) out[i] = f16 ? f32BitsToF16(U32[0]!) : f32BitsToBf16(U32[0]!);
    else out[i] = f16 ? numberToFloat16(v) : numberToBfloat16(v);
  }
}

/** The smallest scale chosen for a half tensor: float16 keeps its subnormals (|x| / 2^-24 is finite in float32). */
export function minHalfScale(dtype: HalfDType): number {
  return dtype === 'float16' ? 2 ** -24 : 2 ** -126;
}

/** Whether v is a value of the half type (the scales of half tensors must be). */
export function isHalfValue(v: number, dtype: HalfDType): boolean {
  return roundToHalf(v, dtype) === v;
}
