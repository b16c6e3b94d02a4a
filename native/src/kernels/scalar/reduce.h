// Scalar range reductions: the portable folds of common/reduce.h under the table's names.
#pragma once

#include "../common/reduce.h"

namespace quantkit::scalar {
namespace {

template <typename F> void min_max(const F* x, size_t n, double* min, double* max) { fold_min_max(x, n, min, max); }
template <typename F> void min_max_rows(const F* x, size_t rows, size_t stride, size_t n, double* min, double* max) {
  for (size_t r = 0; r < rows; r++) fold_min_max_elementwise(x + r * stride, n, min, max);
}
template <typename F> void abs_max(const F* x, size_t n, double* abs_max) { fold_abs_max(x, n, abs_max); }

}  // namespace
}  // namespace quantkit::scalar
