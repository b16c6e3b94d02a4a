// SIMD128 dequantize: codes of any type to float32 when the scale is a float (the product of the small integer
// q - zp and the float scale is then exact in double, so the float multiply rounds it exactly as the contract's
// double product rounded once: common/dequantize.h). Other scales, float64 and half outputs stay on the portable loops.
#pragma once

#include "../common/dequantize.h"
#include "vec.h"

namespace quantkit::simd128 {
namespace {

template <typename Code> void dequantize_run(const Code* q, size_t n, float scale, int32_t zp, float* out) {
  const v128_t s = wasm_f32x4_splat(scale);
  const v128_t z = wasm_i32x4_splat(zp);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t v[4];
    load_codes16(q + i, v);
    for (int j = 0; j < 4; j++) store(out + i + 4 * j, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_sub(v[j], z)), s));
  }
  dequantize_loop_fast(q + i, n - i, scale, zp, out + i);
}

template <typename Code> void dequantize_codes(const Code* q, size_t n, double scale, int32_t zp, float* out) {
  if (scale_is_float(scale)) dequantize_run(q, n, static_cast<float>(scale), zp, out);
  else dequantize_loop(q, n, scale, zp, out);
}

void dequantize_f32(const void* q, IntType q_type, size_t n, double scale, int32_t zp, float* out) {
  switch (q_type) {
    case IntType::I8: dequantize_codes(static_cast<const int8_t*>(q), n, scale, zp, out); return;
    case IntType::U8: dequantize_codes(static_cast<const uint8_t*>(q), n, scale, zp, out); return;
    case IntType::I16: dequantize_codes(static_cast<const int16_t*>(q), n, scale, zp, out); return;
    case IntType::U16: dequantize_codes(static_cast<const uint16_t*>(q), n, scale, zp, out); return;
  }
}

}  // namespace
}  // namespace quantkit::simd128
