// Scalar element functions shared by every kernel table and by the granularity drivers: the scalar kernels are loops
// over them, and the AVX2 kernels use them for their tails, so a tail can never drift from the vector body.
//
// Everything here has internal linkage (anonymous namespace) and uses no std:: inline function on purpose: this header
// is compiled into avx2.cc (-mavx2) and into baseline files. An inline function with external linkage compiled in
// both would be merged by the linker, and the AVX2-encoded copy could end up running on a CPU without AVX2.
//
// Builds use -ffp-contract=off and no -ffast-math: every +, -, *, / below is one IEEE operation in the default
// rounding mode (round to nearest even), which Node.js never changes.
#pragma once

#include <cfloat>
#include <cstddef>
#include <cstdint>

#include "kernels.h"

// Float arithmetic must round to float after every operation (SSE, not x87 excess precision).
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
#error "quantkit kernels need FLT_EVAL_METHOD == 0 (build for x86-64 with SSE math, or an equivalent target)"
#endif

namespace quantkit {
namespace {

inline float abs_value(float v) { return __builtin_fabsf(v); }
inline double abs_value(double v) { return __builtin_fabs(v); }

// Adding and subtracting 1.5 * 2^(p-1) rounds |t| <= 2^(p-2) to an integer with ties to even (p = 24 or 53): the
// sum lies in [2^(p-1), 2^p), where the unit in the last place is 1. The TypeScript reference uses the same trick
// (rounding.ts). Kernels apply it only to clamped values, |t| <= 2^17.
template <typename F> struct RoundMagic;
template <> struct RoundMagic<float> {
  static constexpr float value = 12582912.0f;  // 1.5 * 2^23
};
template <> struct RoundMagic<double> {
  static constexpr double value = 6755399441055744.0;  // 1.5 * 2^52
};

template <typename F> inline F round_half_even_small(F t) {
  const F magic = RoundMagic<F>::value;
  return (t + magic) - magic;
}

// Per-run constants of a quantize: the divisor (ONNX) or multiplier (PyTorch) and the clamp interval relative to zp.
template <typename F> struct QuantParams {
  F factor;   // scale for ONNX, fl(1 / scale) for PyTorch
  F lo;       // qmin - zp (an integer, exact in F)
  F hi;       // qmax - zp
  int32_t zp;
  bool divide;
};

template <typename F> inline QuantParams<F> make_quant_params(F scale, int32_t zp, QuantSpec spec) {
  QuantParams<F> p;
  p.divide = spec.profile == Profile::Onnx;
  p.factor = p.divide ? scale : F(1) / scale;
  p.lo = static_cast<F>(spec.qmin - zp);
  p.hi = static_cast<F>(spec.qmax - zp);
  p.zp = zp;
  return p;
}

// q - zp: t clamped into [lo, hi] with NaN -> lo (the comparisons are false for NaN), then rounded half to even.
template <typename F> inline int32_t quantize_offset(F x, const QuantParams<F>& p) {
  F t = p.divide ? x / p.factor : x * p.factor;
  t = t > p.lo ? t : p.lo;
  t = t < p.hi ? t : p.hi;
  return static_cast<int32_t>(round_half_even_small(t));
}

template <typename F> inline int32_t quantize_value(F x, const QuantParams<F>& p) {
  return quantize_offset(x, p) + p.zp;
}

// Elements with their own parameters: element i uses scales[i] (of type S, rounded to F as a float32 tensor's scales
// are) and zps[i], through the same make_quant_params + quantize_value as every run. Divide is the profile as a
// compile-time constant, so the loop has no branch left and the compiler vectorises it for the baseline ISA.
template <typename F, typename S, typename Code, bool Divide>
inline void quantize_groups_loop(const F* x, size_t n, const S* scales, const int32_t* zps, QuantSpec spec, Code* out) {
  spec.profile = Divide ? Profile::Onnx : Profile::PyTorch;
  for (size_t i = 0; i < n; i++) {
    const QuantParams<F> p = make_quant_params(static_cast<F>(scales[i]), zps[i], spec);
    out[i] = static_cast<Code>(quantize_value(x[i], p));
  }
}

template <typename F, typename S, bool Divide>
inline void quantize_groups_typed(const F* x, size_t n, const S* scales, const int32_t* zps, QuantSpec spec, IntType t, void* out) {
  switch (t) {
    case IntType::I8: quantize_groups_loop<F, S, int8_t, Divide>(x, n, scales, zps, spec, static_cast<int8_t*>(out)); return;
    case IntType::U8: quantize_groups_loop<F, S, uint8_t, Divide>(x, n, scales, zps, spec, static_cast<uint8_t*>(out)); return;
    case IntType::I16: quantize_groups_loop<F, S, int16_t, Divide>(x, n, scales, zps, spec, static_cast<int16_t*>(out)); return;
    case IntType::U16: quantize_groups_loop<F, S, uint16_t, Divide>(x, n, scales, zps, spec, static_cast<uint16_t*>(out)); return;
  }
}

template <typename F, typename S>
inline void quantize_groups_any(const F* x, size_t n, const S* scales, const int32_t* zps, QuantSpec spec, IntType t, void* out) {
  if (spec.profile == Profile::Onnx) quantize_groups_typed<F, S, true>(x, n, scales, zps, spec, t, out);
  else quantize_groups_typed<F, S, false>(x, n, scales, zps, spec, t, out);
}

// Storage of a code that is already inside the output type's range.
template <IntType T> struct CodeType;
template <> struct CodeType<IntType::I8> { using type = int8_t; };
template <> struct CodeType<IntType::U8> { using type = uint8_t; };
template <> struct CodeType<IntType::I16> { using type = int16_t; };
template <> struct CodeType<IntType::U16> { using type = uint16_t; };

inline int32_t load_code(const void* q, IntType type, size_t i) {
  switch (type) {
    case IntType::I8: return static_cast<const int8_t*>(q)[i];
    case IntType::U8: return static_cast<const uint8_t*>(q)[i];
    case IntType::I16: return static_cast<const int16_t*>(q)[i];
    case IntType::U16: return static_cast<const uint16_t*>(q)[i];
  }
  return 0;
}

inline void store_code(void* out, IntType type, size_t i, int32_t v) {
  switch (type) {
    case IntType::I8: static_cast<int8_t*>(out)[i] = static_cast<int8_t>(v); return;
    case IntType::U8: static_cast<uint8_t*>(out)[i] = static_cast<uint8_t>(v); return;
    case IntType::I16: static_cast<int16_t*>(out)[i] = static_cast<int16_t>(v); return;
    case IntType::U16: static_cast<uint16_t*>(out)[i] = static_cast<uint16_t>(v); return;
  }
}

// Dequantize: (q - zp) * scale in double, rounded once to the output precision. For a float output and a scale that
// is exactly a float, the double product of the small integer q - zp (|q - zp| < 2^17) and the 24-bit scale is exact,
// so rounding it to float equals the float multiply below bit for bit.
inline bool scale_is_float(double scale) { return static_cast<double>(static_cast<float>(scale)) == scale; }

inline float dequantize_value_f32(int32_t q, int32_t zp, double scale) {
  return static_cast<float>(static_cast<double>(q - zp) * scale);
}
inline float dequantize_value_f32_fast(int32_t q, int32_t zp, float scale) {
  return static_cast<float>(q - zp) * scale;
}
inline double dequantize_value_f64(int32_t q, int32_t zp, double scale) {
  return static_cast<double>(q - zp) * scale;
}

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

// Range folds: NaN never compares true, so it is ignored.
template <typename F> inline void fold_min_max(const F* x, size_t n, double* min, double* max) {
  double lo = *min;
  double hi = *max;
  for (size_t i = 0; i < n; i++) {
    const double v = x[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  *min = lo;
  *max = hi;
}

// Folds x[i] into min[i] / max[i] for i < n (a row whose elements belong to consecutive groups). Written as selects,
// not conditional stores, so the loop vectorises.
template <typename F> inline void fold_min_max_elementwise(const F* x, size_t n, double* min, double* max) {
  for (size_t i = 0; i < n; i++) {
    const double v = x[i];
    min[i] = v < min[i] ? v : min[i];
    max[i] = v > max[i] ? v : max[i];
  }
}

template <typename F> inline void fold_abs_max(const F* x, size_t n, double* abs_max) {
  double m = *abs_max;
  for (size_t i = 0; i < n; i++) {
    const double a = abs_value(static_cast<double>(x[i]));
    if (a > m) m = a;
  }
  *abs_max = m;
}

// Histograms (packages/quant-core/src/calibrate/histogram.ts). Everything in double, as the TypeScript loop:
//   f = max > min ? bins / (max - min) : 0
//   if (min <= v && v <= max) counts[min(js_int32((v - min) * f), bins - 1)] += 1
// js_int32 is JavaScript's `| 0`. The product is >= 0 (v >= min) and, when finite, at most bins (1 + 2^-51) < 2^31,
// so `| 0` truncates it; the one other case is f = +inf (max - min subnormal), where the product is NaN (v == min)
// or +inf and `| 0` gives 0.
struct HistogramParams {
  double min;
  double max;
  double factor;
  uint32_t last;       // bins - 1
  bool finite_factor;  // false: f = +inf, every counted value goes to bin 0
};

inline HistogramParams make_histogram_params(double min, double max, size_t bins) {
  HistogramParams p;
  p.min = min;
  p.max = max;
  p.factor = max > min ? static_cast<double>(bins) / (max - min) : 0.0;
  p.last = static_cast<uint32_t>(bins - 1);
  p.finite_factor = p.factor <= DBL_MAX;
  return p;
}

// The bin of v; false when v is NaN or outside [min, max].
inline bool histogram_bin(double v, const HistogramParams& p, uint32_t* bin) {
  if (!(v >= p.min && v <= p.max)) return false;
  const double t = (v - p.min) * p.factor;
  const uint32_t k = t < 2147483648.0 ? static_cast<uint32_t>(static_cast<int32_t>(t)) : 0u;  // NaN, +inf -> 0
  *bin = k < p.last ? k : p.last;
  return true;
}

template <bool Abs, typename F> inline void histogram_scalar(const F* x, size_t n, const HistogramParams& p, uint32_t* counts) {
  for (size_t i = 0; i < n; i++) {
    const double v = Abs ? abs_value(static_cast<double>(x[i])) : static_cast<double>(x[i]);
    uint32_t k;
    if (histogram_bin(v, p, &k)) counts[k]++;
  }
}

// Packs q[0, n) into ceil(n * bits / 8) bytes (element 0 in the lowest bits, padding bits zero).
inline void pack_scalar(const uint8_t* q, size_t n, int bits, uint8_t* out) {
  const unsigned per_byte = 8u / static_cast<unsigned>(bits);
  const unsigned mask = (1u << bits) - 1u;
  const size_t bytes = (n + per_byte - 1) / per_byte;
  size_t i = 0;
  for (size_t b = 0; b < bytes; b++) {
    unsigned byte = 0;
    for (unsigned k = 0; k < per_byte && i < n; k++, i++) byte |= (q[i] & mask) << (k * static_cast<unsigned>(bits));
    out[b] = static_cast<uint8_t>(byte);
  }
}

// Unpacks n codes, sign-extending each field when is_signed.
inline void unpack_scalar(const uint8_t* packed, size_t n, int bits, bool is_signed, uint8_t* out) {
  const unsigned per_byte = 8u / static_cast<unsigned>(bits);
  const unsigned mask = (1u << bits) - 1u;
  const unsigned sign_bit = 1u << (bits - 1);
  for (size_t i = 0; i < n; i++) {
    const unsigned field = (packed[i / per_byte] >> ((i % per_byte) * static_cast<unsigned>(bits))) & mask;
    out[i] = static_cast<uint8_t>(is_signed && (field & sign_bit) ? field | ~mask : field);
  }
}

}  // namespace
}  // namespace quantkit
