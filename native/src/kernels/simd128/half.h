// SIMD128 widening of half-precision runs (float16, bfloat16) to float32, exactly common/half.h's half_to_float lane
// by lane, and the driver that runs a float32 kernel of this set on the widened chunks of a half run: a half input is
// its float32 widening and nothing else (kernels.h), so quantize_half, min_max_half and abs_max_half are the float32
// SIMD128 kernels on a stack buffer of widened chunks.
#pragma once

#include "../common/half.h"
#include "vec.h"

namespace quantkit::simd128 {
namespace {

/*
 * float16 -> float32 bits for 4 lanes of uint32 h: the finite values are the float32 whose bits are em << 13 (em the
 * exponent and mantissa fields) times 2^112: for a normal half that is the exponent rebiased by 127 - 15; for a
 * subnormal (or zero) em << 13 is the float32 subnormal m * 2^-136 and the product m * 2^-24 is exact (WebAssembly
 * floats keep subnormals: no flush to zero). Inf and NaN (em >= 0x7c00): (em << 13) | 0x7f800000, quiet bit set for a
 * NaN, as f16_to_f32_bits. Then the sign.
 */
struct F16Consts {
  v128_t em_mask = opaque(wasm_i32x4_splat(0x7fff));
  v128_t sign_mask = opaque(wasm_i32x4_splat(0x8000));
  v128_t scale = opaque(wasm_f32x4_splat(0x1p112f));
  v128_t nan_above = opaque(wasm_i32x4_splat(0x7c00));
  v128_t special_above = opaque(wasm_i32x4_splat(0x7bff));
  v128_t quiet = opaque(wasm_i32x4_splat(0x400000));
  v128_t exponent = opaque(wasm_i32x4_splat(0x7f800000));
};

inline v128_t widen_f16x4(const F16Consts& c, v128_t h) {
  const v128_t em = wasm_v128_and(h, c.em_mask);
  const v128_t sign = wasm_i32x4_shl(wasm_v128_and(h, c.sign_mask), 16);
  const v128_t shifted = wasm_i32x4_shl(em, 13);
  const v128_t finite = wasm_f32x4_mul(shifted, c.scale);
  const v128_t quiet = wasm_v128_and(wasm_i32x4_gt(em, c.nan_above), c.quiet);
  const v128_t special = wasm_v128_or(wasm_v128_or(shifted, c.exponent), quiet);
  return wasm_v128_or(wasm_v128_bitselect(special, finite, wasm_i32x4_gt(em, c.special_above)), sign);
}

// x[0, n) of type H widened to out[0, n): 8 per iteration, the tail by half_to_float.
template <HalfType H> inline void widen_run(const uint16_t* x, size_t n, float* out) {
  size_t i = 0;
  if constexpr (H == HalfType::F16) {
    const F16Consts c;
    for (; i + 8 <= n; i += 8) {
      const v128_t h = load(x + i);
      store(out + i, widen_f16x4(c, wasm_u32x4_extend_low_u16x8(h)));
      store(out + i + 4, widen_f16x4(c, wasm_u32x4_extend_high_u16x8(h)));
    }
  } else {
    for (; i + 8 <= n; i += 8) {  // bfloat16: the high half of a float32
      const v128_t h = load(x + i);
      store(out + i, wasm_i32x4_shl(wasm_u32x4_extend_low_u16x8(h), 16));
      store(out + i + 4, wasm_i32x4_shl(wasm_u32x4_extend_high_u16x8(h), 16));
    }
  }
  for (; i < n; i++) out[i] = half_to_float<H>(x[i]);
}

// The widen_half slot: widen_run of the run-time type t.
inline void widen_half_f32(const uint16_t* x, HalfType t, size_t n, float* out) {
  if (t == HalfType::F16) widen_run<HalfType::F16>(x, n, out);
  else widen_run<HalfType::BF16>(x, n, out);
}

// Widened chunks of at most this many elements (4 KiB of stack).
constexpr size_t kWideChunk = 1024;

// Calls f(floats, len, start) for the widening of every chunk x[start, start + len) of x[0, n) of type t, in order.
template <typename Body> inline void for_each_widened_simd(const uint16_t* x, HalfType t, size_t n, Body f) {
  alignas(16) float buffer[kWideChunk];
  for (size_t start = 0; start < n; start += kWideChunk) {
    const size_t len = n - start < kWideChunk ? n - start : kWideChunk;
    if (t == HalfType::F16) widen_run<HalfType::F16>(x + start, len, buffer);
    else widen_run<HalfType::BF16>(x + start, len, buffer);
    f(static_cast<const float*>(buffer), len, start);
  }
}

}  // namespace
}  // namespace quantkit::simd128
