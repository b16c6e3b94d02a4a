// NEON building blocks of the GGML kernels (kernels/neon/ggml*.h): each is the 4-lane form of an element function of
// common/ggml.h with the same result bit for bit, plus the byte shuffles (codes to bytes, bit masks) that have no
// scalar counterpart. Internal linkage only (see common/element.h).
#pragma once

#include "vec.h"  // first: keeps this header out of any file but kernels/neon/table.cc

#include "../common/ggml.h"

namespace quantkit::neon {
namespace {

// C's comparisons: false when either side is NaN, except !=, which is true then.
inline uint32x4_t ne4(float32x4_t a, float32x4_t b) { return vmvnq_u32(vceqq_f32(a, b)); }

// `d ? 1.0f/d : 0.0f` (the 1/0 lanes are dropped by the mask).
inline float32x4_t inverse_or_zero4(float32x4_t d) {
  const uint32x4_t nonzero = ne4(d, vdupq_n_f32(0.0f));
  return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(vdivq_f32(vdupq_n_f32(1.0f), d)), nonzero));
}

// ggml_nearest_int of 4 floats: the same bit arithmetic, so the same result beyond 2^22 too.
inline int32x4_t nearest_int4(float32x4_t v) {
  const uint32x4_t bits = vreinterpretq_u32_f32(vaddq_f32(v, vdupq_n_f32(12582912.0f)));
  return vsubq_s32(vreinterpretq_s32_u32(vandq_u32(bits, vdupq_n_u32(0x007fffffu))), vdupq_n_s32(0x00400000));
}

inline int32x4_t clamp4(int32x4_t v, int32_t lo, int32_t hi) { return vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi)); }

// The x86-64 conversions the portable code emulates give INT32_MIN for NaN and out of range; AArch64's FCVTZS /
// FCVTAS saturate (NaN to 0, above the range to INT32_MAX) and are exact inside it. Lanes not below 2^31 (NaN too)
// take INT32_MIN; below -2^31 saturation already gives it.
inline int32x4_t x86_out_of_range(float32x4_t v, int32x4_t converted) {
  return vbslq_s32(vcltq_f32(v, vdupq_n_f32(2147483648.0f)), converted, vdupq_n_s32(INT32_MIN));
}
// ggml_trunc_to_int of 4 floats (toward zero).
inline int32x4_t trunc_to_int4(float32x4_t v) { return x86_out_of_range(v, vcvtq_s32_f32(v)); }
// ggml_roundf_to_int of 4 floats: FCVTAS rounds to nearest with ties away from zero, roundf's rounding.
inline int32x4_t roundf_to_int4(float32x4_t v) { return x86_out_of_range(v, vcvtaq_s32_f32(v)); }

// float16 of 4 floats and of one: FCVTN rounds to nearest even under Linux's FPCR, as ggml_fp16 (IEEE on every
// non-NaN); float16 to float exact (FCVTL).
inline uint16x4_t fp16_of4(float32x4_t v) { return vreinterpret_u16_f16(vcvt_f16_f32(v)); }
inline uint16_t fp16_of(float v) { return vget_lane_u16(fp16_of4(vdupq_n_f32(v)), 0); }
inline float fp32_of(const uint8_t* p) { return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(load_u16(p)))), 0); }
inline void store_fp16_neon(uint8_t* p, float v) { store_u16(p, fp16_of(v)); }

// The low byte of each int32 lane of a, b, c, d (16 bytes, in that order): C's conversion to (u)int8_t.
inline uint8x16_t low_bytes16(int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
  const uint16x8_t ab = vuzp1q_u16(vreinterpretq_u16_s32(a), vreinterpretq_u16_s32(b));
  const uint16x8_t cd = vuzp1q_u16(vreinterpretq_u16_s32(c), vreinterpretq_u16_s32(d));
  return vuzp1q_u8(vreinterpretq_u8_u16(ab), vreinterpretq_u8_u16(cd));
}

// Bit 4 of each byte of 16 codes as 16 bits (byte 0 lowest): the fifth bits of q5_0 / q5_1.
inline uint32_t bit4_mask16(uint8x16_t codes) {
  static constexpr uint8_t kWeights[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
  const uint8x16_t bits = vandq_u8(vtstq_u8(codes, vdupq_n_u8(0x10)), vld1q_u8(kWeights));
  return static_cast<uint32_t>(vaddv_u8(vget_low_u8(bits))) | (static_cast<uint32_t>(vaddv_u8(vget_high_u8(bits))) << 8);
}

// Bits 0..15 of `bits` spread to 16 bytes: byte e is 0xff when bit e is set (the inverse of bit4_mask16's gather).
inline uint8x16_t bits_to_bytes16(uint32_t bits) {
  static constexpr uint8_t kWeights[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
  const uint8x8_t lo = vdup_n_u8(static_cast<uint8_t>(bits)), hi = vdup_n_u8(static_cast<uint8_t>(bits >> 8));
  return vtstq_u8(vcombine_u8(lo, hi), vld1q_u8(kWeights));
}

// 16 int16 values (lo: elements 0-7, hi: 8-15) as 4 vectors of 4 floats, exactly.
inline void s16x16_to_floats(int16x8_t lo, int16x8_t hi, float32x4_t* out) {
  out[0] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(lo)));
  out[1] = vcvtq_f32_s32(vmovl_high_s16(lo));
  out[2] = vcvtq_f32_s32(vmovl_s16(vget_low_s16(hi)));
  out[3] = vcvtq_f32_s32(vmovl_high_s16(hi));
}
// The 16 bytes of v as 4 vectors of 4 floats (unsigned or signed bytes).
inline void u8x16_to_floats(uint8x16_t v, float32x4_t* out) {
  s16x16_to_floats(vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(v))), vreinterpretq_s16_u16(vmovl_high_u8(v)), out);
}
inline void s8x16_to_floats(int8x16_t v, float32x4_t* out) { s16x16_to_floats(vmovl_s8(vget_low_s8(v)), vmovl_high_s8(v), out); }

}  // namespace
}  // namespace quantkit::neon
