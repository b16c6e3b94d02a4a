import { describeValue } from './describe-value.js';
import { ErrorCodes, fail } from './errors.js';
import type { IntArray, Scheme } from './types.js';
import { arrayToOverwrite } from './fresh-array.js';

/** The integer interval and array type for a scheme and bit width. */
export interface StorageSpec {
  readonly bits: number;
  readonly signed: boolean;
  readonly qmin: number;
  readonly qmax: number;
  /** Whether the tensor is stored packed (2 or 4 bits per element, several per byte). */
  readonly packed: boolean;
}

export function checkBits(bits: unknown): asserts bits is number {
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 2 || bits > 16) {
    fail(ErrorCodes.BITS, `bits must be an integer in 2..16, got ${describeValue(bits)}`);
  }
}

/**
 * Affine is unsigned [0, 2^b - 1]; symmetric is signed [-2^(b-1), 2^(b-1) - 1].
 * narrowRange drops the lowest code: symmetric [-(2^(b-1) - 1), 2^(b-1) - 1] (so the range is symmetric about 0),
 * affine [1, 2^b - 1] (TensorFlow's narrow_range).
 */
export function storageSpec(scheme: Scheme, bits: number, narrowRange = false, packed = false): StorageSpec {
  checkBits(bits);
  if (packed && bits !== 2 && bits !== 4) {
    fail(ErrorCodes.PACKED, `packed storage needs bits 2 or 4, got ${bits}`);
  }
  const signed = scheme === 'symmetric';
  const qmin = signed ? -(2 ** (bits - 1)) : 0;
  const qmax = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  return { bits, signed, qmin: narrowRange ? qmin + 1 : qmin, qmax, packed };
}

/**
 * Unpacked storage: 2..8 bits in 8-bit arrays, 9..16 bits in 16-bit arrays. Not zero-filled (fresh-array.ts): every
 * caller has a kernel write all of it.
 */
export function allocateCodes(spec: StorageSpec, length: number): Int8Array | Uint8Array | Int16Array | Uint16Array {
  if (spec.bits <= 8) return spec.signed ? arrayToOverwrite(Int8Array, length) : arrayToOverwrite(Uint8Array, length);
  return spec.signed ? arrayToOverwrite(Int16Array, length) : arrayToOverwrite(Uint16Array, length);
}

/** Bytes needed to pack `length` elements of `bits` (2 or 4) bits. */
export function packedByteLength(length: number, bits: 2 | 4): number {
  return Math.ceil((length * bits) / 8);
}

/** The typed-array class a scheme and bit width store into (used to validate caller outputs). */
export function codeArrayName(spec: StorageSpec): string {
  if (spec.bits <= 8) return spec.signed ? 'Int8Array' : 'Uint8Array';
  return spec.signed ? 'Int16Array' : 'Uint16Array';
}

/** The integer range an unpacked array type can hold (`a` has passed validation, so its prototype agrees with its brand). */
export function arrayRange(a: IntArray): { min: number; max: number } {
  if (a instanceof Int8Array) return { min: -128, max: 127 };
  if (a instanceof Uint8Array) return { min: 0, max: 255 };
  if (a instanceof Int16Array) return { min: -32768, max: 32767 };
  return { min: 0, max: 65535 };
}
