// NEON asymmetric (float32 query vs code rows) and float32 scans (contract in common/embeddings.h): the 8 float64 score
// lanes of the contract in four registers (lanes 0-1, 2-3, 4-5, 6-7), 8 elements a step, so term i still goes to lane
// i % 8 in the scalar order; FMUL then FADD, never fused (-ffp-contract=off, no FMLA). Tails through the portable
// loops. Included by neon/embeddings.h.
#pragma once

#include "../common/embeddings.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

// code_position of 4 codes given as int32 (exact float sums, in the scalar order).
inline float32x4_t code_positions(int32x4_t code, EmbeddingCodes codes) {
  const float32x4_t c = vcvtq_f32_s32(code);
  if (codes == EmbeddingCodes::U8) return vaddq_f32(c, vdupq_n_f32(0.5f));
  if (codes == EmbeddingCodes::I8Floor) return vaddq_f32(c, vdupq_n_f32(128.5f));
  // (c + 128) + (c > 0 ? 0.5 : c < 0 ? -0.5 : 0)
  const float32x4_t signed_half = vbslq_f32(vcgtzq_f32(c), vdupq_n_f32(0.5f), vbslq_f32(vcltzq_f32(c), vdupq_n_f32(-0.5f), vdupq_n_f32(0.0f)));
  return vaddq_f32(vaddq_f32(c, vdupq_n_f32(128.0f)), signed_half);
}

// 8 code bytes widened exactly to two int32x4 (zero-extended for U8, sign-extended for the int8 kinds).
inline void widen_codes(const uint8_t* p, EmbeddingCodes codes, int32x4_t& lo, int32x4_t& hi) {
  const uint8x8_t bytes = vld1_u8(p);
  const int16x8_t w = codes == EmbeddingCodes::U8 ? vreinterpretq_s16_u16(vmovl_u8(bytes)) : vmovl_s8(vreinterpret_s8_u8(bytes));
  lo = vmovl_s16(vget_low_s16(w));
  hi = vmovl_high_s16(w);
}

// Adds the terms of 4 elements (q, v float32, widened exactly) to two float64 lanes pairs: elements 0-1 to a, 2-3 to b.
template <bool L2> inline void add_terms(float32x4_t q, float32x4_t v, float64x2_t& a, float64x2_t& b) {
  const float64x2_t q_lo = vcvt_f64_f32(vget_low_f32(q)), q_hi = vcvt_high_f64_f32(q);
  const float64x2_t v_lo = vcvt_f64_f32(vget_low_f32(v)), v_hi = vcvt_high_f64_f32(v);
  if (L2) {
    const float64x2_t d_lo = vsubq_f64(q_lo, v_lo), d_hi = vsubq_f64(q_hi, v_hi);
    a = vaddq_f64(a, vmulq_f64(d_lo, d_lo));
    b = vaddq_f64(b, vmulq_f64(d_hi, d_hi));
  } else {
    a = vaddq_f64(a, vmulq_f64(q_lo, v_lo));
    b = vaddq_f64(b, vmulq_f64(q_hi, v_hi));
  }
}

struct ScoreLanes {  // the contract's lanes 0..7
  float64x2_t l01 = vdupq_n_f64(0.0), l23 = vdupq_n_f64(0.0), l45 = vdupq_n_f64(0.0), l67 = vdupq_n_f64(0.0);
  void store(double* lanes) const {
    vst1q_f64(lanes, l01);
    vst1q_f64(lanes + 2, l23);
    vst1q_f64(lanes + 4, l45);
    vst1q_f64(lanes + 6, l67);
  }
};

// v = fl(start + fl(p * step)) of 4 elements.
inline float32x4_t code_values(int32x4_t code, EmbeddingCodes codes, const float* starts, const float* steps) {
  return vaddq_f32(vld1q_f32(starts), vmulq_f32(code_positions(code, codes), vld1q_f32(steps)));
}

// Each row: 8 elements a step into the lanes, the tail's terms through the portable loop, the lanes combined.
template <bool L2>
void asymmetric_scan(const float* query, const uint8_t* rows, size_t count, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* out) {
  for (size_t r = 0; r < count; r++) {
    const uint8_t* codes_row = rows + r * dim;
    ScoreLanes s;
    size_t i = 0;
    for (; i + 8 <= dim; i += 8) {
      int32x4_t lo, hi;
      widen_codes(codes_row + i, codes, lo, hi);
      add_terms<L2>(vld1q_f32(query + i), code_values(lo, codes, starts + i, steps + i), s.l01, s.l23);
      add_terms<L2>(vld1q_f32(query + i + 4), code_values(hi, codes, starts + i + 4, steps + i + 4), s.l45, s.l67);
    }
    double lanes[kScoreLanes];
    s.store(lanes);
    asymmetric_terms_from<L2>(query, codes_row, i, dim, starts, steps, codes, lanes);
    out[r] = combine_score_lanes(lanes);
  }
}

template <bool L2> void float_scan(const float* query, const float* rows, size_t count, size_t dim, double* out) {
  for (size_t r = 0; r < count; r++) {
    const float* row = rows + r * dim;
    ScoreLanes s;
    size_t i = 0;
    for (; i + 8 <= dim; i += 8) {
      add_terms<L2>(vld1q_f32(query + i), vld1q_f32(row + i), s.l01, s.l23);
      add_terms<L2>(vld1q_f32(query + i + 4), vld1q_f32(row + i + 4), s.l45, s.l67);
    }
    double lanes[kScoreLanes];
    s.store(lanes);
    float_terms_from<L2>(query, row, i, dim, lanes);
    out[r] = combine_score_lanes(lanes);
  }
}

constexpr auto dot_scan_asymmetric = asymmetric_scan<false>;
constexpr auto l2_scan_asymmetric = asymmetric_scan<true>;
constexpr auto dot_scan_f32 = float_scan<false>;
constexpr auto l2_scan_f32 = float_scan<true>;

}  // namespace
}  // namespace quantkit::neon
