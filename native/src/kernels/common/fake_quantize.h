// Fake-quantize (quantize then dequantize, with error sums or values only), ISA-neutral: the error accumulator and the portable loop
// (the scalar set, and the tails of vector sets). Internal linkage only (see element.h).
#pragma once

#include "element.h"
#include "quantize.h"

namespace quantkit {
namespace {

// Error sums of a fake-quantize in the lane order of docs/SPEC.md §6 (packages/quant-core/src/metrics.ts
// ErrorAccumulator): pair i of a call (i counted from the call's first element) goes to lane i mod 8, and each lane adds
// its terms in element order starting from +0, so one call of up to 65536 elements computes the sums S of one block of
// the contract. The binding (binding/jobs.cc) calls the kernels on chunks of kChunkElements (65536) that start at
// multiples of it, hence of 8: a call's lane i mod 8 is also the array index's; any caller that splits differently
// gets the sums of its own calls. finish() combines the lanes in the fixed order
// ((L0 + L4) + (L1 + L5)) + ((L2 + L6) + (L3 + L7)) and ADDS the call's S to the incoming sums (sum += S): a call with
// zeroed sums gives +0 + S, two consecutive calls (+0 + S1) + S2. The lanes live in the accumulator, not in *sums, and
// take no allocation. TS sets maxAbs to any NaN |d| and then keeps it NaN; here the maximum runs branch-free over the
// non-NaN values (|d| >= +0, so it is order independent and a vector kernel may take it lane-wise) and a NaN seen
// anywhere, or coming in, makes the result NaN at the end: the same value. A NaN |d| is seen in the |d| sums: it makes
// its lane NaN for good, and nothing else can (every |d| is >= +0 or NaN, so no inf - inf), so the call's |d| sum is NaN
// exactly when some |d| was; the loops need no NaN flag.
constexpr size_t kErrorLanes = 8;

// The contract's fixed combination of 8 lanes.
inline double combine_error_lanes(const double* l) { return ((l[0] + l[4]) + (l[1] + l[5])) + ((l[2] + l[6]) + (l[3] + l[7])); }

struct ErrorAccumulator {
  // One running sum per lane of each quantity: d * d, |d|, ref * ref, approx * approx, ref * approx.
  double sq[kErrorLanes] = {};
  double abs_d[kErrorLanes] = {};
  double ref2[kErrorLanes] = {};
  double approx2[kErrorLanes] = {};
  double dot[kErrorLanes] = {};
  double max_abs;  // over the non-NaN |d| (and the incoming max_abs)

  explicit ErrorAccumulator(const ErrorSums& start) : max_abs(start.max_abs) {}

  void fold_max(double a) { max_abs = a > max_abs ? a : max_abs; }

  // The terms of one element in lane `lane` (< kErrorLanes): d = ref - approx, d * d, |d|, ref * ref, approx * approx,
  // ref * approx.
  void add(size_t lane, double ref, double approx) {
    const double d = ref - approx;
    const double a = abs_value(d);
    sq[lane] += d * d;
    abs_d[lane] += a;
    ref2[lane] += ref * ref;
    approx2[lane] += approx * approx;
    dot[lane] += ref * approx;
    fold_max(a);
  }

  // Adds this call's sums S (lanes combined in the fixed order) to *sums, and folds the maximum: NaN when a NaN came in
  // (the incoming max_abs) or some |d| of this call was NaN (its |d| sum is then NaN).
  void finish(ErrorSums* sums) const {
    const double s_abs = combine_error_lanes(abs_d);
    const bool nan = sums->max_abs != sums->max_abs || s_abs != s_abs;
    sums->sum_sq += combine_error_lanes(sq);
    sums->sum_abs += s_abs;
    sums->sum_ref2 += combine_error_lanes(ref2);
    sums->sum_approx2 += combine_error_lanes(approx2);
    sums->dot += combine_error_lanes(dot);
    sums->max_abs = nan ? __builtin_nan("") : max_abs;
  }
};

// out = (q - zp) * scale in x's precision, values only (a kernel called with sums == nullptr, and its tail).
template <typename F> inline void fake_quantize_values_loop(const F* x, size_t n, F scale, const QuantParams<F>& p, F* out) {
  for (size_t i = 0; i < n; i++) out[i] = static_cast<F>(quantize_offset(x[i], p)) * scale;
}

// out = (q - zp) * scale in x's precision: for a float scale the float multiply is the exact double product rounded
// once (dequantize.h). Adds each element's error to acc, x[0] in lane first_lane and x[i] in lane
// (first_lane + i) mod 8 (the scalar kernel passes 0; a vector kernel's tail, after a body of whole groups of 8, too).
template <typename F>
inline void fake_quantize_loop(const F* x, size_t n, F scale, const QuantParams<F>& p, F* out, ErrorAccumulator& acc, size_t first_lane) {
  for (size_t i = 0; i < n; i++) {
    out[i] = static_cast<F>(quantize_offset(x[i], p)) * scale;
    acc.add((first_lane + i) % kErrorLanes, x[i], out[i]);
  }
}

}  // namespace
}  // namespace quantkit
