// AVX2 sub-block fits of the K-quants: the searches of common/ggml_k_search.h run on 8 * V sub-blocks at once, one
// sub-block per lane. Each lane performs exactly its sub-block's scalar operations in the scalar order (the sums
// still run element by element); only the control flow becomes masks: a lane's `if (better) keep` is a blend, and a
// sub-block whose C search returns early (all zero, max == min) computes along with the others and has its results
// replaced at the end. Internal linkage only.
//
// Lane layout: lane j of vector v holds sub-block 8v + j of the 8 * V consecutive sub-blocks of N elements at x;
// X[i][v] is element i of those sub-blocks (load_lanes transposes them in).
#pragma once

#include "../common/ggml_k_search.h"
#include "ggml_vec.h"

namespace quantkit::avx2 {
namespace {

template <int N, int V> struct Lanes {
  __m256 v[N][V];
};

template <int N, int V> inline void load_lanes(const float* x, Lanes<N, V>& out) {
  for (int g = 0; g < V; g++) {
    for (int c = 0; c < N / 8; c++) {
      __m256 r[8];
      for (int j = 0; j < 8; j++) r[j] = _mm256_loadu_ps(x + (8 * g + j) * N + 8 * c);
      transpose_8x8(r);
      for (int k = 0; k < 8; k++) out.v[8 * c + k][g] = r[k];
    }
  }
}

inline float lane_of(__m256 v, int j) {
  alignas(32) float a[8];
  _mm256_store_ps(a, v);
  return a[j];
}
inline bool mask_lane(__m256 mask, int j) { return ((_mm256_movemask_ps(mask) >> j) & 1) != 0; }

// clamp(nearest_int(t), lo, hi) as a float, the codes' value in the sums.
inline __m256 code8(__m256 t, int32_t lo, int32_t hi) { return _mm256_cvtepi32_ps(clamp8(nearest_int8(t), lo, hi)); }

// code8 for |t| < 2^21, which callers prove or check: t + 1.5 * 2^23 is then the integer nearest_int rounds t to, plus
// 1.5 * 2^23, in [2^23, 2^24) where floats are the integers; clamped there and shifted back it is code8's value, in 4
// instructions instead of 6 (the fits spend most of their time here). A caller that proves t >= lo - 0.5 (ClampLo
// false) or t < hi + 0.5 (ClampHi false) drops that clamp: it could not change the code.
template <bool ClampLo = true, bool ClampHi = true> struct SmallCodes {
  __m256 magic, lo, hi;
  SmallCodes(int32_t l, int32_t h)
      : magic(_mm256_set1_ps(12582912.0f)),
        lo(_mm256_set1_ps(12582912.0f + static_cast<float>(l))),
        hi(_mm256_set1_ps(12582912.0f + static_cast<float>(h))) {}
  __m256 operator()(__m256 t) const {
    __m256 v = _mm256_add_ps(t, magic);
    if constexpr (ClampLo) v = _mm256_max_ps(v, lo);
    if constexpr (ClampHi) v = _mm256_min_ps(v, hi);
    return _mm256_sub_ps(v, magic);
  }
};
constexpr float kSmallCodeBound = 2097152.0f;  // 2^21

// ---- make_qkx2_quants --------------------------------------------------------------------------------------------

// A lane's result. Instead of the codes, the iscale and min that produced the kept codes (codes are a function of
// them: qkx2_code), so callers derive codes only for the sub-blocks that need them.
template <int V> struct Qkx2Fit {
  __m256 scale[V];
  __m256 the_min[V];
  __m256 code_iscale[V];
  __m256 code_min[V];
  __m256 flat[V];  // max == min: codes 0
};

// The error term of make_qkx2_quants for 8 lanes: w * |diff| or w * diff^2, diff = scale * l + min - x.
template <bool UseMad> inline __m256 qkx2_error8(__m256 scale, __m256 l, __m256 min, __m256 x, __m256 w) {
  const __m256 diff = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(scale, l), min), x);
  return _mm256_mul_ps(w, UseMad ? abs8(diff) : _mm256_mul_ps(diff, diff));
}

