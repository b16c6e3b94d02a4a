// The C arithmetic of upstream ggml-quants.c (github.com/ggml-org/ggml @ d99724f, built as the golden vectors were:
// x86-64, SSE float math, -ffp-contract=off, -DNDEBUG), ISA-neutral: float16 fields, nearest_int, and the float ->
// integer conversions of the legacy quantizers as the x86-64 build performs them. The GGML kernels of every set build
// on these (common/ggml_legacy.h, common/ggml_k.h). Internal linkage only (see element.h).
//
// Every float expression of the kernels is written as upstream's C evaluates it: float, left to right, one IEEE
// rounding per operation (no FMA: -ffp-contract=off), an int operand converted to float first (`x0*d` is
// float(x0) * d). Inputs are finite (the callers validate); blocks whose arithmetic overflows still give upstream's
// release-build bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../ggml_types.h"
#include "half.h"

namespace quantkit {
namespace {

constexpr float kGgmlGroupMaxEps = 1e-15f;  // GROUP_MAX_EPS

// GGML_FP32_TO_FP16: round to nearest even (upstream's bit tricks equal IEEE on every non-NaN float; the float is
// exact in double, so half_from_double rounds it once).
inline uint16_t ggml_fp16(float v) { return half_from_double<HalfType::F16>(static_cast<double>(v)); }

// GGML_FP16_TO_FP32 (exact).
inline float ggml_fp32(uint16_t h) { return half_to_float<HalfType::F16>(h); }

inline uint16_t load_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
inline void store_u16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
inline uint32_t load_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}
inline void store_u32(uint8_t* p, uint32_t v) {
  for (int k = 0; k < 4; k++) p[k] = static_cast<uint8_t>(v >> (8 * k));
}

inline float load_fp16(const uint8_t* p) { return ggml_fp32(load_u16(p)); }
inline void store_fp16(uint8_t* p, float v) { store_u16(p, ggml_fp16(v)); }

// nearest_int: fval + 1.5 * 2^23 in float, then the low mantissa bits. Round half to even for |fval| <= 2^22 - 1
// (upstream asserts that, assertions off in release builds); beyond it the same bit arithmetic, which K-quant blocks of
// huge or float32-subnormal values do reach.
inline int32_t ggml_nearest_int(float fval) {
  const float val = fval + 12582912.0f;
  return static_cast<int32_t>(bits_of_float(val) & 0x007fffffu) - 0x00400000;
}

// A float converted to an integer type as upstream's x86-64 build converts it (cvttss2si): toward zero, and INT32_MIN
// for NaN or outside the int32 range (undefined behaviour in C, reached only when a block's 1/d overflows). The
// caller keeps the low bits its C type holds (`(int8_t)(x + 8.5f)` is the low byte of this).
inline int32_t ggml_trunc_to_int(float x) {
  return x >= -2147483648.0f && x < 2147483648.0f ? static_cast<int32_t>(x) : INT32_MIN;
}

// (int)roundf(x), the q8 codes: half away from zero, INT32_MIN as ggml_trunc_to_int outside the int32 range. Below
// 2^23 in magnitude x - trunc(x) is exact; above, x is an integer and the difference is 0.
inline int32_t ggml_roundf_to_int(float x) {
  if (!(x >= -2147483648.0f && x < 2147483648.0f)) return INT32_MIN;
  int32_t i = static_cast<int32_t>(x);
  const float frac = x - static_cast<float>(i);
  if (frac >= 0.5f) i++;
  else if (frac <= -0.5f) i--;
  return i;
}

// The value of an int as int8_t (C's conversion, modular on every target ggml runs on).
inline int32_t ggml_int8(int32_t v) { return static_cast<int8_t>(static_cast<uint8_t>(v)); }

inline int32_t clamp_int(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

}  // namespace
}  // namespace quantkit
