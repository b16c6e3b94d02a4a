// NEON sub-block fits of q6_K (make_qx_quants) and q3_K (make_q3_quants) on 4 * V sub-blocks at once, one per lane,
// in the scalar order (see ggml_k_search.h for the scheme and the lane layout). Internal linkage only.
#pragma once

#include "ggml_k_search.h"

namespace quantkit::neon {
namespace {

// ---- make_qx_quants (rmse_type 1, no weights), the q6_K fit ------------------------------------------------------

// The first element of largest magnitude per lane, with its sign (strict >), and that magnitude.
template <int N, int V> inline void signed_max_lanes(const SubBlockLanes<N, V>& X, float32x4_t* max, float32x4_t* amax) {
  for (int g = 0; g < V; g++) max[g] = amax[g] = vdupq_n_f32(0.0f);
  for (int i = 0; i < N; i++) {
    for (int g = 0; g < V; g++) {
      const float32x4_t ax = vabsq_f32(X.v[i][g]);
      const uint32x4_t larger = vcgtq_f32(ax, amax[g]);
      amax[g] = sel4(larger, ax, amax[g]);
      max[g] = sel4(larger, X.v[i][g], max[g]);
    }
  }
}

// x * x and x * x * x (upstream's w and `w*x[i]` before `*l`) of every lane.
template <int N, int V> inline void square_cube_lanes(const SubBlockLanes<N, V>& X, SubBlockLanes<N, V>& W, SubBlockLanes<N, V>& WX) {
  for (int i = 0; i < N; i++) {
    for (int g = 0; g < V; g++) {
      W.v[i][g] = vmulq_f32(X.v[i][g], X.v[i][g]);
      WX.v[i][g] = vmulq_f32(W.v[i][g], X.v[i][g]);
    }
  }
}

template <int V> struct QxFit {
  float32x4_t scale[V];
  float32x4_t code_iscale[V];  // codes: nmax + clamp(nearest_int(iscale * x), -nmax, nmax - 1)
  uint32x4_t zero[V];          // amax < GROUP_MAX_EPS: codes 0
};

// make_qx_quants(N, nmax, x, L, 1, NULL) of every lane.
template <int N, int V> inline void qx_fit_lanes(const SubBlockLanes<N, V>& X, int nmax, QxFit<V>& fit) {
  SubBlockLanes<N, V> W, WX;
  square_cube_lanes(X, W, WX);
  float32x4_t max[V], amax[V];
  signed_max_lanes(X, max, amax);
  // |iscale * x| <= (nmax + 0.9) * |x| / |max| is small (SmallCodes) in every lane that counts: |max| is the largest
  // |x|, at least GROUP_MAX_EPS; the zero lanes' codes are dropped.
  const SmallCodes small_codes(-nmax, nmax - 1);
  const auto sums = [&](const float32x4_t* iscale, float32x4_t* lx, float32x4_t* l2) {
    for (int g = 0; g < V; g++) lx[g] = l2[g] = vdupq_n_f32(0.0f);
    for (int i = 0; i < N; i++) {
      for (int g = 0; g < V; g++) {
        const float32x4_t l = small_codes(vmulq_f32(iscale[g], X.v[i][g]));
        lx[g] = vaddq_f32(lx[g], vmulq_f32(WX.v[i][g], l));
        l2[g] = vaddq_f32(l2[g], vmulq_f32(vmulq_f32(W.v[i][g], l), l));
      }
    }
  };
  float32x4_t iscale[V], lx[V], l2[V], best[V];
  for (int g = 0; g < V; g++) {
    fit.zero[g] = vcltq_f32(amax[g], vdupq_n_f32(kGgmlGroupMaxEps));
    iscale[g] = vdivq_f32(vdupq_n_f32(static_cast<float>(-nmax)), max[g]);
    fit.code_iscale[g] = iscale[g];
  }
  sums(iscale, lx, l2);
  for (int g = 0; g < V; g++) {
    fit.scale[g] = and4(vdivq_f32(lx[g], l2[g]), ne4(l2[g], vdupq_n_f32(0.0f)));  // `suml2 ? ..`: NaN counts as true
    best[g] = vmulq_f32(fit.scale[g], lx[g]);
  }
  for (int is = -9; is <= 9; ++is) {
    if (is == 0) continue;
    const float numerator = -(static_cast<float>(nmax) + 0.1f * static_cast<float>(is));
    for (int g = 0; g < V; g++) iscale[g] = vdivq_f32(vdupq_n_f32(numerator), max[g]);
    sums(iscale, lx, l2);
    for (int g = 0; g < V; g++) {
      const uint32x4_t better = vandq_u32(vcgtq_f32(l2[g], vdupq_n_f32(0.0f)), vcgtq_f32(vmulq_f32(lx[g], lx[g]), vmulq_f32(best[g], l2[g])));
      const float32x4_t scale = vdivq_f32(lx[g], l2[g]);
      fit.scale[g] = sel4(better, scale, fit.scale[g]);
      best[g] = sel4(better, vmulq_f32(scale, lx[g]), best[g]);
      fit.code_iscale[g] = sel4(better, iscale[g], fit.code_iscale[g]);
    }
  }
  for (int g = 0; g < V; g++) fit.scale[g] = sel4(fit.zero[g], vdupq_n_f32(0.0f), fit.scale[g]);
}

template <int V> inline void qx_lane_codes(const QxFit<V>& fit, int g, int j, const float* x, int n, int nmax, uint8_t* L) {
  const bool zero = mask_lane(fit.zero[g], j);
  const float iscale = lane_of(fit.code_iscale[g], j);
  for (int i = 0; i < n; i++) L[i] = zero ? 0 : static_cast<uint8_t>(nmax + clamp_int(ggml_nearest_int(iscale * x[i]), -nmax, nmax - 1));
}


// ---- make_q3_quants (do_rmse), the q3_K fit ------------------------------------------------------------------------

template <int N, int V> struct Q3Fit {
  float32x4_t scale[V];
  SubBlockLanes<N, V> codes;  // L + nmax as floats (0 for the zero lanes)
};

// make_q3_quants(N, nmax, x, L, true) of every lane. A round of moves that moves nothing leaves a lane as it was, so
// every later round would move nothing either: lanes need no freezing, and the rounds end (C's break) when no lane
// moved.
template <int N, int V> inline void q3_fit_lanes(const SubBlockLanes<N, V>& X, int nmax, Q3Fit<N, V>& fit) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  SubBlockLanes<N, V> W, WX;
  square_cube_lanes(X, W, WX);
  float32x4_t max[V], amax[V], sumlx[V], suml2[V];
  uint32x4_t nonzero[V];
  signed_max_lanes(X, max, amax);
  SubBlockLanes<N, V>& L = fit.codes;
  for (int g = 0; g < V; g++) {
    const float32x4_t iscale = vdivq_f32(vdupq_n_f32(static_cast<float>(-nmax)), max[g]);
    sumlx[g] = suml2[g] = zero;
    nonzero[g] = vmvnq_u32(vcltq_f32(amax[g], vdupq_n_f32(kGgmlGroupMaxEps)));  // !(amax < eps)
    for (int i = 0; i < N; i++) {
      const float32x4_t l = code4(vmulq_f32(iscale, X.v[i][g]), -nmax, nmax - 1);
      L.v[i][g] = l;
      sumlx[g] = vaddq_f32(sumlx[g], vmulq_f32(WX.v[i][g], l));
      suml2[g] = vaddq_f32(suml2[g], vmulq_f32(vmulq_f32(W.v[i][g], l), l));
    }
  }
  for (int itry = 0; itry < 5; ++itry) {
    uint32x4_t moved = vdupq_n_u32(0);
    for (int i = 0; i < N; i++) {
      for (int g = 0; g < V; g++) {
        const float32x4_t li = L.v[i][g];
        const float32x4_t slx = vsubq_f32(sumlx[g], vmulq_f32(WX.v[i][g], li));
        const float32x4_t sl2 = vsubq_f32(suml2[g], vmulq_f32(vmulq_f32(W.v[i][g], li), li));
        const float32x4_t new_l = code4(vdivq_f32(vmulq_f32(X.v[i][g], sl2), slx), -nmax, nmax - 1);
        const float32x4_t slx2 = vaddq_f32(slx, vmulq_f32(WX.v[i][g], new_l));
        const float32x4_t sl22 = vaddq_f32(sl2, vmulq_f32(vmulq_f32(W.v[i][g], new_l), new_l));
        const uint32x4_t better = vcgtq_f32(vmulq_f32(vmulq_f32(slx2, slx2), suml2[g]), vmulq_f32(vmulq_f32(sumlx[g], sumlx[g]), sl22));
        const uint32x4_t move = vandq_u32(vandq_u32(nonzero[g], vcgtq_f32(slx, zero)),
                                          vandq_u32(vandq_u32(ne4(new_l, li), vcgtq_f32(sl22, zero)), better));
        L.v[i][g] = sel4(move, new_l, li);
        sumlx[g] = sel4(move, slx2, sumlx[g]);
        suml2[g] = sel4(move, sl22, suml2[g]);
        moved = vorrq_u32(moved, move);
      }
    }
    if (!any_lane(moved)) break;
  }
  const float32x4_t offset = vdupq_n_f32(static_cast<float>(nmax));
  for (int g = 0; g < V; g++) {
    const float32x4_t scale = and4(vdivq_f32(sumlx[g], suml2[g]), vcgtq_f32(suml2[g], zero));
    fit.scale[g] = and4(scale, nonzero[g]);
    for (int i = 0; i < N; i++) L.v[i][g] = and4(vaddq_f32(L.v[i][g], offset), nonzero[g]);
  }
}

}  // namespace
}  // namespace quantkit::neon
