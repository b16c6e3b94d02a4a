// Memory-bandwidth probes for the benchmark package (packages/quant-bench): plain C++, no Node-API.
//
// The benchmark reports every large-size kernel figure as a fraction of what the memory system allows (see
// docs/BENCHMARKS.md). These two kernels measure that limit on the machine the benchmark runs on:
//   - read_sum: streams through floats and sums them (the read-only limit: min/max, histogram, ...);
//   - copy_bytes: copies one buffer into another (the read-and-write limit: quantize, dequantize, ...).
// They are deliberately simple and must stay that way: they are the yardstick, not something to tune.
#pragma once

#include <cstddef>

namespace quantkit {
namespace bench {

// Sum of data[0, n). Accumulates in many independent float lanes so the compiler vectorises the loop without
// reassociation; the result is returned so the reads cannot be optimised away. Its value is of no interest.
double read_sum(const float* data, std::size_t n);

// Copies bytes from src to dst (non-overlapping), as std::memcpy does: the fastest copy the C library knows.
void copy_bytes(const void* src, void* dst, std::size_t bytes);

}  // namespace bench
}  // namespace quantkit
