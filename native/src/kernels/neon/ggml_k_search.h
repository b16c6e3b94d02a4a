// NEON sub-block fits of the K-quants: the searches of common/ggml_k_search.h on 4 * V sub-blocks at once, one
// sub-block per lane (the AVX2 set's scheme, avx2/ggml_k_search.h, on 4 lanes). Each lane performs exactly its
// sub-block's scalar operations in the scalar order (the sums still run element by element, no fused multiply-add);
// only the control flow becomes masks: a lane's `if (better) keep` is a select, and a sub-block whose C search
// returns early (all zero, max == min) computes along with the others and has its results replaced at the end.
// Internal linkage only.
//
// Lane layout: lane j of vector v holds sub-block 4v + j of the 4 * V consecutive sub-blocks of N elements at x;
// X.v[i][v] is element i of those sub-blocks (load_lanes transposes them in).
// This file: the lanes and make_qkx2_quants (q2_K, q4_K, q5_K); ggml_k_search_q36.h: make_qx_quants and make_q3_quants.
#pragma once

#include "../common/ggml_k_search.h"
#include "ggml_vec.h"

namespace quantkit::neon {
namespace {

template <int N, int V> struct SubBlockLanes {
  float32x4_t v[N][V];
};

template <int N, int V> inline void load_lanes(const float* x, SubBlockLanes<N, V>& out) {
  for (int g = 0; g < V; g++) {
    for (int c = 0; c < N / 4; c++) {
      float32x4_t r[4];
      for (int j = 0; j < 4; j++) r[j] = vld1q_f32(x + (4 * g + j) * N + 4 * c);
      const float64x2_t t0 = vreinterpretq_f64_f32(vtrn1q_f32(r[0], r[1])), t1 = vreinterpretq_f64_f32(vtrn2q_f32(r[0], r[1]));
      const float64x2_t t2 = vreinterpretq_f64_f32(vtrn1q_f32(r[2], r[3])), t3 = vreinterpretq_f64_f32(vtrn2q_f32(r[2], r[3]));
      out.v[4 * c + 0][g] = vreinterpretq_f32_f64(vtrn1q_f64(t0, t2));
      out.v[4 * c + 1][g] = vreinterpretq_f32_f64(vtrn1q_f64(t1, t3));
      out.v[4 * c + 2][g] = vreinterpretq_f32_f64(vtrn2q_f64(t0, t2));
      out.v[4 * c + 3][g] = vreinterpretq_f32_f64(vtrn2q_f64(t1, t3));
    }
  }
}

inline float lane_of(float32x4_t v, int j) {
  float a[4];
  vst1q_f32(a, v);
  return a[j];
}
inline bool mask_lane(uint32x4_t mask, int j) {
  uint32_t a[4];
  vst1q_u32(a, mask);
  return a[j] != 0;
}
inline bool any_lane(uint32x4_t mask) { return vmaxvq_u32(mask) != 0; }

// mask ? a : b, lane by lane; zeroed where the mask is clear.
inline float32x4_t sel4(uint32x4_t mask, float32x4_t a, float32x4_t b) { return vbslq_f32(mask, a, b); }
inline float32x4_t and4(float32x4_t v, uint32x4_t mask) { return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(v), mask)); }

// clamp(nearest_int(t), lo, hi) as a float, the codes' value in the sums.
inline float32x4_t code4(float32x4_t t, int32_t lo, int32_t hi) { return vcvtq_f32_s32(clamp4(nearest_int4(t), lo, hi)); }

// code4 for |t| < 2^21, which callers prove or check (the AVX2 set's SmallCodes): t + 1.5 * 2^23 is then the integer
// nearest_int rounds t to, plus 1.5 * 2^23, in [2^23, 2^24) where floats are the integers; clamped there and shifted
// back it is code4's value, in 4 instructions instead of 6. A caller that proves t >= lo - 0.5 (ClampLo false) or
// t < hi + 0.5 (ClampHi false) drops that clamp: it could not change the code.
template <bool ClampLo = true, bool ClampHi = true> struct SmallCodes {
  float32x4_t magic, lo, hi;
  SmallCodes(int32_t l, int32_t h)
      : magic(vdupq_n_f32(12582912.0f)),
        lo(vdupq_n_f32(12582912.0f + static_cast<float>(l))),
        hi(vdupq_n_f32(12582912.0f + static_cast<float>(h))) {}
  float32x4_t operator()(float32x4_t t) const {
    float32x4_t v = vaddq_f32(t, magic);
    if constexpr (ClampLo) v = vmaxq_f32(v, lo);
    if constexpr (ClampHi) v = vminq_f32(v, hi);
    return vsubq_f32(v, magic);
  }
};
constexpr float kSmallCodeBound = 2097152.0f;  // 2^21
inline bool all_lanes(uint32x4_t mask) { return vminvq_u32(mask) != 0; }

