// SIMD128 quantize: one scale and zero point per float32 run (quantize_f32), 4 lanes per vector, 32 elements per
// iteration; the tail, float64 runs, half inputs, per-element parameters and blocks stay on the portable loops of the
// set this table is built from (table.cc says which slots are vectorised).
#pragma once

#include "../common/quantize.h"
#include "vec.h"

namespace quantkit::simd128 {
namespace {

/*
 * Per lane exactly quantize_value (common/quantize.h): t = x / s (ONNX, f32x4.div is the IEEE division) or x * r
 * (PyTorch, r = fl(1 / s)); t = t > lo ? t : lo (NaN -> lo, as the comparison is false); t = t < hi ? t : hi (f32x4.pmax
 * and pmin are exactly these selects, one instruction each on x64); then
 * m = t + 1.5 * 2^23 rounds t to an integer k with ties to even (|t| <= 2^17, see common/element.h), and
 * bits(m) - bits(1.5 * 2^23) = k, as m and the magic number share the binade [2^23, 2^24) whose ulp is 1. k + zp lies
 * in the code type's range, so the saturating narrows store it exactly.
 *
 * ONNX at multiply speed (Mode::Checked), as the AVX2 set does it (the proof is in avx2/quantize.h and holds lane for
 * lane here, WebAssembly's float operations being IEEE's): p = fl(x * fl(1 / s)), and a lane whose clamped p lies
 * within tol = B * 2^-22 of a half-integer (B = max(qmax - zp, zp - qmin)) may round differently from the true
 * quotient, so a block of 32 with such a lane is recomputed with f32x4.div. Scales outside [2^-125, 2^125] divide.
 */
enum class Mode { Multiply, Checked, Divide };

struct QuantVec {
  v128_t mul;        // r = fl(1 / scale)
  v128_t div;        // scale
  v128_t lo;         // qmin - zp
  v128_t hi;         // qmax - zp
  v128_t magic;      // 1.5 * 2^23
  v128_t abs_mask;
  v128_t threshold;  // 0.5 - tol (exact in float, see avx2/quantize.h)
  v128_t bias;       // bits(magic) - zp
};

inline QuantVec make_quant_vec(float scale, int32_t zp, QuantSpec spec) {
  const int32_t lo = spec.qmin - zp;
  const int32_t hi = spec.qmax - zp;
  const double bound = static_cast<double>(-lo > hi ? -lo : hi);
  QuantVec c;
  c.mul = wasm_f32x4_splat(1.0f / scale);
  c.div = wasm_f32x4_splat(scale);
  c.lo = wasm_f32x4_splat(static_cast<float>(lo));
  c.hi = wasm_f32x4_splat(static_cast<float>(hi));
  c.magic = wasm_f32x4_splat(RoundMagic<float>::value);
  c.abs_mask = wasm_i32x4_splat(0x7fffffff);
  c.threshold = wasm_f32x4_splat(static_cast<float>(0.5 - bound * 0x1p-22));
  c.bias = wasm_i32x4_splat(0x4b400000 - zp);  // 0x4b400000 = bits of 1.5 * 2^23
  return c;
}

inline Mode quantize_mode(float scale, QuantSpec spec) {
  if (spec.profile == Profile::PyTorch) return Mode::Multiply;
  return scale >= 0x1p-125f && scale <= 0x1p125f ? Mode::Checked : Mode::Divide;
}

// k + zp of the 4 lanes at x; Checked mode folds each lane's distance |t - k| into *dist (the lane maximum: no NaN
// reaches it, t being clamped), which the caller compares with the threshold once per 32 elements (8 for fake_quantize.h).
template <Mode M> inline v128_t codes4(const QuantVec& c, const float* x, v128_t* dist) {
  const v128_t v = load(x);
  v128_t t = M == Mode::Divide ? wasm_f32x4_div(v, c.div) : wasm_f32x4_mul(v, c.mul);
  t = wasm_f32x4_pmax(c.lo, t);  // lo < t ? t : lo, which is `t > lo ? t : lo`: NaN -> lo
  t = wasm_f32x4_pmin(c.hi, t);  // t < hi ? t : hi
  const v128_t m = wasm_f32x4_add(t, c.magic);
  if constexpr (M == Mode::Checked) {
    const v128_t d = wasm_v128_and(wasm_f32x4_sub(t, wasm_f32x4_sub(m, c.magic)), c.abs_mask);
    *dist = wasm_f32x4_pmax(*dist, d);
  }
  return wasm_i32x4_sub(m, c.bias);
}

template <Mode M, typename Code> void quantize_run(const float* x, size_t n, const QuantVec& c, const QuantParams<float>& p, Code* out) {
  size_t i = 0;
  // 32 elements per check: the rare block with a lane near a rounding boundary is recomputed whole by division.
  for (; i + 32 <= n; i += 32) {
    v128_t dist = wasm_f32x4_splat(0.0f);
    v128_t v[8];
    for (int j = 0; j < 8; j++) v[j] = codes4<M>(c, x + i + 4 * j, &dist);
    if (M == Mode::Checked && wasm_v128_any_true(wasm_f32x4_ge(dist, c.threshold))) {
      for (int j = 0; j < 8; j++) v[j] = codes4<Mode::Divide>(c, x + i + 4 * j, &dist);
    }
    store_codes16(out + i, v[0], v[1], v[2], v[3]);
    store_codes16(out + i + 16, v[4], v[5], v[6], v[7]);
  }
  quantize_loop(x + i, n - i, p, out + i);
}

template <typename Code> void quantize_codes(const float* x, size_t n, float scale, int32_t zp, QuantSpec spec, Code* out) {
  const QuantParams<float> p = make_quant_params(scale, zp, spec);
  const QuantVec c = make_quant_vec(scale, zp, spec);
  switch (quantize_mode(scale, spec)) {
    case Mode::Multiply: return quantize_run<Mode::Multiply>(x, n, c, p, out);
    case Mode::Checked: return quantize_run<Mode::Checked>(x, n, c, p, out);
    case Mode::Divide: return quantize_run<Mode::Divide>(x, n, c, p, out);
  }
}

void quantize_f32(const float* x, size_t n, float scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  switch (out_type) {
    case IntType::I8: quantize_codes(x, n, scale, zp, spec, static_cast<int8_t*>(out)); return;
    case IntType::U8: quantize_codes(x, n, scale, zp, spec, static_cast<uint8_t*>(out)); return;
    case IntType::I16: quantize_codes(x, n, scale, zp, spec, static_cast<int16_t*>(out)); return;
    case IntType::U16: quantize_codes(x, n, scale, zp, spec, static_cast<uint16_t*>(out)); return;
  }
}

}  // namespace
}  // namespace quantkit::simd128
