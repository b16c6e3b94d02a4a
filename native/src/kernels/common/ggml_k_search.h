// The sub-block fits of upstream's K-quant reference quantizers (ggml-quants.c @ d99724f), ISA-neutral:
//   make_qx_quants    mirrors make_qx_quants with rmse_type 1 and no quant weights (quantize_row_q6_K_ref)
//   make_q3_quants    mirrors make_q3_quants with do_rmse true (quantize_row_q3_K_ref)
//   make_qkx2_quants  mirrors make_qkx2_quants (quantize_row_q2_K_ref, q4_K, q5_K)
// Each float expression is upstream's, left to right: `w*x[i]*l` is (w * x[i]) * float(l), `-nmax / max` is
// float(-nmax) / max. The accumulations run in element order; a vector set may run several sub-blocks side by side
// (one per lane) but never reorders a sum. Internal linkage only (see element.h).
#pragma once

#include "ggml.h"

namespace quantkit {
namespace {

// The first element of largest magnitude, with its sign (strict `>`), and that magnitude.
inline float first_signed_max(const float* x, int n, float* amax_out) {
  float max = 0.0f;
  float amax = 0.0f;
  for (int i = 0; i < n; i++) {
    const float ax = abs_value(x[i]);
    if (ax > amax) {
      amax = ax;
      max = x[i];
    }
  }
  *amax_out = amax;
  return max;
}

struct QxSums {
  float lx;  // sum of w * x * l
  float l2;  // sum of w * l * l
};

// One candidate of make_qx_quants: codes l = clamp(nearest_int(iscale * x), -nmax, nmax - 1) with weights w = x * x;
// stores l + nmax into L when L is given.
inline QxSums qx_candidate(int n, int nmax, float iscale, const float* x, int8_t* L) {
  float sumlx = 0.0f;
  float suml2 = 0.0f;
  for (int i = 0; i < n; i++) {
    const int32_t l = clamp_int(ggml_nearest_int(iscale * x[i]), -nmax, nmax - 1);
    if (L != nullptr) L[i] = static_cast<int8_t>(l + nmax);
    const float w = x[i] * x[i];
    const float lf = static_cast<float>(l);
    sumlx += w * x[i] * lf;
    suml2 += w * lf * lf;
  }
  return {sumlx, suml2};
}

// The candidate scales of make_qx_quants: iscale = -(nmax + 0.1f * is) / max for is in -9..9 without 0.
inline float qx_candidate_iscale(int nmax, int is, float max) {
  return -(static_cast<float>(nmax) + 0.1f * static_cast<float>(is)) / max;
}

inline float make_qx_quants(int n, int nmax, const float* x, int8_t* L) {
  float amax;
  const float max = first_signed_max(x, n, &amax);
  if (amax < kGgmlGroupMaxEps) {  // all zero
    for (int i = 0; i < n; i++) L[i] = 0;
    return 0.0f;
  }
  const QxSums first = qx_candidate(n, nmax, static_cast<float>(-nmax) / max, x, L);
  float scale = first.l2 != 0.0f ? first.lx / first.l2 : 0.0f;  // `suml2 ? ..`: NaN counts as true
  float best = scale * first.lx;
  for (int is = -9; is <= 9; ++is) {
    if (is == 0) continue;
    const float iscale = qx_candidate_iscale(nmax, is, max);
    const QxSums s = qx_candidate(n, nmax, iscale, x, nullptr);
    if (s.l2 > 0 && s.lx * s.lx > best * s.l2) {
      qx_candidate(n, nmax, iscale, x, L);  // the same codes again, now stored
      scale = s.lx / s.l2;
      best = scale * s.lx;
    }
  }
  return scale;
}

// make_q3_quants(n, nmax, x, L, true): codes in [-nmax, nmax) refined by up to 5 rounds of per-element moves that
// improve the x^2-weighted fit, stored as L[i] + nmax. Returns the scale.
inline float make_q3_quants(int n, int nmax, const float* x, int8_t* L) {
  float amax;
  const float max = first_signed_max(x, n, &amax);
  if (amax < kGgmlGroupMaxEps) {
    for (int i = 0; i < n; i++) L[i] = 0;
    return 0.0f;
  }
  const float iscale = static_cast<float>(-nmax) / max;
  float sumlx = 0.0f;
  float suml2 = 0.0f;
  for (int i = 0; i < n; i++) {
    const int32_t l = clamp_int(ggml_nearest_int(iscale * x[i]), -nmax, nmax - 1);
    L[i] = static_cast<int8_t>(l);
    const float w = x[i] * x[i];
    const float lf = static_cast<float>(l);
    sumlx += w * x[i] * lf;
    suml2 += w * lf * lf;
  }
  for (int itry = 0; itry < 5; ++itry) {
    int n_changed = 0;
    for (int i = 0; i < n; i++) {
      const float w = x[i] * x[i];
      const float li = static_cast<float>(L[i]);
      float slx = sumlx - w * x[i] * li;
      if (slx > 0) {
        float sl2 = suml2 - w * li * li;
        const int32_t new_l = clamp_int(ggml_nearest_int(x[i] * sl2 / slx), -nmax, nmax - 1);
        if (new_l != L[i]) {
          const float nl = static_cast<float>(new_l);
          slx += w * x[i] * nl;
          sl2 += w * nl * nl;
          if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
            L[i] = static_cast<int8_t>(new_l);
            sumlx = slx;
            suml2 = sl2;
            ++n_changed;
          }
        }
      }
    }
    if (n_changed == 0) break;
  }
  for (int i = 0; i < n; i++) L[i] = static_cast<int8_t>(L[i] + nmax);
  return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

// The codes of make_qkx2_quants for a given iscale and min: clamp(nearest_int(iscale * (x - min)), 0, nmax).
inline int32_t qkx2_code(float iscale, float x, float min, int nmax) {
  return clamp_int(ggml_nearest_int(iscale * (x - min)), 0, nmax);
}

// The weighted error term of make_qkx2_quants: w * |diff| (use_mad) or w * diff^2, diff = scale * l + min - x.
inline float qkx2_error(float scale, float l, float min, float x, float w, bool use_mad) {
  const float diff = scale * l + min - x;
  return w * (use_mad ? abs_value(diff) : diff * diff);
}

// make_qkx2_quants(n, nmax, x, weights, L, &the_min, Laux, rmin, rdelta, nstep, use_mad): an affine fit
// x ~ scale * L - the_min with L in [0, nmax] and the_min >= 0, searching iscale = (rmin + rdelta * is + nmax) /
// (max - min) for is in 0..nstep by weighted least squares, keeping the lowest weighted error. Returns the scale.
// Trap: `min` is updated inside the search loop, and the later candidates' iscale and codes use the updated value.
inline float make_qkx2_quants(int n, int nmax, const float* x, const float* weights, uint8_t* L, float* the_min,
                              float rmin, float rdelta, int nstep, bool use_mad) {
  uint8_t Laux[32];  // n <= 32
  float min = x[0];
  float max = x[0];
  float sum_w = weights[0];
  float sum_x = sum_w * x[0];
  for (int i = 1; i < n; ++i) {
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
    const float w = weights[i];
    sum_w += w;
    sum_x += w * x[i];
  }
  if (min > 0) min = 0;
  if (max == min) {
    for (int i = 0; i < n; ++i) L[i] = 0;
    *the_min = -min;
    return 0.0f;
  }
  float iscale = static_cast<float>(nmax) / (max - min);
  float scale = 1 / iscale;
  float best_error = 0;
  for (int i = 0; i < n; ++i) {
    const int32_t l = qkx2_code(iscale, x[i], min, nmax);
    L[i] = static_cast<uint8_t>(l);
    best_error += qkx2_error(scale, static_cast<float>(l), min, x[i], weights[i], use_mad);
  }
  if (nstep < 1) {
    *the_min = -min;
    return scale;
  }
  for (int is = 0; is <= nstep; ++is) {
    iscale = (rmin + rdelta * static_cast<float>(is) + static_cast<float>(nmax)) / (max - min);
    float sum_l = 0, sum_l2 = 0, sum_xl = 0;
    for (int i = 0; i < n; ++i) {
      const int32_t l = qkx2_code(iscale, x[i], min, nmax);
      Laux[i] = static_cast<uint8_t>(l);
      const float wl = weights[i] * static_cast<float>(l);  // w*l, shared by the three sums as upstream's w*l*..
      sum_l += wl;
      sum_l2 += wl * static_cast<float>(l);
      sum_xl += wl * x[i];
    }
    const float D = sum_w * sum_l2 - sum_l * sum_l;
    if (D > 0) {
      float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
      float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
      if (this_min > 0) {
        this_min = 0;
        this_scale = sum_xl / sum_l2;
      }
      float cur_error = 0;
      for (int i = 0; i < n; ++i) cur_error += qkx2_error(this_scale, static_cast<float>(Laux[i]), this_min, x[i], weights[i], use_mad);
      if (cur_error < best_error) {
        for (int i = 0; i < n; ++i) L[i] = Laux[i];
        best_error = cur_error;
        scale = this_scale;
        min = this_min;
      }
    }
  }
  *the_min = -min;
  return scale;
}

}  // namespace
}  // namespace quantkit
