// Element basics every op family uses: absolute value, round half to even, storage of codes. ISA-neutral.
//
// Every header under kernels/common/ has internal linkage only (anonymous namespace) and uses no std:: inline function
// on purpose: it is compiled into each ISA's table.cc (e.g. kernels/avx2/table.cc, with -mavx2) and into baseline
// files. An inline function with external linkage compiled in both would be merged by the linker, and the AVX2-encoded
// copy could end up running on a CPU without AVX2.
//
// Builds use -ffp-contract=off and no -ffast-math: every +, -, *, / in the kernels is one IEEE operation in the default
// rounding mode (round to nearest even), which Node.js never changes.
#pragma once

#include <cfloat>
#include <cstddef>
#include <cstdint>

#include "../kernels.h"

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

}  // namespace
}  // namespace quantkit
