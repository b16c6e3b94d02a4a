// The layout tests of kernels_test (granularity_test.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "../src/kernels/kernels.h"

namespace quantkit_test {

// The granularity drivers (src/layout/granularity.h) on random per-axis and blocked layouts, whole and split into row
// and unit ranges, and the binding's layout jobs (src/binding/jobs.h) that run them in chunks on a thread pool, against
// the reference, with every table of `tables`. F is float or double.
template <typename F> void test_granularity(const std::vector<const quantkit::KernelTable*>& tables, uint64_t seed);

}  // namespace quantkit_test
