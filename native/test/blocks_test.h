// The blocked-quantize-from-data tests of kernels_test (blocks_test.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "../src/kernels/kernels.h"

namespace quantkit_test {

// quantize_blocks of every table in `tables` (parameters chosen per block from the data) and the binding's
// QuantizeBlocksJob on random blocked layouts, against the reference: per-group min/max, params.ts qparamsFromRanges
// (transcribed here independently of src/kernels/common/params.h) and the quantize reference. F is float or double.
template <typename F> void test_quantize_blocks(const std::vector<const quantkit::KernelTable*>& tables, uint64_t seed);

// quantize_block_runs_f32 / _half of every table (given parameters per block, rows with a short last block), on every
// length 0..130 and a few large ones, against ref_quantize of each element (half data widened by ref_half_value).
void test_quantize_block_runs(const std::vector<const quantkit::KernelTable*>& tables, uint64_t seed);

}  // namespace quantkit_test
