// `ggml_test --bench`: single-thread throughput of the GGML kernel sets (ggml_bench.cc).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "../src/kernels/kernels.h"

namespace quantkit_test {

// Times each format's quantize and dequantize on n seeded normal floats (n a multiple of 256), reps runs each, and
// prints M elements/s (median and best) for every kernel set this CPU runs (usable_tables). `only` (format names such
// as "q4_k" and kernel set names such as "avx2") limits the formats and the sets; empty: all. Returns 0, or 2 for a
// bad n or an unknown name.
int run_ggml_bench(size_t n, int reps, const std::vector<std::string>& only);

// The registered kernel sets (dispatch/kernel_sets.cc) this CPU and OS can run, scalar first.
std::vector<const quantkit::KernelTable*> usable_tables();

}  // namespace quantkit_test
