// SIMD128 range reductions of float32 runs: min/max and abs-max, four accumulators over 16 elements per iteration,
// then the lanes and the tail through the folds of common/reduce.h. float64 and half inputs, and the row-wise folds,
// stay on the portable loops.
#pragma once

#include "../common/reduce.h"
#include "vec.h"

namespace quantkit::simd128 {
namespace {

/*
 * wasm_f32x4_pmin(acc, x) is `x < acc ? x : acc` per lane and pmax(acc, x) is `acc < x ? x : acc`: a NaN x leaves the
 * accumulator, exactly the folds of common/reduce.h. Min, max and max |x| do not round, so the lane order changes no
 * value (only, for min / max, the sign of a zero result, which the contract leaves unspecified).
 */
void min_max_f32(const float* x, size_t n, double* min, double* max) {
  v128_t mn[4], mx[4];
  for (int j = 0; j < 4; j++) mn[j] = wasm_f32x4_splat(__builtin_inff()), mx[j] = wasm_f32x4_splat(-__builtin_inff());
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int j = 0; j < 4; j++) {
      const v128_t v = load(x + i + 4 * j);
      mn[j] = wasm_f32x4_pmin(mn[j], v);
      mx[j] = wasm_f32x4_pmax(mx[j], v);
    }
  }
  float lanes_min[16], lanes_max[16];
  for (int j = 0; j < 4; j++) store(lanes_min + 4 * j, mn[j]), store(lanes_max + 4 * j, mx[j]);
  double lo = *min, hi = *max;
  for (int j = 0; j < 16; j++) {
    if (lanes_min[j] < lo) lo = lanes_min[j];
    if (lanes_max[j] > hi) hi = lanes_max[j];
  }
  *min = lo;
  *max = hi;
  fold_min_max(x + i, n - i, min, max);
}

void abs_max_f32(const float* x, size_t n, double* abs_max) {
  const v128_t sign = wasm_i32x4_splat(0x7fffffff);
  v128_t m[4];
  for (int j = 0; j < 4; j++) m[j] = wasm_f32x4_splat(0.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int j = 0; j < 4; j++) m[j] = wasm_f32x4_pmax(m[j], wasm_v128_and(load(x + i + 4 * j), sign));
  }
  float lanes[16];
  for (int j = 0; j < 4; j++) store(lanes + 4 * j, m[j]);
  double a = *abs_max;
  for (int j = 0; j < 16; j++) {
    if (lanes[j] > a) a = lanes[j];
  }
  *abs_max = a;
  fold_abs_max(x + i, n - i, abs_max);
}

}  // namespace
}  // namespace quantkit::simd128
