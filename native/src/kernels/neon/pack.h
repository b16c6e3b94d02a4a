// NEON packing of 2- and 4-bit codes (ONNX order: element 0 in the lowest bits): the structure loads and stores
// (LD2/LD4, ST2/ST4) de-interleave the codes of 16 bytes at a time, so each field is one shift and one OR. The tail
// through the portable loops of common/pack.h.
#pragma once

#include "../common/pack.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

void pack(const uint8_t* q, size_t n, int bits, uint8_t* out) {
  size_t i = 0, b = 0;
  if (bits == 4) {
    const uint8x16_t mask = vdupq_n_u8(0x0f);
    for (; i + 32 <= n; i += 32, b += 16) {
      const uint8x16x2_t v = vld2q_u8(q + i);  // val[0]: elements 0, 2, 4, ...; val[1]: 1, 3, 5, ...
      vst1q_u8(out + b, vorrq_u8(vandq_u8(v.val[0], mask), vshlq_n_u8(v.val[1], 4)));
    }
  } else {
    const uint8x16_t mask = vdupq_n_u8(0x03);
    for (; i + 64 <= n; i += 64, b += 16) {
      const uint8x16x4_t v = vld4q_u8(q + i);  // val[k]: elements k, k + 4, k + 8, ...
      const uint8x16_t lo = vorrq_u8(vandq_u8(v.val[0], mask), vshlq_n_u8(vandq_u8(v.val[1], mask), 2));
      const uint8x16_t hi = vorrq_u8(vshlq_n_u8(vandq_u8(v.val[2], mask), 4), vshlq_n_u8(v.val[3], 6));
      vst1q_u8(out + b, vorrq_u8(lo, hi));
    }
  }
  pack_scalar(q + i, n - i, bits, out + b);
}

// Field k of each byte at bit k * bits: unsigned by a logical shift and a mask; signed by moving the field to the top
// of the byte and shifting it back arithmetically (the sign extension of unpack_scalar).
template <int Bits, int K, bool Signed> inline uint8x16_t field(uint8x16_t b) {
  constexpr int top = 8 - Bits * (K + 1);  // the left shift that puts the field's highest bit at bit 7
  if constexpr (Signed) {
    int8x16_t up = vreinterpretq_s8_u8(b);
    if constexpr (top > 0) up = vreinterpretq_s8_u8(vshlq_n_u8(b, top));
    return vreinterpretq_u8_s8(vshrq_n_s8(up, 8 - Bits));
  } else {
    uint8x16_t shifted = b;
    if constexpr (K > 0) shifted = vshrq_n_u8(b, Bits * K);
    return vandq_u8(shifted, vdupq_n_u8((1u << Bits) - 1u));
  }
}

template <bool Signed> void unpack_fields(const uint8_t* packed, size_t n, int bits, uint8_t* out, size_t* done) {
  size_t i = 0, b = 0;
  if (bits == 4) {
    for (; i + 32 <= n; i += 32, b += 16) {
      const uint8x16_t v = vld1q_u8(packed + b);
      vst2q_u8(out + i, uint8x16x2_t{{field<4, 0, Signed>(v), field<4, 1, Signed>(v)}});
    }
  } else {
    for (; i + 64 <= n; i += 64, b += 16) {
      const uint8x16_t v = vld1q_u8(packed + b);
      vst4q_u8(out + i, uint8x16x4_t{{field<2, 0, Signed>(v), field<2, 1, Signed>(v), field<2, 2, Signed>(v), field<2, 3, Signed>(v)}});
    }
  }
  *done = i;
}

void unpack(const uint8_t* packed, size_t n, int bits, bool is_signed, uint8_t* out) {
  size_t i = 0;
  if (is_signed) unpack_fields<true>(packed, n, bits, out, &i);
  else unpack_fields<false>(packed, n, bits, out, &i);
  const size_t byte = i * static_cast<size_t>(bits) / 8;  // i is a multiple of the codes per 16 bytes
  unpack_scalar(packed + byte, n - i, bits, is_signed, out + i);
}

}  // namespace
}  // namespace quantkit::neon
