// Scalar histograms: the portable loop of common/histogram.h behind the table's signatures.
#pragma once

#include "../common/half.h"
#include "../common/histogram.h"

namespace quantkit::scalar {
namespace {

template <bool Abs, typename F> void histogram(const F* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_scalar<Abs>(x, n, make_histogram_params(min, max, bins), counts);
}

// Half inputs: chunks widened to float32 (common/half.h), then the float32 loop.
template <bool Abs> void histogram_half(const uint16_t* x, HalfType t, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  const HistogramParams p = make_histogram_params(min, max, bins);
  with_half_type(t, x, [&](auto run) { histogram_scalar<Abs>(run, n, p, counts); });
}

}  // namespace
}  // namespace quantkit::scalar
