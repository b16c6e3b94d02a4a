// The legacy GGML formats (blocks of 32), ISA-neutral: one block's quantize and dequantize, and the portable loops
// over blocks (the scalar set, and the tails of vector sets).
//   quantize_block_<fmt>    mirrors quantize_row_<fmt>_ref of ggml-quants.c @ d99724f, one block
//   dequantize_block_<fmt>  mirrors dequantize_row_<fmt>; q8_1 has none upstream: qs[j] * d, as its fields mean
// Internal linkage only (see element.h).
#pragma once

#include "ggml.h"

namespace quantkit {
namespace {

constexpr int kQK = 32;

// Byte offsets of the fields in a block (ggml-common.h).
struct LegacyLayout {
  int bytes;
  int qh;  // the uint32 of fifth bits (q5), or -1
  int qs;  // the codes
};
constexpr LegacyLayout kQ4_0{18, -1, 2};
constexpr LegacyLayout kQ4_1{20, -1, 4};  // m at 2
constexpr LegacyLayout kQ5_0{22, 2, 6};
constexpr LegacyLayout kQ5_1{24, 4, 8};  // m at 2
constexpr LegacyLayout kQ8_0{34, -1, 2};
constexpr LegacyLayout kQ8_1{36, -1, 4};  // s at 2

// The symmetric scale of q4_0 / q5_0: `max` is the first element of largest magnitude, with its sign (strict `<`:
// the first of +a and -a wins, and an all-zero block keeps max = +0, so d = +0 / -8 = -0).
inline float legacy_signed_max(const float* x) {
  float amax = 0.0f;
  float max = 0.0f;
  for (int j = 0; j < kQK; j++) {
    const float v = x[j];
    if (amax < abs_value(v)) {
      amax = abs_value(v);
      max = v;
    }
  }
  return max;
}

// min and max of q4_1 / q5_1 as upstream folds them (strict comparisons: the first of -0 and +0 is kept).
inline void legacy_min_max(const float* x, float* min_out, float* max_out) {
  float min = FLT_MAX;
  float max = -FLT_MAX;
  for (int j = 0; j < kQK; j++) {
    const float v = x[j];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  *min_out = min;
  *max_out = max;
}

// `d ? 1.0f/d : 0.0f`: C's truthiness of a float, true for NaN.
inline float inverse_or_zero(float d) { return d != 0.0f ? 1.0f / d : 0.0f; }

// The codes below are the uint8_t values upstream stores (0..255).
// qs[j] = xi0 | xi1 << 4 as uint8 (q4_0, q4_1: the codes are not masked, as upstream).
inline void pack_nibbles(const int32_t* codes, uint8_t* qs) {
  for (int j = 0; j < kQK / 2; j++) qs[j] = static_cast<uint8_t>(codes[j] | (codes[j + kQK / 2] << 4));
}

// Low nibbles as pack_nibbles (masked), the fifth bits into the little-endian uint32 qh (q5_0, q5_1).
inline void pack_five_bits(const int32_t* codes, uint8_t* qh, uint8_t* qs) {
  uint32_t h = 0;
  for (int j = 0; j < kQK / 2; j++) {
    const uint32_t xi0 = static_cast<uint32_t>(codes[j]);
    const uint32_t xi1 = static_cast<uint32_t>(codes[j + kQK / 2]);
    qs[j] = static_cast<uint8_t>((xi0 & 0x0f) | ((xi1 & 0x0f) << 4));
    h |= ((xi0 & 0x10u) >> 4) << j;
    h |= ((xi1 & 0x10u) >> 4) << (j + kQK / 2);
  }
  store_u32(qh, h);
}

// q4_0 / q5_0: d = max / -half_levels; codes MIN(cap, (int8_t)(x * id + half_levels + 0.5f)).
template <int HalfLevels> inline void quantize_block_symmetric(const float* x, uint8_t* y, int32_t* codes) {
  constexpr float kDivisor = -static_cast<float>(HalfLevels);
  constexpr float kOffset = static_cast<float>(HalfLevels) + 0.5f;  // 8.5f, 16.5f
  constexpr int32_t kCap = 2 * HalfLevels - 1;
  const float d = legacy_signed_max(x) / kDivisor;
  const float id = inverse_or_zero(d);
  store_fp16(y, d);
  for (int j = 0; j < kQK; j++) {
    // (int8_t)(x0 + 8.5f): truncation toward zero, not rounding (x0 + 8.5 >= 0 in every ordinary block).
    const int32_t c = ggml_int8(ggml_trunc_to_int(x[j] * id + kOffset));
    codes[j] = static_cast<uint8_t>(c < kCap ? c : kCap);  // MIN(cap, c) stored in a uint8_t
  }
}

// q4_1 / q5_1: d = (max - min) / levels, m = min; codes (x - min) * id + 0.5f truncated (q4_1: MIN(15, (int8_t)..),
// q5_1: (uint8_t)(..), without the MIN).
template <int Levels> inline void quantize_block_affine(const float* x, uint8_t* y, int32_t* codes) {
  float min, max;
  legacy_min_max(x, &min, &max);
  const float d = (max - min) / static_cast<float>(Levels);
  const float id = inverse_or_zero(d);
  store_fp16(y, d);
  store_fp16(y + 2, min);
  for (int j = 0; j < kQK; j++) {
    const int32_t t = ggml_trunc_to_int((x[j] - min) * id + 0.5f);
    if constexpr (Levels == 15) {
      const int32_t c = ggml_int8(t);
      codes[j] = static_cast<uint8_t>(c < 15 ? c : 15);
    } else {
      codes[j] = t & 0xff;
    }
  }
}

inline void quantize_block_q4_0(const float* x, uint8_t* y) {
  int32_t codes[kQK];
  quantize_block_symmetric<8>(x, y, codes);
  pack_nibbles(codes, y + kQ4_0.qs);
}

inline void quantize_block_q4_1(const float* x, uint8_t* y) {
  int32_t codes[kQK];
  quantize_block_affine<15>(x, y, codes);
  pack_nibbles(codes, y + kQ4_1.qs);
}

inline void quantize_block_q5_0(const float* x, uint8_t* y) {
  int32_t codes[kQK];
  quantize_block_symmetric<16>(x, y, codes);
  pack_five_bits(codes, y + kQ5_0.qh, y + kQ5_0.qs);
}

inline void quantize_block_q5_1(const float* x, uint8_t* y) {
  int32_t codes[kQK];
  quantize_block_affine<31>(x, y, codes);
  pack_five_bits(codes, y + kQ5_1.qh, y + kQ5_1.qs);
}

// q8_0 / q8_1 codes at qs: amax = MAX(amax, fabsf(v)), d = amax / 127, codes roundf(x * id) (half away from zero).
// Returns d; *sum gets the sum of the int8 codes (q8_1's s).
inline float quantize_block_q8(const float* x, uint8_t* y, uint8_t* qs, int32_t* sum) {
  float amax = 0.0f;
  for (int j = 0; j < kQK; j++) {
    const float a = abs_value(x[j]);
    amax = amax > a ? amax : a;
  }
  const float d = amax / 127.0f;
  const float id = inverse_or_zero(d);
  store_fp16(y, d);
  int32_t s = 0;
  for (int j = 0; j < kQK; j++) {
    const int32_t q = ggml_int8(ggml_roundf_to_int(x[j] * id));
    qs[j] = static_cast<uint8_t>(q);
    s += q;
  }
  *sum = s;
  return d;
}

inline void quantize_block_q8_0(const float* x, uint8_t* y) {
  int32_t sum;
  quantize_block_q8(x, y, y + kQ8_0.qs, &sum);
}

// q8_1: q8_0's codes, then s = fp16(sum * d) (int sum converted to float, one multiply).
inline void quantize_block_q8_1(const float* x, uint8_t* y) {
  int32_t sum;
  const float d = quantize_block_q8(x, y, y + kQ8_1.qs, &sum);
  store_fp16(y + 2, static_cast<float>(sum) * d);
}

// dequantize_row_q4_0 / q4_1 / q5_0 / q5_1 of one block: codes from the nibbles (and the fifth bits), x * d for the
// symmetric formats (codes offset by 8 or 16), x * d + m for the affine ones (two roundings).
template <bool HasMin, bool FifthBits> inline void dequantize_block_q4_q5(const uint8_t* y, float* out) {
  constexpr LegacyLayout kLayout = HasMin ? (FifthBits ? kQ5_1 : kQ4_1) : (FifthBits ? kQ5_0 : kQ4_0);
  constexpr int32_t kOffset = HasMin ? 0 : (FifthBits ? 16 : 8);
  const float d = load_fp16(y);
  const float m = HasMin ? load_fp16(y + 2) : 0.0f;
  const uint32_t qh = FifthBits ? load_u32(y + kLayout.qh) : 0;
  const uint8_t* qs = y + kLayout.qs;
  for (int j = 0; j < kQK / 2; j++) {
    const int32_t x0 = static_cast<int32_t>((qs[j] & 0x0f) | (((qh >> j) << 4) & 0x10)) - kOffset;
    const int32_t x1 = static_cast<int32_t>((qs[j] >> 4) | ((qh >> (j + 12)) & 0x10)) - kOffset;
    if constexpr (HasMin) {
      out[j] = static_cast<float>(x0) * d + m;
      out[j + kQK / 2] = static_cast<float>(x1) * d + m;
    } else {
      out[j] = static_cast<float>(x0) * d;
      out[j + kQK / 2] = static_cast<float>(x1) * d;
    }
  }
}

// dequantize_row_q8_0, and q8_1 by its fields: qs[j] * d.
template <LegacyLayout Layout> inline void dequantize_block_q8(const uint8_t* y, float* out) {
  const float d = load_fp16(y);
  for (int j = 0; j < kQK; j++) out[j] = static_cast<float>(ggml_int8(y[Layout.qs + j])) * d;
}

// ---- the portable loops over nb blocks ------------------------------------------------------------------------------

template <void (*Block)(const float*, uint8_t*), int Bytes> inline void quantize_blocks_loop(const float* x, size_t nb, uint8_t* y) {
  for (size_t i = 0; i < nb; i++) Block(x + i * kQK, y + i * Bytes);
}

template <void (*Block)(const uint8_t*, float*), int Bytes> inline void dequantize_blocks_loop(const uint8_t* y, size_t nb, float* out) {
  for (size_t i = 0; i < nb; i++) Block(y + i * Bytes, out + i * kQK);
}

}  // namespace
}  // namespace quantkit