// make_qkx2_quants(N, nmax, ..., rmin, rdelta, nstep, UseMad) of every lane, nstep >= 1.
template <int N, int V, bool UseMad>
inline void qkx2_fit_lanes(const Lanes<N, V>& X, const Lanes<N, V>& W, int nmax, float rmin, float rdelta, int nstep, Qkx2Fit<V>& fit) {
  const __m256 zero = _mm256_setzero_ps();
  __m256 min[V], max[V], lo[V], sum_w[V], sum_x[V], iscale[V], best_error[V];
  for (int g = 0; g < V; g++) {
    min[g] = max[g] = X.v[0][g];
    sum_w[g] = W.v[0][g];
    sum_x[g] = _mm256_mul_ps(sum_w[g], X.v[0][g]);
  }
  for (int i = 1; i < N; i++) {
    for (int g = 0; g < V; g++) {
      min[g] = _mm256_min_ps(X.v[i][g], min[g]);  // x < min ? x : min, C's `if (x[i] < min) min = x[i]`
      max[g] = _mm256_max_ps(X.v[i][g], max[g]);
      sum_w[g] = _mm256_add_ps(sum_w[g], W.v[i][g]);
      sum_x[g] = _mm256_add_ps(sum_x[g], _mm256_mul_ps(W.v[i][g], X.v[i][g]));
    }
  }
  for (int g = 0; g < V; g++) {
    lo[g] = min[g];
    min[g] = select8(gt8(min[g], zero), min[g], zero);  // `if (min > 0) min = 0` (a -0 stays -0)
    fit.flat[g] = eq8(max[g], min[g]);
    fit.the_min[g] = min[g];  // the flat lanes' min, replaced below for the others
    iscale[g] = _mm256_div_ps(_mm256_set1_ps(static_cast<float>(nmax)), _mm256_sub_ps(max[g], min[g]));
    fit.scale[g] = _mm256_div_ps(_mm256_set1_ps(1.0f), iscale[g]);
    fit.code_iscale[g] = iscale[g];
    fit.code_min[g] = min[g];
    best_error[g] = zero;
  }
  for (int i = 0; i < N; i++) {
    for (int g = 0; g < V; g++) {
      const __m256 l = code8(_mm256_mul_ps(iscale[g], _mm256_sub_ps(X.v[i][g], min[g])), 0, nmax);
      best_error[g] = _mm256_add_ps(best_error[g], qkx2_error8<UseMad>(fit.scale[g], l, min[g], X.v[i][g], W.v[i][g]));
    }
  }
  Lanes<N, V> L;  // the candidate's codes, as floats
  for (int is = 0; is <= nstep; ++is) {
    const float numerator_f = rmin + rdelta * static_cast<float>(is) + static_cast<float>(nmax);
    const __m256 numerator = _mm256_set1_ps(numerator_f);
    // t = iscale * (x - min) <= numerator * (1 + 2^-24)^2 < nmax + 0.5 (x <= max and rounding is monotonic), so the
    // clamp to nmax changes nothing when numerator <= nmax + 0.4.
    const bool below_top = numerator_f <= static_cast<float>(nmax) + 0.4f;
    __m256 sum_l[V], sum_l2[V], sum_xl[V];
    bool small = true;       // |iscale * (x - min)| < 2^21 in every lane that counts
    bool above_zero = true;  // min <= lo in every lane that counts
    for (int g = 0; g < V; g++) {
      iscale[g] = _mm256_div_ps(numerator, _mm256_sub_ps(max[g], min[g]));  // with this lane's current min
      sum_l[g] = sum_l2[g] = sum_xl[g] = zero;
      // x - min lies between lo - min and max - min (rounding is monotonic); 2^21 leaves room for two roundings.
      const __m256 span = _mm256_max_ps(abs8(_mm256_sub_ps(max[g], min[g])), abs8(_mm256_sub_ps(lo[g], min[g])));
      const __m256 ok = _mm256_or_ps(lt8(_mm256_mul_ps(abs8(iscale[g]), span), _mm256_set1_ps(kSmallCodeBound)), fit.flat[g]);
      small = small && _mm256_movemask_ps(ok) == 0xff;
      // min <= lo: every x - min >= 0 and so is t (iscale > 0 where it counts): the clamp to 0 changes nothing.
      const __m256 nonnegative = _mm256_or_ps(_mm256_cmp_ps(min[g], lo[g], _CMP_LE_OQ), fit.flat[g]);
      above_zero = above_zero && _mm256_movemask_ps(nonnegative) == 0xff;
    }
    const auto candidate_sums = [&](const auto& code) {
      for (int i = 0; i < N; i++) {
        for (int g = 0; g < V; g++) {
          const __m256 l = code(_mm256_mul_ps(iscale[g], _mm256_sub_ps(X.v[i][g], min[g])));
          L.v[i][g] = l;
          const __m256 wl = _mm256_mul_ps(W.v[i][g], l);
          sum_l[g] = _mm256_add_ps(sum_l[g], wl);
          sum_l2[g] = _mm256_add_ps(sum_l2[g], _mm256_mul_ps(wl, l));
          sum_xl[g] = _mm256_add_ps(sum_xl[g], _mm256_mul_ps(wl, X.v[i][g]));
        }
      }
    };
    if (!small) candidate_sums([nmax](__m256 t) { return code8(t, 0, nmax); });
    else if (above_zero && below_top) candidate_sums(SmallCodes<false, false>(0, nmax));
    else if (above_zero) candidate_sums(SmallCodes<false, true>(0, nmax));
    else if (below_top) candidate_sums(SmallCodes<true, false>(0, nmax));
    else candidate_sums(SmallCodes<true, true>(0, nmax));
    __m256 D[V], this_scale[V], this_min[V], cur_error[V];
    for (int g = 0; g < V; g++) {
      D[g] = _mm256_sub_ps(_mm256_mul_ps(sum_w[g], sum_l2[g]), _mm256_mul_ps(sum_l[g], sum_l[g]));
      this_scale[g] = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sum_w[g], sum_xl[g]), _mm256_mul_ps(sum_x[g], sum_l[g])), D[g]);
      this_min[g] = _mm256_div_ps(_mm256_sub_ps(_mm256_mul_ps(sum_l2[g], sum_x[g]), _mm256_mul_ps(sum_l[g], sum_xl[g])), D[g]);
      const __m256 positive = gt8(this_min[g], zero);
      if (_mm256_movemask_ps(positive) != 0) {  // `if (this_min > 0)`: rare, and a division
        this_min[g] = select8(positive, this_min[g], zero);
        this_scale[g] = select8(positive, this_scale[g], _mm256_div_ps(sum_xl[g], sum_l2[g]));
      }
      cur_error[g] = zero;
    }
    for (int i = 0; i < N; i++) {
      for (int g = 0; g < V; g++) {
        cur_error[g] = _mm256_add_ps(cur_error[g], qkx2_error8<UseMad>(this_scale[g], L.v[i][g], this_min[g], X.v[i][g], W.v[i][g]));
      }
    }
    for (int g = 0; g < V; g++) {
      const __m256 better = _mm256_and_ps(gt8(D[g], zero), lt8(cur_error[g], best_error[g]));
      best_error[g] = select8(better, best_error[g], cur_error[g]);
      fit.scale[g] = select8(better, fit.scale[g], this_scale[g]);
      fit.code_iscale[g] = select8(better, fit.code_iscale[g], iscale[g]);
      fit.code_min[g] = select8(better, fit.code_min[g], min[g]);
      min[g] = select8(better, min[g], this_min[g]);
    }
  }
  for (int g = 0; g < V; g++) {
    fit.scale[g] = select8(fit.flat[g], fit.scale[g], zero);
    fit.the_min[g] = neg8(select8(fit.flat[g], min[g], fit.the_min[g]));
  }
}

