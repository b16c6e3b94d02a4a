// Scalar histograms: the portable loop of common/histogram.h behind the table's signatures.
#pragma once

#include "../common/histogram.h"

namespace quantkit::scalar {
namespace {

template <bool Abs, typename F> void histogram(const F* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_scalar<Abs>(x, n, make_histogram_params(min, max, bins), counts);
}

}  // namespace
}  // namespace quantkit::scalar
