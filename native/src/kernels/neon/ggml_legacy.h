// NEON kernels of the legacy GGML formats (blocks of 32), bit-exact with common/ggml_legacy.h, one block at a time:
// the block's reductions across lanes (FMINV / FMAXV), its scale in scalar float as the portable code, its 32 codes in
// 8 vectors and packed as bytes. Dequantize: 16 codes per vector, widened, then `code * d (+ m)` as two roundings.
// Internal linkage only.
#pragma once

#include "../common/ggml_legacy.h"
#include "ggml_vec.h"

namespace quantkit::neon {
namespace {

// The 8 vectors of a block.
struct Block32 {
  float32x4_t v[8];
  explicit Block32(const float* x) {
    for (int k = 0; k < 8; k++) v[k] = vld1q_f32(x + 4 * k);
  }
};

// The block's min and max: exact values (no NaN in the input) except the sign of a zero, which FMIN / FMAX do not
// choose as C's strict comparisons do. Callers fix zeros up where the sign matters.
inline void block_min_max(const Block32& a, float* min, float* max) {
  float32x4_t lo = vminq_f32(a.v[0], a.v[1]), hi = vmaxq_f32(a.v[0], a.v[1]);
  for (int k = 2; k < 8; k += 2) {
    lo = vminq_f32(lo, vminq_f32(a.v[k], a.v[k + 1]));
    hi = vmaxq_f32(hi, vmaxq_f32(a.v[k], a.v[k + 1]));
  }
  *min = vminvq_f32(lo);
  *max = vmaxvq_f32(hi);
}

// The int32 lanes' low bytes (C's conversion to int8_t / uint8_t), elements 0-15 and 16-31.
struct CodeBytes {
  uint8x16_t lo, hi;
  explicit CodeBytes(const int32x4_t* c) : lo(low_bytes16(c[0], c[1], c[2], c[3])), hi(low_bytes16(c[4], c[5], c[6], c[7])) {}
};

// q4: qs[j] = (c[j] | c[j + 16] << 4) as uint8 (unmasked codes, as pack_nibbles).
inline void store_nibbles(const CodeBytes& c, uint8_t* qs) { vst1q_u8(qs, vorrq_u8(c.lo, vshlq_n_u8(c.hi, 4))); }

// q5: masked nibbles in qs, bit 4 of code j in bit j of the little-endian uint32 qh (pack_five_bits).
inline void store_five_bits(const CodeBytes& c, uint8_t* qh, uint8_t* qs) {
  const uint8x16_t nib = vdupq_n_u8(0x0f);
  vst1q_u8(qs, vorrq_u8(vandq_u8(c.lo, nib), vshlq_n_u8(vandq_u8(c.hi, nib), 4)));
  store_u32(qh, bit4_mask16(c.lo) | (bit4_mask16(c.hi) << 16));
}

// q4_0 (HalfLevels 8) / q5_0 (16). The scale's `max` is the first element of largest magnitude with its sign: the
// block's max when only it reaches the largest magnitude, its min when only that does, +0 for an all-zero block (so
// d = +0 / -8 = -0 even when the block holds -0); when both +a and -a are there, the portable scan decides.
template <int HalfLevels> inline void quantize_block_symmetric_neon(const float* x, uint8_t* y) {
  constexpr LegacyLayout kLayout = HalfLevels == 8 ? kQ4_0 : kQ5_0;
  const Block32 a(x);
  float lo, hi;
  block_min_max(a, &lo, &hi);
  const float amax = hi > -lo ? hi : -lo;
  float max = 0.0f;
  if (amax != 0.0f) max = hi == -lo ? legacy_signed_max(x) : (hi == amax ? hi : lo);
  const float d = max / -static_cast<float>(HalfLevels);
  const float32x4_t id = vdupq_n_f32(inverse_or_zero(d));
  store_fp16_neon(y, d);
  const float32x4_t offset = vdupq_n_f32(static_cast<float>(HalfLevels) + 0.5f);
  int32x4_t t[8];
  for (int k = 0; k < 8; k++) t[k] = trunc_to_int4(vaddq_f32(vmulq_f32(a.v[k], id), offset));
  CodeBytes c(t);  // MIN(cap, (int8_t)t), stored as uint8
  const int8x16_t cap = vdupq_n_s8(2 * HalfLevels - 1);
  c.lo = vreinterpretq_u8_s8(vminq_s8(vreinterpretq_s8_u8(c.lo), cap));
  c.hi = vreinterpretq_u8_s8(vminq_s8(vreinterpretq_s8_u8(c.hi), cap));
  if constexpr (HalfLevels == 8) store_nibbles(c, y + kLayout.qs);
  else store_five_bits(c, y + kLayout.qh, y + kLayout.qs);
}

// q4_1 (Levels 15) / q5_1 (31). min and max are exact from the vector reductions except for the sign of a zero
// (upstream keeps the first of -0 and +0): blocks whose min or max is zero take the portable fold.
template <int Levels> inline void quantize_block_affine_neon(const float* x, uint8_t* y) {
  constexpr LegacyLayout kLayout = Levels == 15 ? kQ4_1 : kQ5_1;
  const Block32 a(x);
  float min, max;
  block_min_max(a, &min, &max);
  if (min == 0.0f || max == 0.0f) legacy_min_max(x, &min, &max);
  const float d = (max - min) / static_cast<float>(Levels);
  const float32x4_t id = vdupq_n_f32(inverse_or_zero(d));
  store_fp16_neon(y, d);
  store_fp16_neon(y + 2, min);
  const float32x4_t vmin = vdupq_n_f32(min), half = vdupq_n_f32(0.5f);
  int32x4_t t[8];
  for (int k = 0; k < 8; k++) t[k] = trunc_to_int4(vaddq_f32(vmulq_f32(vsubq_f32(a.v[k], vmin), id), half));
  CodeBytes c(t);
  if constexpr (Levels == 15) {  // MIN(15, (int8_t)t); q5_1 keeps the low byte as it is
    c.lo = vreinterpretq_u8_s8(vminq_s8(vreinterpretq_s8_u8(c.lo), vdupq_n_s8(15)));
    c.hi = vreinterpretq_u8_s8(vminq_s8(vreinterpretq_s8_u8(c.hi), vdupq_n_s8(15)));
    store_nibbles(c, y + kLayout.qs);
  } else {
    store_five_bits(c, y + kLayout.qh, y + kLayout.qs);
  }
}

// q8_0 / q8_1: d = max |x| / 127 (order-free: no NaN, every |x| >= +0), codes roundf(x * id), q8_1's
// s = fp16(sum * d).
template <LegacyLayout Layout> inline void quantize_block_q8_neon(const float* x, uint8_t* y) {
  const Block32 a(x);
  float32x4_t m = vabsq_f32(a.v[0]);
  for (int k = 1; k < 8; k++) m = vmaxq_f32(m, vabsq_f32(a.v[k]));
  const float d = vmaxvq_f32(m) / 127.0f;
  const float32x4_t id = vdupq_n_f32(inverse_or_zero(d));
  store_fp16_neon(y, d);
  int32x4_t t[8];
  for (int k = 0; k < 8; k++) t[k] = roundf_to_int4(vmulq_f32(a.v[k], id));
  const CodeBytes c(t);
  vst1q_u8(y + Layout.qs, c.lo);
  vst1q_u8(y + Layout.qs + 16, c.hi);
  if constexpr (Layout.qs == kQ8_1.qs) {
    const int32_t sum = vaddlvq_s8(vreinterpretq_s8_u8(c.lo)) + vaddlvq_s8(vreinterpretq_s8_u8(c.hi));
    store_fp16_neon(y + 2, static_cast<float>(sum) * d);
  }
}

// ---- dequantize ----------------------------------------------------------------------------------------------------

// 8 codes (int16) -> out[0, 8): float(code) * d, then + m for the affine formats (two roundings, no fusion).
template <bool HasMin> inline void scale_store8(int16x8_t c, float32x4_t d, float32x4_t m, float* out) {
  float32x4_t a = vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(c))), d);
  float32x4_t b = vmulq_f32(vcvtq_f32_s32(vmovl_high_s16(c)), d);
  if constexpr (HasMin) {
    a = vaddq_f32(a, m);
    b = vaddq_f32(b, m);
  }
  vst1q_f32(out, a);
  vst1q_f32(out + 4, b);
}

