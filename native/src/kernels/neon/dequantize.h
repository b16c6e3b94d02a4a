// NEON dequantize kernels: codes widened to int32 lanes, q - zp in int32 (exact), then the products of
// common/dequantize.h: a float32 multiply when the scale is a float (the exact double product rounded once, see there),
// otherwise the float64 product rounded once to float32 (FCVTN, to nearest even); float64 outputs take the float64
// product. 8 codes per step, the tail through the portable loops. Half outputs: see dequantize_half below.
#pragma once

#include "../common/dequantize.h"
#include "../common/half.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

// 8 codes at q as two int32x4 (elements 0-3, 4-7).
inline void load_codes8(const int8_t* q, int32x4_t* a, int32x4_t* b) {
  const int16x8_t w = vmovl_s8(vld1_s8(q));
  *a = vmovl_s16(vget_low_s16(w));
  *b = vmovl_high_s16(w);
}
inline void load_codes8(const uint8_t* q, int32x4_t* a, int32x4_t* b) {
  const uint16x8_t w = vmovl_u8(vld1_u8(q));
  *a = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(w)));
  *b = vreinterpretq_s32_u32(vmovl_high_u16(w));
}
inline void load_codes8(const int16_t* q, int32x4_t* a, int32x4_t* b) {
  const int16x8_t w = vld1q_s16(q);
  *a = vmovl_s16(vget_low_s16(w));
  *b = vmovl_high_s16(w);
}
inline void load_codes8(const uint16_t* q, int32x4_t* a, int32x4_t* b) {
  const uint16x8_t w = vld1q_u16(q);
  *a = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(w)));
  *b = vreinterpretq_s32_u32(vmovl_high_u16(w));
}

// (double)(q - zp) * scale for the 4 offsets d: lanes 0-1 into *lo, 2-3 into *hi.
inline void products4(int32x4_t d, float64x2_t scale, float64x2_t* lo, float64x2_t* hi) {
  *lo = vmulq_f64(vcvtq_f64_s64(vmovl_s32(vget_low_s32(d))), scale);
  *hi = vmulq_f64(vcvtq_f64_s64(vmovl_high_s32(d)), scale);
}

// The float64 products of the 8 codes at q, two per p[k].
template <typename Q> inline void products8(const Q* q, int32x4_t z, float64x2_t scale, float64x2_t* p) {
  int32x4_t a, b;
  load_codes8(q, &a, &b);
  products4(vsubq_s32(a, z), scale, &p[0], &p[1]);
  products4(vsubq_s32(b, z), scale, &p[2], &p[3]);
}

template <typename Q> void dequantize_codes(const Q* q, size_t n, double scale, int32_t zp, float* out) {
  const int32x4_t z = vdupq_n_s32(zp);
  size_t i = 0;
  if (scale_is_float(scale)) {
    const float s = static_cast<float>(scale);
    const float32x4_t sv = vdupq_n_f32(s);
    for (; i + 8 <= n; i += 8) {
      int32x4_t a, b;
      load_codes8(q + i, &a, &b);
      vst1q_f32(out + i, vmulq_f32(vcvtq_f32_s32(vsubq_s32(a, z)), sv));
      vst1q_f32(out + i + 4, vmulq_f32(vcvtq_f32_s32(vsubq_s32(b, z)), sv));
    }
    dequantize_loop_fast(q + i, n - i, s, zp, out + i);
    return;
  }
  const float64x2_t sv = vdupq_n_f64(scale);
  for (; i + 8 <= n; i += 8) {
    float64x2_t p[4];
    products8(q + i, z, sv, p);
    vst1q_f32(out + i, vcvt_high_f32_f64(vcvt_f32_f64(p[0]), p[1]));
    vst1q_f32(out + i + 4, vcvt_high_f32_f64(vcvt_f32_f64(p[2]), p[3]));
  }
  dequantize_loop(q + i, n - i, scale, zp, out + i);
}

