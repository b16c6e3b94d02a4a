// Half-precision elements (HalfType: float16 and bfloat16 bit patterns), ISA-neutral: the exact widening to float32,
// the rounding of a double to a half type, and the portable loops of the *_half kernels (the scalar set, and the tails
// of vector sets). Internal linkage only, no std:: inline function (see element.h).
//
// A half input is its float32 widening and nothing else (kernels.h): the loops below widen a short run into a stack
// buffer of floats and hand it to the float32 loops of quantize.h, reduce.h and histogram.h, so a half kernel cannot
// drift from its float32 counterpart. Vector sets fuse the widening into their float32 vector bodies instead and reach
// these loops only for their tails, through the HalfRun overloads (a HalfRun stands where the float32 code has a
// `const float*`).
#pragma once

#include "dequantize.h"
#include "element.h"
#include "histogram.h"
#include "quantize.h"
#include "reduce.h"

namespace quantkit {
namespace {

inline float float_from_bits(uint32_t b) {
  float f;
  __builtin_memcpy(&f, &b, sizeof f);
  return f;
}
inline uint32_t bits_of_float(float f) {
  uint32_t b;
  __builtin_memcpy(&b, &f, sizeof b);
  return b;
}
inline uint64_t bits_of_double(double d) {
  uint64_t b;
  __builtin_memcpy(&b, &d, sizeof b);
  return b;
}

// The IEEE layout of a half type: kMantissa stored mantissa bits, exponent bias kBias; kInf is +Inf's bit pattern (the
// all-ones exponent field).
template <HalfType H> struct HalfFormat;
template <> struct HalfFormat<HalfType::F16> {
  static constexpr int kMantissa = 10;
  static constexpr int kBias = 15;
  static constexpr uint32_t kInf = 0x7c00;
};
template <> struct HalfFormat<HalfType::BF16> {
  static constexpr int kMantissa = 7;
  static constexpr int kBias = 127;
  static constexpr uint32_t kInf = 0x7f80;
};

// float16 bits -> float32 bits, exactly what F16C's vcvtph2ps gives: the sign kept; normal numbers rebiased (the
// exponent field + 127 - 15, the mantissa << 13); ±Inf kept, NaN quiet (bit 22 set) with its payload in the high
// mantissa bits (<< 13); subnormals and ±0, m * 2^-24, as the float product m * 2^-24 (exact: m < 2^10, and the
// product is 0 or a normal float >= 2^-24, so FTZ/DAZ modes cannot touch it either). Masks, not branches: all three
// are computed for every element and the portable loops vectorise (a float multiply under a branch would not be
// if-converted, as it could trap).
inline uint32_t f16_to_f32_bits(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t em = h & 0x7fffu;  // exponent and mantissa fields
  const uint32_t normal = (em << 13) + 0x38000000u;  // + (127 - 15) << 23
  const uint32_t special = (em << 13) | 0x7f800000u | (static_cast<uint32_t>(em > 0x7c00u) << 22);
  const uint32_t subnormal = bits_of_float(static_cast<float>(static_cast<int32_t>(em)) * 0x1p-24f);
  const uint32_t is_special = 0u - static_cast<uint32_t>(em >= 0x7c00u);  // all ones or zero
  const uint32_t is_normal = (0u - static_cast<uint32_t>(em >= 0x400u)) & ~is_special;
  const uint32_t is_subnormal = ~(is_special | is_normal);
  return sign | (special & is_special) | (normal & is_normal) | (subnormal & is_subnormal);
}

template <HalfType H> inline float half_to_float(uint16_t h) {
  if constexpr (H == HalfType::F16) return float_from_bits(f16_to_f32_bits(h));
  else return float_from_bits(static_cast<uint32_t>(h) << 16);
}

/*
 * v rounded once to the half type H, to nearest with ties to even, as bits (the dequantize_half contract). Integer
 * arithmetic on v's fields: v = m * 2^(e - 52) with the 53-bit integer significand m. The half grid near v has the
 * quantum 2^(eh - M), eh = max(e, 1 - B) (M mantissa bits, bias B; below the smallest normal binade the subnormals
 * share its quantum), so q = m / 2^shift with shift = 52 - M + (eh - e) >= 42 is v in quanta, rounded half to even
 * from the bits shifted out. For eh = e, q lies in [2^M, 2^(M+1)] and ((eh + B - 1) << M) + q is the pattern, the
 * leading one of q adding 1 to the exponent field (a carry at q = 2^(M+1) moves to the next binade); in the subnormal
 * range the field is 0 and q = 2^M becomes the smallest normal number. Any pattern at or past +Inf's is an overflow
 * (v >= the largest finite value plus half an ulp): ±Inf. shift > 53 means v < half the smallest quantum: ±0.
 * NaN: quiet with the sign and the high payload bits, what cvtpd2ps followed by vcvtps2ph (or by the bfloat16
 * narrowing of the AVX2 set) keeps, so every set writes the same NaN (the kernels never make one from a valid scale).
 */
template <HalfType H> inline uint16_t half_from_double(double v) {
  constexpr int M = HalfFormat<H>::kMantissa;
  constexpr int B = HalfFormat<H>::kBias;
  constexpr uint32_t kInf = HalfFormat<H>::kInf;
  const uint64_t bits = bits_of_double(v);
  const uint32_t sign = static_cast<uint32_t>(bits >> 48) & 0x8000u;
  const uint64_t mag = bits & 0x7fffffffffffffffULL;
  if (mag >= 0x7ff0000000000000ULL) {
    if (mag == 0x7ff0000000000000ULL) return static_cast<uint16_t>(sign | kInf);
    return static_cast<uint16_t>(sign | kInf | (1u << (M - 1)) | static_cast<uint32_t>((mag & 0xfffffffffffffULL) >> (52 - M)));
  }
  const int field = static_cast<int>(mag >> 52);
  const uint64_t m = (mag & 0xfffffffffffffULL) | (field != 0 ? (uint64_t{1} << 52) : 0);
  const int e = (field != 0 ? field : 1) - 1023;
  const int eh = e > 1 - B ? e : 1 - B;
  const int shift = 52 - M + (eh - e);
  if (shift > 53) return static_cast<uint16_t>(sign);
  uint64_t q = m >> shift;
  const uint64_t rest = m & ((uint64_t{1} << shift) - 1);
  const uint64_t half = uint64_t{1} << (shift - 1);
  q += static_cast<uint64_t>(rest > half) | (static_cast<uint64_t>(rest == half) & q & 1);  // no branch: data decide
  const uint64_t r = (static_cast<uint64_t>(eh + B - 1) << M) + q;
  return static_cast<uint16_t>(sign | (r >= kInf ? kInf : static_cast<uint32_t>(r)));
}

// Half elements of type H at p: the `pointer` the half kernels pass where the float32 code has a const float*.
template <HalfType H> struct HalfRun {
  const uint16_t* p;
  HalfRun operator+(size_t i) const { return HalfRun{p + i}; }
};

// The portable loops widen at most this many elements at a time into a stack buffer (1 KiB).
constexpr size_t kHalfChunk = 256;

template <HalfType H> inline void widen_half(HalfRun<H> x, size_t n, float* out) {
  for (size_t i = 0; i < n; i++) out[i] = half_to_float<H>(x.p[i]);
}

// Calls f(floats, len, start) for the widening of every chunk x[start, start + len) of x[0, n), in order.
template <HalfType H, typename Body> inline void for_each_widened(HalfRun<H> x, size_t n, Body f) {
  float buffer[kHalfChunk];
  for (size_t start = 0; start < n; start += kHalfChunk) {
    const size_t len = n - start < kHalfChunk ? n - start : kHalfChunk;
    widen_half(x + start, len, buffer);
    f(static_cast<const float*>(buffer), len, start);
  }
}

// ---- the float32 loops on half runs (overloads of quantize.h, reduce.h, histogram.h) ----------------------------------

template <HalfType H, typename Code> inline void quantize_loop(HalfRun<H> x, size_t n, const QuantParams<float>& p, Code* out) {
  for_each_widened(x, n, [&](const float* v, size_t len, size_t start) { quantize_loop(v, len, p, out + start); });
}

// quantize_groups_loop<float, float, Code, Divide> (the template arguments of the float32 call) on a half run.
template <typename F, typename S, typename Code, bool Divide, HalfType H>
inline void quantize_groups_loop(HalfRun<H> x, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, Code* out) {
  static_assert(sizeof(F) == 4 && sizeof(S) == 4, "half inputs quantize as float32 with float scales");
  for_each_widened(x, n, [&](const float* v, size_t len, size_t start) {
    quantize_groups_loop<float, float, Code, Divide>(v, len, scales + start, zps + start, spec, out + start);
  });
}

template <HalfType H> inline void quantize_groups_any(HalfRun<H> x, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, IntType t, void* out) {
  const size_t code_size = t == IntType::I8 || t == IntType::U8 ? 1 : 2;
  for_each_widened(x, n, [&](const float* v, size_t len, size_t start) {
    quantize_groups_any<float, float>(v, len, scales + start, zps + start, spec, t, static_cast<uint8_t*>(out) + start * code_size);
  });
}

template <HalfType H> inline void fold_min_max(HalfRun<H> x, size_t n, double* min, double* max) {
  for_each_widened(x, n, [&](const float* v, size_t len, size_t) { fold_min_max(v, len, min, max); });
}

template <HalfType H> inline void fold_min_max_elementwise(HalfRun<H> x, size_t n, double* min, double* max) {
  for_each_widened(x, n, [&](const float* v, size_t len, size_t start) { fold_min_max_elementwise(v, len, min + start, max + start); });
}

template <HalfType H> inline void fold_abs_max(HalfRun<H> x, size_t n, double* abs_max) {
  for_each_widened(x, n, [&](const float* v, size_t len, size_t) { fold_abs_max(v, len, abs_max); });
}

template <bool Abs, HalfType H> inline void histogram_scalar(HalfRun<H> x, size_t n, const HistogramParams& p, uint32_t* counts) {
  for_each_widened(x, n, [&](const float* v, size_t len, size_t) { histogram_scalar<Abs>(v, len, p, counts); });
}

// ---- dequantize to a half type -----------------------------------------------------------------------------------

template <HalfType H> inline uint16_t dequantize_value_half(int32_t q, int32_t zp, double scale) {
  return half_from_double<H>(static_cast<double>(q - zp) * scale);
}

// Whether every product (double)(q - zp) * scale over the codes q of q_type is a float32 value, or beyond FLT_MAX:
// scale is a nonzero finite float whose significand, without its trailing zero bits, is an odd integer M of b bits
// (scale = M * 2^E, E >= -149), and b + bitlen(K) <= 24 for K = max |q - zp|. Then (q - zp) * M < 2^24 in magnitude,
// so the product ((q - zp) * M) * 2^E is a float unless it exceeds FLT_MAX (it is then >= 2^128, where float
// multiplication gives Inf and every half type rounds to Inf as well): a float multiply of the exact float operands
// gives the double product exactly, and one rounding to the half type is all that is left. (Half scales with 8-bit
// codes: float16 scales have at most 11 bits, bfloat16 scales 8.)
inline bool half_products_exact_in_float(double scale, IntType q_type, int32_t zp) {
  if (!scale_is_float(scale)) return false;
  const uint32_t b = bits_of_float(static_cast<float>(scale)) & 0x7fffffffu;
  if (b == 0 || b >= 0x7f800000u) return false;
  const uint32_t m = (b & 0x7fffffu) | (b >= 0x800000u ? 0x800000u : 0u);
  const int significant = (32 - __builtin_clz(m)) - __builtin_ctz(m);
  int32_t qmin = 0, qmax = 0;
  switch (q_type) {
    case IntType::I8: qmin = -128; qmax = 127; break;
    case IntType::U8: qmin = 0; qmax = 255; break;
    case IntType::I16: qmin = -32768; qmax = 32767; break;
    case IntType::U16: qmin = 0; qmax = 65535; break;
  }
  const int64_t lo = static_cast<int64_t>(qmin) - zp;
  const int64_t hi = static_cast<int64_t>(qmax) - zp;
  const uint64_t k = static_cast<uint64_t>(-lo > hi ? -lo : hi);
  if (k == 0) return false;
  return significant + (64 - __builtin_clzll(k)) <= 24;
}

template <HalfType H, typename Q> inline void dequantize_half_loop(const Q* q, size_t n, double scale, int32_t zp, uint16_t* out) {
  for (size_t i = 0; i < n; i++) out[i] = dequantize_value_half<H>(q[i], zp, scale);
}

// Calls f(HalfRun<H>{x}) with H the run-time type t (the table's signatures take it as an argument).
template <typename Body> inline void with_half_type(HalfType t, const uint16_t* x, Body f) {
  if (t == HalfType::F16) f(HalfRun<HalfType::F16>{x});
  else f(HalfRun<HalfType::BF16>{x});
}

// The portable widen_half slot: widen_half of the run-time type t.
inline void widen_half_any(const uint16_t* x, HalfType t, size_t n, float* out) {
  with_half_type(t, x, [&](auto run) { widen_half(run, n, out); });
}

}  // namespace
}  // namespace quantkit