// dequantize_block_q4_q5<HasMin, FifthBits>: low nibbles are elements 0-15, high nibbles 16-31, the fifth bit of
// element e is bit e of qh.
template <bool HasMin, bool FifthBits> inline void dequantize_block_q4_q5_neon(const uint8_t* y, float* out) {
  constexpr LegacyLayout kLayout = HasMin ? (FifthBits ? kQ5_1 : kQ4_1) : (FifthBits ? kQ5_0 : kQ4_0);
  const float32x4_t d = vdupq_n_f32(fp32_of(y));
  const float32x4_t m = vdupq_n_f32(HasMin ? fp32_of(y + 2) : 0.0f);
  const int16x8_t offset = vdupq_n_s16(HasMin ? 0 : (FifthBits ? 16 : 8));
  const uint8x16_t qs = vld1q_u8(y + kLayout.qs);
  uint8x16_t lo = vandq_u8(qs, vdupq_n_u8(0x0f));
  uint8x16_t hi = vshrq_n_u8(qs, 4);
  if constexpr (FifthBits) {
    const uint32_t qh = load_u32(y + kLayout.qh);
    lo = vorrq_u8(lo, vandq_u8(bits_to_bytes16(qh), vdupq_n_u8(0x10)));
    hi = vorrq_u8(hi, vandq_u8(bits_to_bytes16(qh >> 16), vdupq_n_u8(0x10)));
  }
  scale_store8<HasMin>(vsubq_s16(vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(lo))), offset), d, m, out);
  scale_store8<HasMin>(vsubq_s16(vreinterpretq_s16_u16(vmovl_high_u8(lo)), offset), d, m, out + 8);
  scale_store8<HasMin>(vsubq_s16(vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(hi))), offset), d, m, out + 16);
  scale_store8<HasMin>(vsubq_s16(vreinterpretq_s16_u16(vmovl_high_u8(hi)), offset), d, m, out + 24);
}

// dequantize_block_q8<Layout>: qs[j] * d.
template <LegacyLayout Layout> inline void dequantize_block_q8_neon(const uint8_t* y, float* out) {
  const float32x4_t d = vdupq_n_f32(fp32_of(y));
  const float32x4_t unused = vdupq_n_f32(0.0f);
  for (int h = 0; h < 2; h++) {
    const int8x16_t q = vld1q_s8(reinterpret_cast<const int8_t*>(y + Layout.qs + 16 * h));
    scale_store8<false>(vmovl_s8(vget_low_s8(q)), d, unused, out + 16 * h);
    scale_store8<false>(vmovl_high_s8(q), d, unused, out + 16 * h + 8);
  }
}

}  // namespace
}  // namespace quantkit::neon
