// SIMD128 packing of 2- and 4-bit codes (ONNX order: element 0 in the lowest bits, padding bits zero) and unpacking
// (sign-extended when signed): 32 (4-bit) or 64 (2-bit) codes per iteration by byte shuffles and per-byte shifts; the
// tails run the portable loops of common/pack.h on the whole bytes that are left.
#pragma once

#include "../common/pack.h"
#include "vec.h"

namespace quantkit::simd128 {
namespace {

// Bytes 0, 2, 4, ... and 1, 3, 5, ... of the 32 bytes a, b.
inline v128_t even_bytes(v128_t a, v128_t b) { return wasm_i8x16_shuffle(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30); }
inline v128_t odd_bytes(v128_t a, v128_t b) { return wasm_i8x16_shuffle(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31); }

// 16 bytes, byte j = (u[2j] & m) | (u[2j + 1] & m) << s, of the 32 bytes a, b.
inline v128_t pair_bytes(v128_t a, v128_t b, v128_t m, uint32_t s) {
  return wasm_v128_or(wasm_v128_and(even_bytes(a, b), m), wasm_i8x16_shl(wasm_v128_and(odd_bytes(a, b), m), s));
}

void pack(const uint8_t* q, size_t n, int bits, uint8_t* out) {
  size_t i = 0;
  if (bits == 4) {
    const v128_t m = wasm_i8x16_splat(0x0f);
    for (; i + 32 <= n; i += 32) store(out + i / 2, pair_bytes(load(q + i), load(q + i + 16), m, 4));
  } else {
    const v128_t m2 = wasm_i8x16_splat(0x03);
    const v128_t m4 = wasm_i8x16_splat(0x0f);
    for (; i + 64 <= n; i += 64) {
      const v128_t lo = pair_bytes(load(q + i), load(q + i + 16), m2, 2);        // codes 2j, 2j + 1 of the first 32
      const v128_t hi = pair_bytes(load(q + i + 32), load(q + i + 48), m2, 2);   // of the next 32
      store(out + i / 4, pair_bytes(lo, hi, m4, 4));
    }
  }
  pack_scalar(q + i, n - i, bits, out + i * static_cast<size_t>(bits) / 8);
}

// The `bits`-bit field at shift `s` of every byte of v, sign-extended when is_signed.
inline v128_t field(v128_t v, uint32_t s, int bits, bool is_signed) {
  const v128_t up = wasm_i8x16_shl(v, 8 - s - static_cast<uint32_t>(bits));  // the field in the top bits
  const uint32_t down = 8 - static_cast<uint32_t>(bits);
  return is_signed ? wasm_i8x16_shr(up, down) : wasm_u8x16_shr(up, down);
}

inline v128_t interleave_lo8(v128_t a, v128_t b) { return wasm_i8x16_shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23); }
inline v128_t interleave_hi8(v128_t a, v128_t b) { return wasm_i8x16_shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31); }
inline v128_t interleave_lo16(v128_t a, v128_t b) { return wasm_i8x16_shuffle(a, b, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23); }
inline v128_t interleave_hi16(v128_t a, v128_t b) { return wasm_i8x16_shuffle(a, b, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31); }

void unpack(const uint8_t* packed, size_t n, int bits, bool is_signed, uint8_t* out) {
  size_t i = 0;
  if (bits == 4) {
    for (; i + 32 <= n; i += 32) {
      const v128_t v = load(packed + i / 2);
      const v128_t f0 = field(v, 0, 4, is_signed);
      const v128_t f1 = field(v, 4, 4, is_signed);
      store(out + i, interleave_lo8(f0, f1));
      store(out + i + 16, interleave_hi8(f0, f1));
    }
  } else {
    for (; i + 64 <= n; i += 64) {
      const v128_t v = load(packed + i / 4);
      const v128_t f01lo = interleave_lo8(field(v, 0, 2, is_signed), field(v, 2, 2, is_signed));
      const v128_t f01hi = interleave_hi8(field(v, 0, 2, is_signed), field(v, 2, 2, is_signed));
      const v128_t f23lo = interleave_lo8(field(v, 4, 2, is_signed), field(v, 6, 2, is_signed));
      const v128_t f23hi = interleave_hi8(field(v, 4, 2, is_signed), field(v, 6, 2, is_signed));
      store(out + i, interleave_lo16(f01lo, f23lo));
      store(out + i + 16, interleave_hi16(f01lo, f23lo));
      store(out + i + 32, interleave_lo16(f01hi, f23hi));
      store(out + i + 48, interleave_hi16(f01hi, f23hi));
    }
  }
  unpack_scalar(packed + i * static_cast<size_t>(bits) / 8, n - i, bits, is_signed, out + i);
}

}  // namespace
}  // namespace quantkit::simd128
