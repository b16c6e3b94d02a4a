// SIMD128 fake-quantize of float32 runs: the quantize of quantize.h (k = q - zp, without the zero point), the
// dequantized value fl(k * scale) and (unless sums == nullptr) the error sums of common/fake_quantize.h, 8 elements
// per iteration. float64 runs stay on the portable loop.
#pragma once

#include "../common/fake_quantize.h"
#include "quantize.h"

namespace quantkit::simd128 {
namespace {

/*
 * Lanes of the sums: element i of a call goes to lane i mod 8 (docs/SPEC.md §6). 8 consecutive elements at a
 * multiple of 8 are two f32x4 vectors; widened to float64 they are four f64x2 vectors holding lanes (0, 1), (2, 3),
 * (4, 5), (6, 7), so accumulator vector j of a quantity holds lanes 2j and 2j + 1, each adding its terms in element
 * order from +0 as the scalar lanes do. At the end the vectors are stored into ErrorAccumulator's lane arrays, the tail
 * (fewer than 8 elements, starting at lane 0) runs the portable loop on the same accumulator, and its finish()
 * combines the lanes in the contract's order. max |d| is folded lane-wise with f64x2.pmax (a NaN |d| leaves the
 * maximum, as fold_max does; it is seen through the |d| sums).
 */
struct ErrorVec {
  v128_t sq[4], abs_d[4], ref2[4], approx2[4], dot[4], max_abs[4];
};

inline void add_errors(ErrorVec& e, int j, v128_t ref, v128_t approx, v128_t abs_mask) {
  const v128_t d = wasm_f64x2_sub(ref, approx);
  const v128_t a = wasm_v128_and(d, abs_mask);
  e.sq[j] = wasm_f64x2_add(e.sq[j], wasm_f64x2_mul(d, d));
  e.abs_d[j] = wasm_f64x2_add(e.abs_d[j], a);
  e.ref2[j] = wasm_f64x2_add(e.ref2[j], wasm_f64x2_mul(ref, ref));
  e.approx2[j] = wasm_f64x2_add(e.approx2[j], wasm_f64x2_mul(approx, approx));
  e.dot[j] = wasm_f64x2_add(e.dot[j], wasm_f64x2_mul(ref, approx));
  e.max_abs[j] = wasm_f64x2_pmax(e.max_abs[j], a);
}

// The whole groups of 8; returns how many elements it did. Errors = false: values only (e untouched).
template <Mode M, bool Errors> size_t fake_quantize_body(const float* x, size_t n, float scale, const QuantVec& c, float* out, ErrorVec& e) {
  const v128_t s = wasm_f32x4_splat(scale);
  const v128_t abs64 = wasm_i64x2_splat(0x7fffffffffffffffLL);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t d0, d1;
    v128_t k0 = codes4<M>(c, x + i, &d0);
    v128_t k1 = codes4<M>(c, x + i + 4, &d1);
    if (M == Mode::Checked && wasm_v128_any_true(wasm_f32x4_ge(wasm_f32x4_pmax(d0, d1), c.threshold))) {
      k0 = codes4<Mode::Divide>(c, x + i, &d0);
      k1 = codes4<Mode::Divide>(c, x + i + 4, &d1);
    }
    const v128_t a0 = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(k0), s);  // fl(k * scale), k = q - zp exact in float
    const v128_t a1 = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(k1), s);
    store(out + i, a0);
    store(out + i + 4, a1);
    if constexpr (Errors) {
      const v128_t r0 = load(x + i);
      const v128_t r1 = load(x + i + 4);
      add_errors(e, 0, wasm_f64x2_promote_low_f32x4(r0), wasm_f64x2_promote_low_f32x4(a0), abs64);
      add_errors(e, 1, wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(r0, r0, 1, 0)), wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(a0, a0, 1, 0)), abs64);
      add_errors(e, 2, wasm_f64x2_promote_low_f32x4(r1), wasm_f64x2_promote_low_f32x4(a1), abs64);
      add_errors(e, 3, wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(r1, r1, 1, 0)), wasm_f64x2_promote_low_f32x4(wasm_i64x2_shuffle(a1, a1, 1, 0)), abs64);
    }
  }
  return i;
}

template <bool Errors> size_t fake_quantize_modes(const float* x, size_t n, float scale, const QuantVec& c, QuantSpec spec, float* out, ErrorVec& e) {
  switch (quantize_mode(scale, spec)) {
    case Mode::Multiply: return fake_quantize_body<Mode::Multiply, Errors>(x, n, scale, c, out, e);
    case Mode::Checked: return fake_quantize_body<Mode::Checked, Errors>(x, n, scale, c, out, e);
    case Mode::Divide: return fake_quantize_body<Mode::Divide, Errors>(x, n, scale, c, out, e);
  }
  return 0;
}

// sums == nullptr: values only (the vector pass without the error terms, the tail through fake_quantize_values_loop).
void fake_quantize_f32(const float* x, size_t n, float scale, int32_t zp, QuantSpec spec, float* out, ErrorSums* sums) {
  const QuantParams<float> p = make_quant_params(scale, zp, spec);
  QuantVec c = make_quant_vec(scale, zp, spec);
  c.bias = wasm_i32x4_splat(0x4b400000);  // k = bits(m) - bits(magic): q - zp, without the zero point
  ErrorVec e;
  if (sums == nullptr) {
    const size_t i = fake_quantize_modes<false>(x, n, scale, c, spec, out, e);
    fake_quantize_values_loop(x + i, n - i, scale, p, out + i);
    return;
  }
  for (int j = 0; j < 4; j++) {
    e.sq[j] = e.abs_d[j] = e.ref2[j] = e.approx2[j] = e.dot[j] = e.max_abs[j] = wasm_f64x2_splat(0.0);
  }
  const size_t i = fake_quantize_modes<true>(x, n, scale, c, spec, out, e);
  ErrorAccumulator acc(*sums);
  for (int j = 0; j < 4; j++) {
    wasm_v128_store(acc.sq + 2 * j, e.sq[j]);
    wasm_v128_store(acc.abs_d + 2 * j, e.abs_d[j]);
    wasm_v128_store(acc.ref2 + 2 * j, e.ref2[j]);
    wasm_v128_store(acc.approx2 + 2 * j, e.approx2[j]);
    wasm_v128_store(acc.dot + 2 * j, e.dot[j]);
    acc.fold_max(wasm_f64x2_extract_lane(e.max_abs[j], 0));
    acc.fold_max(wasm_f64x2_extract_lane(e.max_abs[j], 1));
  }
  fake_quantize_loop(x + i, n - i, scale, p, out + i, acc, 0);  // i is a multiple of 8: the tail starts at lane 0
  acc.finish(sums);
}

}  // namespace
}  // namespace quantkit::simd128
