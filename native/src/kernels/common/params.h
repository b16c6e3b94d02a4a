// Quantization parameters from a range, ISA-neutral: qparamsFromRanges of packages/quant-core/src/params.ts for one
// group, in the same float64 operations in the same order, so code that chooses parameters itself (the quantize_blocks
// kernels, the blocked jobs of the binding) writes the reference's scale and zero point bit for bit (docs/SPEC.md §3).
// Internal linkage only (see element.h).
#pragma once

#include "element.h"

namespace quantkit {
namespace {

// The smallest positive normal number: computed scales never go below it (rounding.ts MIN_NORMAL_F32 / _F64).
template <typename F> struct MinNormal;
template <> struct MinNormal<float> {
  static constexpr float value = 0x1p-126f;
};
template <> struct MinNormal<double> {
  static constexpr double value = 0x1p-1022;
};

// rounding.ts roundHalfEven: |v| >= 2^52 (and NaN, ±Inf) is returned as it is, smaller values go through the magic
// number (exact for |v| < 2^52 here, where the sum stays in [2^52, 2^53) or its negative counterpart).
inline double round_half_even_any(double v) {
  if (!(abs_value(v) < 4503599627370496.0)) return v;
  return round_half_even_small(v);
}

// Parameters of the range [lo, hi] (a group's min/max with NaN ignored; +Inf / -Inf for a group without numbers) in
// the precision F of the tensor's scales. Returns false where the reference throws ERR_QUANT_RANGE (min > max, an
// infinite bound, a scale that overflows F), leaving *scale and *zp untouched.
template <typename F>
inline bool params_from_range(double lo, double hi, ParamScheme scheme, QuantSpec spec, F* scale_out, int32_t* zp_out) {
  constexpr double inf = __builtin_inf();
  if (lo == inf && hi == -inf) {  // no numbers: the range [0, 0]
    lo = 0;
    hi = 0;
  }
  if (!(lo <= hi)) return false;
  if (!(lo > -inf && hi < inf)) return false;
  const bool symmetric = scheme == ParamScheme::Symmetric;
  // symmetric: qmax = 2^(bits-1) - 1 steps for the largest magnitude; affine: qmax - qmin steps for the range widened
  // to include 0. `low` is Math.min(lo, 0), -0 included; the width's sign of zero never matters (a zero width gives
  // scale 1).
  const double levels = symmetric ? static_cast<double>(spec.qmax) : static_cast<double>(spec.qmax) - spec.qmin;
  const double low = symmetric ? 0.0 : (lo < 0 || __builtin_signbit(lo)) ? lo : 0.0;
  double width;
  if (symmetric) {
    width = -lo > hi ? -lo : hi;
    if (!(width > 0)) width = 0;
  } else {
    width = (hi > 0 ? hi : 0.0) - low;
  }
  F scale = 1;
  if (width != 0) {
    scale = static_cast<F>(width / levels);  // float32 scales: the float64 quotient rounded once
    if (!(scale < static_cast<F>(inf))) return false;
    if (scale < MinNormal<F>::value) scale = MinNormal<F>::value;
  }
  int32_t zp = 0;
  if (!symmetric) {
    double quotient = low / static_cast<double>(scale);
    if (sizeof(F) == 4) quotient = static_cast<double>(static_cast<float>(quotient));
    double z = static_cast<double>(spec.qmin) - round_half_even_any(quotient);
    z = z > spec.qmin ? z : spec.qmin;  // Math.max(zp, qmin), then Math.min(.., qmax): z is never NaN here
    z = z < spec.qmax ? z : spec.qmax;
    zp = static_cast<int32_t>(z);
  }
  *scale_out = scale;
  *zp_out = zp;
  return true;
}

// Blocks of x[0, n) with parameters from their own data (the quantize_blocks contract in kernels.h), on an ISA's
// min/max and quantize kernels: min_max(x, len, &lo, &hi) folds a block, quantize(x, len, scale, zp, offset) writes
// the codes of the elements at x to out + offset.
template <typename F, typename MinMax, typename Quantize>
inline size_t quantize_blocks_loop(const F* x, size_t n, size_t block, ParamScheme scheme, QuantSpec spec, F* scales, int32_t* zps,
                                   MinMax min_max, Quantize quantize) {
  size_t b = 0;
  for (size_t start = 0; start < n; start += block, b++) {
    const size_t len = n - start < block ? n - start : block;
    double lo = __builtin_inf();
    double hi = -__builtin_inf();
    min_max(x + start, len, &lo, &hi);
    F scale;
    int32_t zp;
    if (!params_from_range<F>(lo, hi, scheme, spec, &scale, &zp)) return b;
    scales[b] = scale;
    zps[b] = zp;
    quantize(x + start, len, scale, zp, start);
  }
  return b;
}

}  // namespace
}  // namespace quantkit
