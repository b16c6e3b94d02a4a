import { checkTensor } from './api.js';
import { ErrorCodes, fail } from './errors.js';
import type { StorageSpec } from './storage.js';
import type { IntArray, QuantizedTensor } from './types.js';

/*
 * dequantize validates a tensor's fields but not the values of its codes: reading every code costs about as much as
 * the reference dequantize itself (53 ms against 78 ms for 16M int8 codes) and several times the native one, so a
 * relabelled tensor (symmetric 8-bit codes declared as 4-bit) dequantizes codes outside [qmin, qmax] by the same
 * formula. checkQuantizedTensor is the explicit O(n) check for tensors from untrusted sources (SPEC §8).
 */

/**
 * Validates a QuantizedTensor completely: every field (as dequantize does, same codes), then every code against the
 * [qmin, qmax] of its scheme, bits and narrowRange (ERR_QUANT_BITS naming the first one outside), and the padding
 * bits of packed data, which must be zero (ERR_QUANT_PACKED). Returns the tensor.
 */
export function checkQuantizedTensor<T extends QuantizedTensor>(qt: T): T {
  const t = checkTensor(qt);
  if (t.storage.packed) checkPackedCodes(t.data as Uint8Array, t.length, t.storage);
  else if (!fillsItsArray(t.storage)) checkCodes(t.data, t.storage);
  return qt;
}

/** Whether every value of the storage's array type is a valid code (8 or 16 bits without narrowRange). */
function fillsItsArray(s: StorageSpec): boolean {
  return (s.bits === 8 || s.bits === 16) && s.qmin === (s.signed ? -(2 ** (s.bits - 1)) : 0);
}

function outside(index: number, code: number, s: StorageSpec): never {
  return fail(ErrorCodes.BITS, `code ${code} of element ${index} is outside [${s.qmin}, ${s.qmax}], the codes of this tensor's scheme, bits (${s.bits}) and narrowRange: they do not describe its data`);
}

function checkCodes(codes: IntArray, s: StorageSpec): void {
  const { qmin, qmax } = s;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c < qmin || c > qmax) outside(i, c, s);
  }
}

/** Packed fields are in range by construction but for narrowRange's excluded lowest code; padding must be zero. */
function checkPackedCodes(packed: Uint8Array, length: number, s: StorageSpec): void {
  const bits = s.bits;
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const bias = s.signed ? 1 << (bits - 1) : 0;
  const lowest = s.signed ? -bias : 0;
  if (s.qmin !== lowest) {
    for (let i = 0; i < length; i++) {
      const field = (packed[Math.floor(i / perByte)]! >> ((i % perByte) * bits)) & mask;
      const code = (field ^ bias) - bias;
      if (code < s.qmin) outside(i, code, s);
    }
  }
  const used = (length % perByte) * bits;
  if (used !== 0 && packed[packed.length - 1]! >> used !== 0) {
    fail(ErrorCodes.PACKED, `the padding bits of the last byte of packed data must be zero, got byte ${packed[packed.length - 1]}`);
  }
}