// The kept codes of lane j of vector g: qkx2_code with the lane's iscale and min, or 0 for a flat sub-block.
template <int V> inline void qkx2_lane_codes(const Qkx2Fit<V>& fit, int g, int j, const float* x, int n, int nmax, uint8_t* L) {
  const bool flat = mask_lane(fit.flat[g], j);
  const float iscale = lane_of(fit.code_iscale[g], j), min = lane_of(fit.code_min[g], j);
  for (int i = 0; i < n; i++) L[i] = flat ? 0 : static_cast<uint8_t>(qkx2_code(iscale, x[i], min, nmax));
}

// ---- make_qx_quants (rmse_type 1, no weights), the q6_K fit ------------------------------------------------------

// The first element of largest magnitude per lane, with its sign (strict >), and that magnitude.
template <int N, int V> inline void signed_max_lanes(const Lanes<N, V>& X, __m256* max, __m256* amax) {
  for (int g = 0; g < V; g++) max[g] = amax[g] = _mm256_setzero_ps();
  for (int i = 0; i < N; i++) {
    for (int g = 0; g < V; g++) {
      const __m256 ax = abs8(X.v[i][g]);
      const __m256 larger = gt8(ax, amax[g]);
      amax[g] = select8(larger, amax[g], ax);
      max[g] = select8(larger, max[g], X.v[i][g]);
    }
  }
}

