// Adding integer bin counts to a caller's counts exactly as the TypeScript kernel's `counts[k] += 1`, run m times,
// changes them (packages/quant-core/src/calibrate/histogram.ts). Plain C++, no Node; header-only so that the kernel
// tests can check it.
#pragma once

#include <cmath>
#include <cstdint>

namespace quantkit {

// Uint32Array: every store wraps modulo 2^32, and so does m additions of 1.
inline uint32_t add_ones(uint32_t count, uint64_t m) { return count + static_cast<uint32_t>(m); }

// Float64Array: each += 1 rounds. While the count is an integer below 2^53 every step is exact, so the m steps are one
// addition. Otherwise (a fractional count, as re-binned histograms hold, or one at 2^53 where + 1 rounds) they are
// done one by one, stopping once a step no longer changes the value (+ 1 to NaN, to an infinity or to a count of
// 2^53 or more). m is at most the number of elements binned, so the slow path costs what the TypeScript loop costs.
inline double add_ones(double count, uint64_t m) {
  if (m == 0) return count;
  const double sum = count + static_cast<double>(m);
  if (count >= -0x1p53 && sum < 0x1p53 && count == std::trunc(count)) return sum;  // sum is exact: every step was
  for (uint64_t i = 0; i < m; i++) {
    const double next = count + 1;
    if (next == count || next != next) break;  // + 1 no longer changes it: +-inf, beyond 2^53, NaN
    count = next;
  }
  return count;
}

}  // namespace quantkit
