// Histograms (packages/quant-core/src/calibrate/histogram.ts), ISA-neutral: the bin rule and the portable loop (the
// scalar set, and the tails of vector sets). Internal linkage only (see element.h).
//
// Everything in double, as the TypeScript loop:
//   f = max > min ? bins / (max - min) : 0
//   if (min <= v && v <= max) counts[min(js_int32((v - min) * f), bins - 1)] += 1
// js_int32 is JavaScript's `| 0`. The product is >= 0 (v >= min) and, when finite, at most bins (1 + 2^-51) < 2^31,
// so `| 0` truncates it; the one other case is f = +inf (max - min subnormal), where the product is NaN (v == min)
// or +inf and `| 0` gives 0.
#pragma once

#include "element.h"

namespace quantkit {
namespace {

struct HistogramParams {
  double min;
  double max;
  double factor;
  uint32_t last;       // bins - 1
  bool finite_factor;  // false: f = +inf, every counted value goes to bin 0
};

inline HistogramParams make_histogram_params(double min, double max, size_t bins) {
  HistogramParams p;
  p.min = min;
  p.max = max;
  p.factor = max > min ? static_cast<double>(bins) / (max - min) : 0.0;
  p.last = static_cast<uint32_t>(bins - 1);
  p.finite_factor = p.factor <= DBL_MAX;
  return p;
}

// The bin of v; false when v is NaN or outside [min, max].
inline bool histogram_bin(double v, const HistogramParams& p, uint32_t* bin) {
  if (!(v >= p.min && v <= p.max)) return false;
  const double t = (v - p.min) * p.factor;
  const uint32_t k = t < 2147483648.0 ? static_cast<uint32_t>(static_cast<int32_t>(t)) : 0u;  // NaN, +inf -> 0
  *bin = k < p.last ? k : p.last;
  return true;
}

template <bool Abs, typename F> inline void histogram_scalar(const F* x, size_t n, const HistogramParams& p, uint32_t* counts) {
  for (size_t i = 0; i < n; i++) {
    const double v = Abs ? abs_value(static_cast<double>(x[i])) : static_cast<double>(x[i]);
    uint32_t k;
    if (histogram_bin(v, p, &k)) counts[k]++;
  }
}

}  // namespace
}  // namespace quantkit