template <int V> struct QxFit {
  __m256 scale[V];
  __m256 code_iscale[V];  // codes: nmax + clamp(nearest_int(iscale * x), -nmax, nmax - 1)
  __m256 zero[V];         // amax < GROUP_MAX_EPS: codes 0
};

// make_qx_quants(N, nmax, x, L, 1, NULL) of every lane. WX holds w * x = x * x * x, as upstream's `w*x[i]` before `*l`.
template <int N, int V> inline void qx_fit_lanes(const Lanes<N, V>& X, int nmax, QxFit<V>& fit) {
  Lanes<N, V> W, WX;
  for (int i = 0; i < N; i++) {
    for (int g = 0; g < V; g++) {
      W.v[i][g] = _mm256_mul_ps(X.v[i][g], X.v[i][g]);
      WX.v[i][g] = _mm256_mul_ps(W.v[i][g], X.v[i][g]);
    }
  }
  __m256 max[V], amax[V];
  signed_max_lanes(X, max, amax);
  // |iscale * x| <= (nmax + 0.9) * |x| / |max| is small (SmallCodes) in every lane that counts: |max| is the largest
  // |x|, at least GROUP_MAX_EPS; the zero lanes' codes are dropped.
  const SmallCodes small_codes(-nmax, nmax - 1);
  const auto sums = [&](const __m256* iscale, __m256* lx, __m256* l2) {
    for (int g = 0; g < V; g++) lx[g] = l2[g] = _mm256_setzero_ps();
    for (int i = 0; i < N; i++) {
      for (int g = 0; g < V; g++) {
        const __m256 l = small_codes(_mm256_mul_ps(iscale[g], X.v[i][g]));
        lx[g] = _mm256_add_ps(lx[g], _mm256_mul_ps(WX.v[i][g], l));
        l2[g] = _mm256_add_ps(l2[g], _mm256_mul_ps(_mm256_mul_ps(W.v[i][g], l), l));
      }
    }
  };
  __m256 iscale[V], lx[V], l2[V], best[V];
  for (int g = 0; g < V; g++) {
    fit.zero[g] = lt8(amax[g], _mm256_set1_ps(kGgmlGroupMaxEps));
    iscale[g] = _mm256_div_ps(_mm256_set1_ps(static_cast<float>(-nmax)), max[g]);
    fit.code_iscale[g] = iscale[g];
  }
  sums(iscale, lx, l2);
  for (int g = 0; g < V; g++) {
    fit.scale[g] = _mm256_and_ps(_mm256_div_ps(lx[g], l2[g]), ne8(l2[g], _mm256_setzero_ps()));
    best[g] = _mm256_mul_ps(fit.scale[g], lx[g]);
  }
  for (int is = -9; is <= 9; ++is) {
    if (is == 0) continue;
    const float numerator = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(is));
    for (int g = 0; g < V; g++) iscale[g] = _mm256_div_ps(_mm256_set1_ps(numerator), max[g]);
    sums(iscale, lx, l2);
    for (int g = 0; g < V; g++) {
      const __m256 better = _mm256_and_ps(gt8(l2[g], _mm256_setzero_ps()), gt8(_mm256_mul_ps(lx[g], lx[g]), _mm256_mul_ps(best[g], l2[g])));
      const __m256 scale = _mm256_div_ps(lx[g], l2[g]);
      fit.scale[g] = select8(better, fit.scale[g], scale);
      best[g] = select8(better, best[g], _mm256_mul_ps(scale, lx[g]));
      fit.code_iscale[g] = select8(better, fit.code_iscale[g], iscale[g]);
    }
  }
  for (int g = 0; g < V; g++) fit.scale[g] = select8(fit.zero[g], fit.scale[g], _mm256_setzero_ps());
}

template <int V> inline void qx_lane_codes(const QxFit<V>& fit, int g, int j, const float* x, int n, int nmax, uint8_t* L) {
  const bool zero = mask_lane(fit.zero[g], j);
  const float iscale = lane_of(fit.code_iscale[g], j);
  for (int i = 0; i < n; i++) L[i] = zero ? 0 : static_cast<uint8_t>(nmax + clamp_int(ggml_nearest_int(iscale * x[i]), -nmax, nmax - 1));
}

