// Scalar range reductions: the portable folds of common/reduce.h under the table's names.
#pragma once

#include "../common/half.h"
#include "../common/reduce.h"

namespace quantkit::scalar {
namespace {

template <typename F> void min_max(const F* x, size_t n, double* min, double* max) { fold_min_max(x, n, min, max); }
template <typename F> void min_max_rows(const F* x, size_t rows, size_t stride, size_t n, double* min, double* max) {
  for (size_t r = 0; r < rows; r++) fold_min_max_elementwise(x + r * stride, n, min, max);
}
template <typename F> void abs_max(const F* x, size_t n, double* abs_max) { fold_abs_max(x, n, abs_max); }

// Half inputs: chunks widened to float32 (common/half.h), then the float32 folds.
void min_max_half(const uint16_t* x, HalfType t, size_t n, double* min, double* max) {
  with_half_type(t, x, [&](auto run) { fold_min_max(run, n, min, max); });
}
void min_max_rows_half(const uint16_t* x, HalfType t, size_t rows, size_t stride, size_t n, double* min, double* max) {
  with_half_type(t, x, [&](auto run) {
    for (size_t r = 0; r < rows; r++) fold_min_max_elementwise(run + r * stride, n, min, max);
  });
}
void abs_max_half(const uint16_t* x, HalfType t, size_t n, double* abs_max) {
  with_half_type(t, x, [&](auto run) { fold_abs_max(run, n, abs_max); });
}

}  // namespace
}  // namespace quantkit::scalar
