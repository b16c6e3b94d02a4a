#include "bandwidth.h"

#include <cstring>

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define QUANT_BENCH_AVX2_CLONE 1
#define QUANT_BENCH_INLINE inline __attribute__((always_inline))
#else
#define QUANT_BENCH_INLINE inline
#endif

namespace quantkit {
namespace bench {
namespace {

// 32 independent lanes: four 8-wide AVX2 vectors (or eight 4-wide SSE2 vectors) per iteration, enough additions in
// flight to hide their latency, so the loop is limited by the loads and not by one long dependency chain.
constexpr std::size_t kLanes = 32;

QUANT_BENCH_INLINE double sum_lanes(const float* data, std::size_t n) {
  float acc[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t j = 0; j < kLanes; j++) acc[j] += data[i + j];
  }
  double total = 0;
  for (std::size_t j = 0; j < kLanes; j++) total += acc[j];
  for (; i < n; i++) total += data[i];
  return total;
}

#ifdef QUANT_BENCH_AVX2_CLONE
// The same loop compiled for AVX2 (256-bit loads) and chosen at run time; the rest of the file stays baseline x86-64.
__attribute__((target("avx2"))) double read_sum_avx2(const float* data, std::size_t n) { return sum_lanes(data, n); }
#endif

}  // namespace

double read_sum(const float* data, std::size_t n) {
#ifdef QUANT_BENCH_AVX2_CLONE
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return read_sum_avx2(data, n);
#endif
  return sum_lanes(data, n);
}

void copy_bytes(const void* src, void* dst, std::size_t bytes) {
  if (bytes != 0) std::memcpy(dst, src, bytes);
}

}  // namespace bench
}  // namespace quantkit