// ---- make_q3_quants (do_rmse), the q3_K fit ------------------------------------------------------------------------

template <int N, int V> struct Q3Fit {
  __m256 scale[V];
  Lanes<N, V> codes;  // L + nmax as floats (0 for the zero lanes)
};

// make_q3_quants(N, nmax, x, L, true) of every lane. A round of moves that moves nothing leaves a lane as it was, so
// every later round would move nothing either: lanes need no freezing, and the rounds end (C's break) when no lane
// moved.
template <int N, int V> inline void q3_fit_lanes(const Lanes<N, V>& X, int nmax, Q3Fit<N, V>& fit) {
  const __m256 zero = _mm256_setzero_ps();
  Lanes<N, V> W, WX;
  for (int i = 0; i < N; i++) {
    for (int g = 0; g < V; g++) {
      W.v[i][g] = _mm256_mul_ps(X.v[i][g], X.v[i][g]);
      WX.v[i][g] = _mm256_mul_ps(W.v[i][g], X.v[i][g]);
    }
  }
  __m256 max[V], amax[V], sumlx[V], suml2[V], nonzero[V];
  signed_max_lanes(X, max, amax);
  Lanes<N, V>& L = fit.codes;
  for (int g = 0; g < V; g++) {
    const __m256 iscale = _mm256_div_ps(_mm256_set1_ps(static_cast<float>(-nmax)), max[g]);
    sumlx[g] = suml2[g] = zero;
    nonzero[g] = _mm256_cmp_ps(amax[g], _mm256_set1_ps(kGgmlGroupMaxEps), _CMP_NLT_UQ);  // !(amax < eps)
    for (int i = 0; i < N; i++) {
      const __m256 l = code8(_mm256_mul_ps(iscale, X.v[i][g]), -nmax, nmax - 1);
      L.v[i][g] = l;
      sumlx[g] = _mm256_add_ps(sumlx[g], _mm256_mul_ps(WX.v[i][g], l));
      suml2[g] = _mm256_add_ps(suml2[g], _mm256_mul_ps(_mm256_mul_ps(W.v[i][g], l), l));
    }
  }
  for (int itry = 0; itry < 5; ++itry) {
    __m256 moved = zero;
    for (int i = 0; i < N; i++) {
      for (int g = 0; g < V; g++) {
        const __m256 li = L.v[i][g];
        const __m256 slx = _mm256_sub_ps(sumlx[g], _mm256_mul_ps(WX.v[i][g], li));
        const __m256 sl2 = _mm256_sub_ps(suml2[g], _mm256_mul_ps(_mm256_mul_ps(W.v[i][g], li), li));
        const __m256 new_l = code8(_mm256_div_ps(_mm256_mul_ps(X.v[i][g], sl2), slx), -nmax, nmax - 1);
        const __m256 slx2 = _mm256_add_ps(slx, _mm256_mul_ps(WX.v[i][g], new_l));
        const __m256 sl22 = _mm256_add_ps(sl2, _mm256_mul_ps(_mm256_mul_ps(W.v[i][g], new_l), new_l));
        const __m256 better = gt8(_mm256_mul_ps(_mm256_mul_ps(slx2, slx2), suml2[g]), _mm256_mul_ps(_mm256_mul_ps(sumlx[g], sumlx[g]), sl22));
        const __m256 move = _mm256_and_ps(_mm256_and_ps(nonzero[g], gt8(slx, zero)),
                                          _mm256_and_ps(_mm256_and_ps(ne8(new_l, li), gt8(sl22, zero)), better));
        L.v[i][g] = select8(move, li, new_l);
        sumlx[g] = select8(move, sumlx[g], slx2);
        suml2[g] = select8(move, suml2[g], sl22);
        moved = _mm256_or_ps(moved, move);
      }
    }
    if (_mm256_movemask_ps(moved) == 0) break;
  }
  const __m256 offset = _mm256_set1_ps(static_cast<float>(nmax));
  for (int g = 0; g < V; g++) {
    const __m256 scale = _mm256_and_ps(_mm256_div_ps(sumlx[g], suml2[g]), gt8(suml2[g], zero));
    fit.scale[g] = _mm256_and_ps(scale, nonzero[g]);
    for (int i = 0; i < N; i++) L.v[i][g] = _mm256_and_ps(_mm256_add_ps(L.v[i][g], offset), nonzero[g]);
  }
}

}  // namespace
}  // namespace quantkit::avx2
