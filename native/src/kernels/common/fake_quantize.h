// Fake-quantize (quantize then dequantize, with error sums), ISA-neutral: the error accumulator and the portable loop
// (the scalar set, and the tails of vector sets). Internal linkage only (see element.h).
#pragma once

#include "element.h"
#include "quantize.h"

namespace quantkit {
namespace {

// Error sums of a fake-quantize, in the order of packages/quant-core/src/metrics.ts accumulateError: each running sum
// adds its terms in element order. Kept in locals (a vector store may alias *sums, which would force a memory round
// trip per element). TS sets maxAbs to any NaN |d| and then keeps it NaN; here the maximum runs branch-free over the
// non-NaN values (|d| >= +0, so it is order independent and a vector kernel may take it lane-wise) and a NaN seen
// anywhere, or coming in, makes the result NaN at the end: the same value.
struct ErrorAccumulator {
  ErrorSums s;
  bool nan;

  explicit ErrorAccumulator(const ErrorSums& start) : s(start), nan(start.max_abs != start.max_abs) {}

  // The terms of one element: d = ref - approx, d * d, |d|, ref * ref, approx * approx, ref * approx.
  void add_terms(double sq, double abs_d, double ref2, double approx2, double dot) {
    s.sum_sq += sq;
    s.sum_abs += abs_d;
    s.sum_ref2 += ref2;
    s.sum_approx2 += approx2;
    s.dot += dot;
  }

  void fold_max(double abs_d) {
    s.max_abs = abs_d > s.max_abs ? abs_d : s.max_abs;
    nan |= abs_d != abs_d;
  }

  void add(double ref, double approx) {
    const double d = ref - approx;
    const double a = abs_value(d);
    add_terms(d * d, a, ref * ref, approx * approx, ref * approx);
    fold_max(a);
  }

  ErrorSums finish() const {
    ErrorSums out = s;
    if (nan) out.max_abs = __builtin_nan("");
    return out;
  }
};

// out = (q - zp) * scale in x's precision: for a float scale the float multiply is the exact double product rounded
// once (dequantize.h). Adds each element's error to acc.
template <typename F>
inline void fake_quantize_loop(const F* x, size_t n, F scale, const QuantParams<F>& p, F* out, ErrorAccumulator& acc) {
  for (size_t i = 0; i < n; i++) {
    out[i] = static_cast<F>(quantize_offset(x[i], p)) * scale;
    acc.add(x[i], out[i]);
  }
}

}  // namespace
}  // namespace quantkit
