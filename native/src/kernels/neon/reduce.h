// NEON range reductions: min/max, abs-max and the row-by-row min/max of float32 (4 lanes, half inputs widened by the
// loads), and float64 (2 lanes).
#pragma once

#include "../common/half.h"
#include "../common/reduce.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

/*
 * Compare-and-select accumulators (vec.h): exactly `v < acc ? v : acc` per lane, so NaN is ignored and the lanes
 * never become NaN. Min and max are order independent apart from the sign of a zero result, which the contract
 * leaves unspecified. Two accumulators of each kind, then the lanes (in the input precision, exact: min and max only
 * select) and the tail through the folds of common/reduce.h.
 */
template <typename F> struct Lanes;
template <> struct Lanes<float> {
  using V = float32x4_t;
  static constexpr size_t n = 4;
  static V set1(float v) { return vdupq_n_f32(v); }
  static void store(float* p, V v) { vst1q_f32(p, v); }
  static V abs(V v) { return vabsq_f32(v); }
};
template <> struct Lanes<double> {
  using V = float64x2_t;
  static constexpr size_t n = 2;
  static V set1(double v) { return vdupq_n_f64(v); }
  static void store(double* p, V v) { vst1q_f64(p, v); }
  static V abs(V v) { return vabsq_f64(v); }
};

inline float64x2_t load_lanes(const double* p) { return vld1q_f64(p); }
template <typename X> inline float32x4_t load_lanes(X x) { return load4(x); }

// x: a const F*, or for F = float a HalfRun.
template <typename F, typename X = const F*> void min_max(X x, size_t n, double* min, double* max) {
  using A = Lanes<F>;
  constexpr size_t L = A::n;
  typename A::V mn0 = A::set1(static_cast<F>(__builtin_inf())), mn1 = mn0;
  typename A::V mx0 = A::set1(static_cast<F>(-__builtin_inf())), mx1 = mx0;
  size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const typename A::V v0 = load_lanes(x + i);
    const typename A::V v1 = load_lanes(x + i + L);
    mn0 = select_less(v0, mn0);
    mn1 = select_less(v1, mn1);
    mx0 = select_greater(v0, mx0);
    mx1 = select_greater(v1, mx1);
  }
  F lanes_min[L];
  F lanes_max[L];
  A::store(lanes_min, select_less(mn1, mn0));
  A::store(lanes_max, select_greater(mx1, mx0));
  for (size_t j = 0; j < L; j++) {
    if (lanes_min[j] < *min) *min = lanes_min[j];
    if (lanes_max[j] > *max) *max = lanes_max[j];
  }
  fold_min_max(x + i, n - i, min, max);
}

template <typename F, typename X = const F*> void abs_max(X x, size_t n, double* abs_max) {
  using A = Lanes<F>;
  constexpr size_t L = A::n;
  typename A::V m0 = A::set1(F(0)), m1 = m0;
  size_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    m0 = select_greater(A::abs(load_lanes(x + i)), m0);
    m1 = select_greater(A::abs(load_lanes(x + i + L)), m1);
  }
  F lanes[L];
  A::store(lanes, select_greater(m1, m0));
  for (size_t j = 0; j < L; j++) {
    if (lanes[j] > *abs_max) *abs_max = lanes[j];
  }
  fold_abs_max(x + i, n - i, abs_max);
}

// Rows folded element by element into the float64 arrays: each element widened exactly to float64 (FCVTL quiets a
// NaN, which still compares false) and selected exactly as fold_min_max_elementwise does.
inline void fold_min_max2(float64x2_t v, double* min, double* max) {
  vst1q_f64(min, select_less(v, vld1q_f64(min)));
  vst1q_f64(max, select_greater(v, vld1q_f64(max)));
}

template <typename F, typename X = const F*> void min_max_rows(X x, size_t rows, size_t stride, size_t n, double* min, double* max) {
  for (size_t r = 0; r < rows; r++) {
    const X row = x + r * stride;
    size_t i = 0;
    if constexpr (sizeof(F) == 4) {
      for (; i + 4 <= n; i += 4) {
        const float32x4_t v = load4(row + i);
        fold_min_max2(vcvt_f64_f32(vget_low_f32(v)), min + i, max + i);
        fold_min_max2(vcvt_high_f64_f32(v), min + i + 2, max + i + 2);
      }
    } else {
      for (; i + 2 <= n; i += 2) fold_min_max2(vld1q_f64(row + i), min + i, max + i);
    }
    fold_min_max_elementwise(row + i, n - i, min + i, max + i);
  }
}

void min_max_half(const uint16_t* x, HalfType t, size_t n, double* min, double* max) {
  with_half_type(t, x, [&](auto run) { min_max<float>(run, n, min, max); });
}
void min_max_rows_half(const uint16_t* x, HalfType t, size_t rows, size_t stride, size_t n, double* min, double* max) {
  with_half_type(t, x, [&](auto run) { min_max_rows<float>(run, rows, stride, n, min, max); });
}
void abs_max_half(const uint16_t* x, HalfType t, size_t n, double* abs_max_out) {
  with_half_type(t, x, [&](auto run) { abs_max<float>(run, n, abs_max_out); });
}

}  // namespace
}  // namespace quantkit::neon