template <typename Q> void dequantize_codes(const Q* q, size_t n, double scale, int32_t zp, double* out) {
  const int32x4_t z = vdupq_n_s32(zp);
  const float64x2_t sv = vdupq_n_f64(scale);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    float64x2_t p[4];
    products8(q + i, z, sv, p);
    for (size_t k = 0; k < 4; k++) vst1q_f64(out + i + 2 * k, p[k]);
  }
  dequantize_loop(q + i, n - i, scale, zp, out + i);
}

template <typename F> void dequantize(const void* q, IntType q_type, size_t n, double scale, int32_t zp, F* out) {
  switch (q_type) {
    case IntType::I8: dequantize_codes(static_cast<const int8_t*>(q), n, scale, zp, out); return;
    case IntType::U8: dequantize_codes(static_cast<const uint8_t*>(q), n, scale, zp, out); return;
    case IntType::I16: dequantize_codes(static_cast<const int16_t*>(q), n, scale, zp, out); return;
    case IntType::U16: dequantize_codes(static_cast<const uint16_t*>(q), n, scale, zp, out); return;
  }
}

/*
 * Half outputs. When half_products_exact_in_float (common/half.h) holds, every product (double)(q - zp) * scale is a
 * float32 value (or beyond FLT_MAX, where float and half alike give Inf), so the float32 multiply gives it exactly and
 * one rounding to the half type is left: FCVTN to float16 (to nearest even, subnormals and Inf as IEEE says, with the
 * FPCR every Linux process gets), or for bfloat16 the integer round to nearest even of the high half (bits + 0x7fff +
 * the kept lowest bit, no NaN possible here). Otherwise, and for the tail, the portable loop (half_from_double).
 */
template <HalfType H> inline uint16x4_t narrow_half4(float32x4_t v) {
  if constexpr (H == HalfType::F16) {
    return vreinterpret_u16_f16(vcvt_f16_f32(v));
  } else {
    const uint32x4_t u = vreinterpretq_u32_f32(v);
    const uint32x4_t lsb = vandq_u32(vshrq_n_u32(u, 16), vdupq_n_u32(1));
    return vshrn_n_u32(vaddq_u32(u, vaddq_u32(vdupq_n_u32(0x7fff), lsb)), 16);
  }
}

template <HalfType H, typename Q> void dequantize_half_codes(const Q* q, size_t n, double scale, int32_t zp, bool exact_in_float, uint16_t* out) {
  size_t i = 0;
  if (exact_in_float) {
    const int32x4_t z = vdupq_n_s32(zp);
    const float32x4_t sv = vdupq_n_f32(static_cast<float>(scale));
    for (; i + 8 <= n; i += 8) {
      int32x4_t a, b;
      load_codes8(q + i, &a, &b);
      vst1_u16(out + i, narrow_half4<H>(vmulq_f32(vcvtq_f32_s32(vsubq_s32(a, z)), sv)));
      vst1_u16(out + i + 4, narrow_half4<H>(vmulq_f32(vcvtq_f32_s32(vsubq_s32(b, z)), sv)));
    }
  }
  dequantize_half_loop<H>(q + i, n - i, scale, zp, out + i);
}

template <HalfType H> void dequantize_half_typed(const void* q, IntType q_type, size_t n, double scale, int32_t zp, uint16_t* out) {
  const bool exact = half_products_exact_in_float(scale, q_type, zp);
  switch (q_type) {
    case IntType::I8: dequantize_half_codes<H>(static_cast<const int8_t*>(q), n, scale, zp, exact, out); return;
    case IntType::U8: dequantize_half_codes<H>(static_cast<const uint8_t*>(q), n, scale, zp, exact, out); return;
    case IntType::I16: dequantize_half_codes<H>(static_cast<const int16_t*>(q), n, scale, zp, exact, out); return;
    case IntType::U16: dequantize_half_codes<H>(static_cast<const uint16_t*>(q), n, scale, zp, exact, out); return;
  }
}

void dequantize_half(const void* q, IntType q_type, size_t n, double scale, int32_t zp, HalfType t, uint16_t* out) {
  if (t == HalfType::F16) dequantize_half_typed<HalfType::F16>(q, q_type, n, scale, zp, out);
  else dequantize_half_typed<HalfType::BF16>(q, q_type, n, scale, zp, out);
}

}  // namespace
}  // namespace quantkit::neon