// ---- make_qkx2_quants --------------------------------------------------------------------------------------------

// A lane's result. Instead of the codes, the iscale and min that produced the kept codes (codes are a function of
// them: qkx2_code), so callers derive codes only for the sub-blocks that need them.
template <int V> struct Qkx2Fit {
  float32x4_t scale[V], the_min[V], code_iscale[V], code_min[V];
  uint32x4_t flat[V];  // max == min: codes 0
};

// The error term of make_qkx2_quants for 4 lanes: w * |diff| or w * diff^2, diff = scale * l + min - x.
template <bool UseMad> inline float32x4_t qkx2_error4(float32x4_t scale, float32x4_t l, float32x4_t min, float32x4_t x, float32x4_t w) {
  const float32x4_t diff = vsubq_f32(vaddq_f32(vmulq_f32(scale, l), min), x);
  return vmulq_f32(w, UseMad ? vabsq_f32(diff) : vmulq_f32(diff, diff));
}

// make_qkx2_quants(N, nmax, ..., rmin, rdelta, nstep, UseMad) of every lane, nstep >= 1.
template <int N, int V, bool UseMad>
inline void qkx2_fit_lanes(const SubBlockLanes<N, V>& X, const SubBlockLanes<N, V>& W, int nmax, float rmin, float rdelta, int nstep, Qkx2Fit<V>& fit) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  float32x4_t min[V], max[V], lo[V], sum_w[V], sum_x[V], iscale[V], best_error[V];
  for (int g = 0; g < V; g++) {
    min[g] = max[g] = X.v[0][g];
    sum_w[g] = W.v[0][g];
    sum_x[g] = vmulq_f32(sum_w[g], X.v[0][g]);
  }
  for (int i = 1; i < N; i++) {
    for (int g = 0; g < V; g++) {
      min[g] = select_less(X.v[i][g], min[g]);  // C's `if (x[i] < min) min = x[i]`
      max[g] = select_greater(X.v[i][g], max[g]);
      sum_w[g] = vaddq_f32(sum_w[g], W.v[i][g]);
      sum_x[g] = vaddq_f32(sum_x[g], vmulq_f32(W.v[i][g], X.v[i][g]));
    }
  }
  for (int g = 0; g < V; g++) {
    lo[g] = min[g];
    min[g] = sel4(vcgtq_f32(min[g], zero), zero, min[g]);  // `if (min > 0) min = 0` (a -0 stays -0)
    fit.flat[g] = vceqq_f32(max[g], min[g]);
    fit.the_min[g] = min[g];  // the flat lanes' min, replaced below for the others
    iscale[g] = vdivq_f32(vdupq_n_f32(static_cast<float>(nmax)), vsubq_f32(max[g], min[g]));
    fit.scale[g] = vdivq_f32(vdupq_n_f32(1.0f), iscale[g]);
    fit.code_iscale[g] = iscale[g];
    fit.code_min[g] = min[g];
    best_error[g] = zero;
  }
  for (int i = 0; i < N; i++) {
    for (int g = 0; g < V; g++) {
      const float32x4_t l = code4(vmulq_f32(iscale[g], vsubq_f32(X.v[i][g], min[g])), 0, nmax);
      best_error[g] = vaddq_f32(best_error[g], qkx2_error4<UseMad>(fit.scale[g], l, min[g], X.v[i][g], W.v[i][g]));
    }
  }
  SubBlockLanes<N, V> L;  // the candidate's codes, as floats
  for (int is = 0; is <= nstep; ++is) {
    const float numerator_f = rmin + rdelta * static_cast<float>(is) + static_cast<float>(nmax);
    const float32x4_t numerator = vdupq_n_f32(numerator_f);
    // t = iscale * (x - min) <= numerator * (1 + 2^-24)^2 < nmax + 0.5 (x <= max and rounding is monotonic), so the
    // clamp to nmax changes nothing when numerator <= nmax + 0.4.
    const bool below_top = numerator_f <= static_cast<float>(nmax) + 0.4f;
    float32x4_t sum_l[V], sum_l2[V], sum_xl[V];
    bool small = true;       // |iscale * (x - min)| < 2^21 in every lane that counts
    bool above_zero = true;  // min <= lo in every lane that counts
    for (int g = 0; g < V; g++) {
      iscale[g] = vdivq_f32(numerator, vsubq_f32(max[g], min[g]));  // with this lane's current min
      sum_l[g] = sum_l2[g] = sum_xl[g] = zero;
      // x - min lies between lo - min and max - min (rounding is monotonic); 2^21 leaves room for two roundings.
      const float32x4_t span = vmaxq_f32(vabsq_f32(vsubq_f32(max[g], min[g])), vabsq_f32(vsubq_f32(lo[g], min[g])));
      small = small && all_lanes(vorrq_u32(vcltq_f32(vmulq_f32(vabsq_f32(iscale[g]), span), vdupq_n_f32(kSmallCodeBound)), fit.flat[g]));
      // min <= lo: every x - min >= 0 and so is t (iscale > 0 where it counts): the clamp to 0 changes nothing.
      above_zero = above_zero && all_lanes(vorrq_u32(vcleq_f32(min[g], lo[g]), fit.flat[g]));
    }
    const auto candidate_sums = [&](const auto& code) {
      for (int i = 0; i < N; i++) {
        for (int g = 0; g < V; g++) {
          const float32x4_t l = code(vmulq_f32(iscale[g], vsubq_f32(X.v[i][g], min[g])));
          L.v[i][g] = l;
          const float32x4_t wl = vmulq_f32(W.v[i][g], l);
          sum_l[g] = vaddq_f32(sum_l[g], wl);
          sum_l2[g] = vaddq_f32(sum_l2[g], vmulq_f32(wl, l));
          sum_xl[g] = vaddq_f32(sum_xl[g], vmulq_f32(wl, X.v[i][g]));
        }
      }
    };
    if (!small) candidate_sums([nmax](float32x4_t t) { return code4(t, 0, nmax); });
    else if (above_zero && below_top) candidate_sums(SmallCodes<false, false>(0, nmax));
    else if (above_zero) candidate_sums(SmallCodes<false, true>(0, nmax));
    else if (below_top) candidate_sums(SmallCodes<true, false>(0, nmax));
    else candidate_sums(SmallCodes<true, true>(0, nmax));
    float32x4_t D[V], this_scale[V], this_min[V], cur_error[V];
    for (int g = 0; g < V; g++) {
      D[g] = vsubq_f32(vmulq_f32(sum_w[g], sum_l2[g]), vmulq_f32(sum_l[g], sum_l[g]));
      this_scale[g] = vdivq_f32(vsubq_f32(vmulq_f32(sum_w[g], sum_xl[g]), vmulq_f32(sum_x[g], sum_l[g])), D[g]);
      this_min[g] = vdivq_f32(vsubq_f32(vmulq_f32(sum_l2[g], sum_x[g]), vmulq_f32(sum_l[g], sum_xl[g])), D[g]);
      const uint32x4_t positive = vcgtq_f32(this_min[g], zero);
      if (any_lane(positive)) {  // `if (this_min > 0)`: rare, and a division
        this_min[g] = sel4(positive, zero, this_min[g]);
        this_scale[g] = sel4(positive, vdivq_f32(sum_xl[g], sum_l2[g]), this_scale[g]);
      }
      cur_error[g] = zero;
    }
    for (int i = 0; i < N; i++) {
      for (int g = 0; g < V; g++) {
        cur_error[g] = vaddq_f32(cur_error[g], qkx2_error4<UseMad>(this_scale[g], L.v[i][g], this_min[g], X.v[i][g], W.v[i][g]));
      }
    }
    for (int g = 0; g < V; g++) {
      const uint32x4_t better = vandq_u32(vcgtq_f32(D[g], zero), vcltq_f32(cur_error[g], best_error[g]));
      best_error[g] = sel4(better, cur_error[g], best_error[g]);
      fit.scale[g] = sel4(better, this_scale[g], fit.scale[g]);
      fit.code_iscale[g] = sel4(better, iscale[g], fit.code_iscale[g]);
      fit.code_min[g] = sel4(better, min[g], fit.code_min[g]);
      min[g] = sel4(better, this_min[g], min[g]);
    }
  }
  for (int g = 0; g < V; g++) {
    fit.scale[g] = sel4(fit.flat[g], zero, fit.scale[g]);
    fit.the_min[g] = vnegq_f32(sel4(fit.flat[g], fit.the_min[g], min[g]));
  }
}

// The kept codes of lane j of vector g: qkx2_code with the lane's iscale and min, or 0 for a flat sub-block.
template <int V> inline void qkx2_lane_codes(const Qkx2Fit<V>& fit, int g, int j, const float* x, int n, int nmax, uint8_t* L) {
  const bool flat = mask_lane(fit.flat[g], j);
  const float iscale = lane_of(fit.code_iscale[g], j), min = lane_of(fit.code_min[g], j);
  for (int i = 0; i < n; i++) L[i] = flat ? 0 : static_cast<uint8_t>(qkx2_code(iscale, x[i], min, nmax));
}

}  // namespace
}  // namespace quantkit::neon
