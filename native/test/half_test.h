// The half-precision kernel tests of kernels_test (half_test.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "../src/kernels/kernels.h"

namespace quantkit_test {

// Every *_half kernel of every table in `tables` for half type t, against an oracle independent of src/kernels: the
// patterns widened by the field decoder of reference.h (ref_half_value), then the float32 reference functions
// (ref_quantize with single = true, ref_min_max, ref_abs_max, ref_histogram); half outputs against ref_round_half, a
// search for the nearest half value. All 65536 bit patterns, every length 0..130 and longer runs, random and
// adversarial parameters, canaries around every output, known answers worked out by hand.
void test_half(const std::vector<const quantkit::KernelTable*>& tables, uint64_t seed, quantkit::HalfType t);

}  // namespace quantkit_test
