/**
 * Safetensors dtypes (the names used in the header), their sizes, and the exact float conversions the CLI needs.
 */

/**
 * Bytes per element of every dtype the safetensors format defines that has a whole-byte size. Looked up with dtype
 * names read from files, so it has no prototype: 'constructor' or '__proto__' is an unknown dtype, not a function.
 */
export const DTYPE_SIZES: Readonly<Record<string, number>> = lookupTable({
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
  C64: 8,
});

/** A frozen copy of `entries` without a prototype, for look-ups by keys that come from files. */
export function lookupTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** Float dtypes quant quantizes; everything else is copied through untouched. */
export type FloatDtype = 'F16' | 'BF16' | 'F32' | 'F64';

export function isFloatDtype(dtype: string): dtype is FloatDtype {
  return dtype === 'F16' || dtype === 'BF16' || dtype === 'F32' || dtype === 'F64';
}

/** Integer dtypes codes are stored in. */
export type CodeDtype = 'I8' | 'U8' | 'I16' | 'U16';

let f16Table: Float32Array | undefined;

/** All 65536 half-precision values as float32 (exact: every f16 value, subnormals included, is a float32). */
function halfTable(): Float32Array {
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    let v: number;
    if (exp === 0) v = frac * 2 ** -24;
    else if (exp === 31) v = frac === 0 ? Infinity : NaN;
    else v = (1024 + frac) * 2 ** (exp - 25);
    t[h] = sign * v;
  }
  // Keep NaN payloads out of it: any f16 NaN becomes the canonical float32 NaN, which is what numpy does too.
  f16Table = t;
  return t;
}

/** Exact conversion of IEEE half-precision bit patterns to float32. */
export function f16ToF32(src: Uint16Array, out: Float32Array): void {
  const t = halfTable();
  for (let i = 0; i < src.length; i++) out[i] = t[src[i]!]!;
}

/** Exact conversion of bfloat16 bit patterns to float32 (bfloat16 is the top half of a float32). */
export function bf16ToF32(src: Uint16Array, out: Float32Array): void {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** float32 -> half, round to nearest even; overflow -> ±Infinity, NaN -> quiet NaN. */
export function f32ToF16Bits(v: number): number {
  f32Scratch[0] = v;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: rounds to zero
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let r = m >>> shift;
    if (rest > half || (rest === half && r & 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && r & 1)) r++; // a carry into the exponent is the correct rounding
  return sign | r;
}

/** float32 -> bfloat16, round to nearest even; NaN -> quiet NaN. */
export function f32ToBf16Bits(v: number): number {
  f32Scratch[0] = v;
  const x = u32Scratch[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

export function f32ToF16(src: Float32Array, out: Uint16Array): void {
  for (let i = 0; i < src.length; i++) out[i] = f32ToF16Bits(src[i]!);
}

export function f32ToBf16(src: Float32Array, out: Uint16Array): void {
  for (let i = 0; i < src.length; i++) out[i] = f32ToBf16Bits(src[i]!);
}

/** The dtype quantized codes are stored in for a scheme and bit width (packed codes are bytes). */
export function codeDtypeFor(scheme: 'affine' | 'symmetric', bits: number, packed: boolean): CodeDtype {
  if (packed) return 'U8';
  if (bits <= 8) return scheme === 'symmetric' ? 'I8' : 'U8';
  return scheme === 'symmetric' ? 'I16' : 'U16';
}

/** A view of little-endian bytes as the typed array of a code dtype (the bytes must be aligned for it). */
export function codeArrayOf(dtype: CodeDtype, bytes: Uint8Array): Int8Array | Uint8Array | Int16Array | Uint16Array {
  const { buffer, byteOffset, byteLength } = bytes;
  if (dtype === 'I8') return new Int8Array(buffer, byteOffset, byteLength);
  if (dtype === 'U8') return new Uint8Array(buffer, byteOffset, byteLength);
  if (dtype === 'I16') return new Int16Array(buffer, byteOffset, byteLength / 2);
  return new Uint16Array(buffer, byteOffset, byteLength / 2);
}

/** The dtype zero points are stored in: the unpacked code dtype. */
export function zeroPointDtypeFor(scheme: 'affine' | 'symmetric', bits: number): CodeDtype {
  return codeDtypeFor(scheme, bits, false);
}

export function isLittleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
