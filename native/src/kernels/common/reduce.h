// Range reductions (min/max, abs-max), ISA-neutral: the portable folds (the scalar set, the tails of vector sets and
// the granularity drivers). NaN never compares true, so it is ignored. Internal linkage only (see element.h).
#pragma once

#include "element.h"

namespace quantkit {
namespace {

template <typename F> inline void fold_min_max(const F* x, size_t n, double* min, double* max) {
  double lo = *min;
  double hi = *max;
  for (size_t i = 0; i < n; i++) {
    const double v = x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  *min = lo;
  *max = hi;
}

// Folds x[i] into min[i] / max[i] for i < n (a row whose elements belong to consecutive groups). Written as selects,
// not conditional stores, so the loop vectorises.
template <typename F> inline void fold_min_max_elementwise(const F* x, size_t n, double* min, double* max) {
  for (size_t i = 0; i < n; i++) {
    const double v = x[i];
    min[i] = v < min[i] ? v : min[i];
    max[i] = v > max[i] ? v : max[i];
  }
}

template <typename F> inline void fold_abs_max(const F* x, size_t n, double* abs_max) {
  double m = *abs_max;
  for (size_t i = 0; i < n; i++) {
    const double a = abs_value(static_cast<double>(x[i]));
    if (a > m) m = a;
  }
  *abs_max = m;
}

}  // namespace
}  // namespace quantkit
