// `ggml_test --bench`: single-thread throughput of the GGML kernel sets (ggml_bench.cc).
#pragma once

#include <cstddef>

namespace quantkit_test {

// Times each format's quantize and dequantize on n seeded normal floats (n a multiple of 256), reps runs each, and
// prints M elements/s (median and best) for the scalar set and, when with_avx2, the AVX2 set. Returns 0, or 2 for a
// bad n.
int run_ggml_bench(size_t n, int reps, bool with_avx2);

}  // namespace quantkit_test
