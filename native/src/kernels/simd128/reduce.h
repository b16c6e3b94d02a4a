// SIMD128 range reductions: min/max and abs-max of float32 runs (four accumulators over 16 elements per iteration) and
// of float64 runs (four accumulators over 8 elements), then the lanes and the tail through the folds of
// common/reduce.h; min/max of half runs is the float32 kernel on widened chunks (half.h). The row-wise folds stay on
// the portable loops.
#pragma once

#include "../common/reduce.h"
#include "half.h"
#include "vec.h"

namespace quantkit::simd128 {
namespace {

/*
 * f32x4.pmin(acc, x) is `x < acc ? x : acc` per lane and pmax(acc, x) is `acc < x ? x : acc` (f64x2 alike): a NaN x
 * leaves the accumulator, exactly the folds of common/reduce.h. Min, max and max |x| do not round, so the lane order
 * changes no value (only, for min / max, the sign of a zero result, which the contract leaves unspecified).
 */
template <typename F> struct Lanes;
template <> struct Lanes<float> {
  static constexpr size_t count = 4;
  static v128_t splat(float v) { return wasm_f32x4_splat(v); }
  static v128_t min(v128_t a, v128_t b) { return wasm_f32x4_pmin(a, b); }
  static v128_t max(v128_t a, v128_t b) { return wasm_f32x4_pmax(a, b); }
  static v128_t abs_mask() { return wasm_i32x4_splat(0x7fffffff); }
};
template <> struct Lanes<double> {
  static constexpr size_t count = 2;
  static v128_t splat(double v) { return wasm_f64x2_splat(v); }
  static v128_t min(v128_t a, v128_t b) { return wasm_f64x2_pmin(a, b); }
  static v128_t max(v128_t a, v128_t b) { return wasm_f64x2_pmax(a, b); }
  static v128_t abs_mask() { return wasm_i64x2_splat(0x7fffffffffffffffLL); }
};

// Four accumulators over 4 vectors per iteration, then their lanes and the tail.
template <typename F> void min_max(const F* x, size_t n, double* min, double* max) {
  using L = Lanes<F>;
  constexpr size_t step = 4 * L::count;
  v128_t mn[4], mx[4];
  for (int j = 0; j < 4; j++) mn[j] = L::splat(__builtin_inf()), mx[j] = L::splat(-__builtin_inf());
  size_t i = 0;
  for (; i + step <= n; i += step) {
    for (size_t j = 0; j < 4; j++) {
      const v128_t v = load(x + i + L::count * j);
      mn[j] = L::min(mn[j], v);
      mx[j] = L::max(mx[j], v);
    }
  }
  F lanes_min[step], lanes_max[step];
  for (size_t j = 0; j < 4; j++) store(lanes_min + L::count * j, mn[j]), store(lanes_max + L::count * j, mx[j]);
  double unused_max = -__builtin_inf(), unused_min = __builtin_inf();
  fold_min_max(lanes_min, step, min, &unused_max);  // a lane without elements holds +inf (min) / -inf (max): no change
  fold_min_max(lanes_max, step, &unused_min, max);
  fold_min_max(x + i, n - i, min, max);
}

template <typename F> void abs_max(const F* x, size_t n, double* abs_max) {
  using L = Lanes<F>;
  constexpr size_t step = 4 * L::count;
  const v128_t sign = L::abs_mask();
  v128_t m[4];
  for (int j = 0; j < 4; j++) m[j] = L::splat(0);
  size_t i = 0;
  for (; i + step <= n; i += step) {
    for (size_t j = 0; j < 4; j++) m[j] = L::max(m[j], wasm_v128_and(load(x + i + L::count * j), sign));
  }
  F lanes[step];
  for (size_t j = 0; j < 4; j++) store(lanes + L::count * j, m[j]);
  fold_abs_max(lanes, step, abs_max);
  fold_abs_max(x + i, n - i, abs_max);
}

void min_max_half(const uint16_t* x, HalfType t, size_t n, double* min, double* max) {
  for_each_widened_simd(x, t, n, [&](const float* v, size_t len, size_t) { min_max<float>(v, len, min, max); });
}

}  // namespace
}  // namespace quantkit::simd128
