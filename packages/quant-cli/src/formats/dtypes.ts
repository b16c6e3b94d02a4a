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
