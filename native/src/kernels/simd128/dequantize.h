// SIMD128 dequantize: codes of any type to float32 when the scale is a float (the product of the small integer
// q - zp and the float scale is then exact in double, so the float multiply rounds it exactly as the contract's
// double product rounded once: common/dequantize.h), to float64 ((double)(q - zp) * scale, 2 lanes per vector), and to
// the half types (below). Other scales of float32 outputs stay on the portable loop.
#pragma once

#include "../common/dequantize.h"
#include "../common/half.h"
#include "vec.h"

namespace quantkit::simd128 {
namespace {

// Calls put(i, k) for every 4 codes at q + i (i a multiple of 4, below n rounded down to 16) with k = q - zp as int32
// lanes (exact: |q - zp| < 2^17); returns where the tail starts.
template <typename Code, typename Put> size_t for_each_offset4(const Code* q, size_t n, int32_t zp, Put put) {
  const v128_t z = wasm_i32x4_splat(zp);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t v[4];
    load_codes16(q + i, v);
    for (int j = 0; j < 4; j++) put(i + 4 * j, wasm_i32x4_sub(v[j], z));
  }
  return i;
}

template <typename Code> void dequantize_run(const Code* q, size_t n, float scale, int32_t zp, float* out) {
  const v128_t s = wasm_f32x4_splat(scale);
  const size_t i = for_each_offset4(q, n, zp, [&](size_t at, v128_t k) { store(out + at, wasm_f32x4_mul(wasm_f32x4_convert_i32x4(k), s)); });
  dequantize_loop_fast(q + i, n - i, scale, zp, out + i);
}

template <typename Code> void dequantize_codes(const Code* q, size_t n, double scale, int32_t zp, float* out) {
  if (scale_is_float(scale)) dequantize_run(q, n, static_cast<float>(scale), zp, out);
  else dequantize_loop(q, n, scale, zp, out);
}

void dequantize_f32(const void* q, IntType q_type, size_t n, double scale, int32_t zp, float* out) {
  with_codes(q, q_type, [&](auto codes) { dequantize_codes(codes, n, scale, zp, out); });
}

template <typename Code> void dequantize_run_f64(const Code* q, size_t n, double scale, int32_t zp, double* out) {
  const v128_t s = wasm_f64x2_splat(scale);
  const size_t i = for_each_offset4(q, n, zp, [&](size_t at, v128_t k) {
    store(out + at, wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(k), s));
    store(out + at + 2, wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(wasm_i64x2_shuffle(k, k, 1, 0)), s));
  });
  dequantize_loop(q + i, n - i, scale, zp, out + i);
}

void dequantize_f64(const void* q, IntType q_type, size_t n, double scale, int32_t zp, double* out) {
  with_codes(q, q_type, [&](auto codes) { dequantize_run_f64(codes, n, scale, zp, out); });
}

/*
 * Half outputs: RN_h((double)(q - zp) * scale), the double product rounded once to the half type, as the AVX2 set
 * does it (avx2/dequantize.h has the proofs): when every product is a float (half_products_exact_in_float: half scales
 * with 8-bit codes) the float product; otherwise the double product p rounded to float32 ROUND TO ODD, RO(p) (the
 * RNE demotion f, stepped one ulp toward zero if it rounded away, then the last bit set if p was not a float), which
 * RN_h maps where it maps p. Then one RNE from float32 to h on the bits: bfloat16 (b + 0x7fff + ((b >> 16) & 1)) >> 16
 * (the carry moves into the exponent, to Inf at the top); float16 as below. No NaN reaches these lanes (q - zp and
 * the scale are finite).
 */
// |f| >= 65536 -> Inf (values in [65520, 65536) carry into it through the normal case); below 2^-14, the float sum
// |f| + 0.5 rounds |f| to the subnormal quantum 2^-24 (RNE), its bits minus those of 0.5 being the half's bits (0x400,
// the smallest normal, when it rounds up); otherwise the exponent is rebiased by (15 - 127) << 23 and the 13 dropped
// mantissa bits rounded half to even by adding 0xfff plus the lowest kept bit.
struct HalfConsts {
  v128_t sign = opaque(wasm_i32x4_splat(static_cast<int32_t>(0x80000000u)));
  v128_t inf_from = opaque(wasm_i32x4_splat(0x477fffff));
  v128_t normal_from = opaque(wasm_i32x4_splat(0x387fffff));
  v128_t half = opaque(wasm_f32x4_splat(0.5f));
  v128_t rebias = opaque(wasm_i32x4_splat(static_cast<int32_t>(0xc8000fffu)));
  v128_t one = opaque(wasm_i32x4_splat(1));
  v128_t inf16 = opaque(wasm_i32x4_splat(0x7c00));
  v128_t round16 = opaque(wasm_i32x4_splat(0x7fff));
  v128_t abs64 = opaque(wasm_i64x2_splat(0x7fffffffffffffffLL));
};

template <HalfType H> inline v128_t half_bits4(const HalfConsts& c, v128_t f) {
  if constexpr (H == HalfType::BF16) {
    return wasm_u32x4_shr(wasm_i32x4_add(wasm_i32x4_add(f, c.round16), wasm_v128_and(wasm_u32x4_shr(f, 16), c.one)), 16);
  } else {
    const v128_t sign = wasm_v128_and(f, c.sign);
    const v128_t a = wasm_v128_xor(f, sign);
    const v128_t sub = wasm_i32x4_sub(wasm_f32x4_add(a, c.half), c.half);
    const v128_t nrm = wasm_u32x4_shr(wasm_i32x4_add(wasm_i32x4_add(a, c.rebias), wasm_v128_and(wasm_u32x4_shr(a, 13), c.one)), 13);
    const v128_t r = wasm_v128_bitselect(nrm, sub, wasm_i32x4_gt(a, c.normal_from));
    return wasm_v128_or(wasm_v128_bitselect(c.inf16, r, wasm_i32x4_gt(a, c.inf_from)), wasm_u32x4_shr(sign, 16));
  }
}

// RO(p) of the doubles a (elements 0, 1) and b (2, 3), as 4 floats.
inline v128_t round_to_odd4(const HalfConsts& c, v128_t a, v128_t b) {
  const v128_t fa = wasm_f32x4_demote_f64x2_zero(a);
  const v128_t fb = wasm_f32x4_demote_f64x2_zero(b);
  const v128_t ba = wasm_f64x2_promote_low_f32x4(fa);
  const v128_t bb = wasm_f64x2_promote_low_f32x4(fb);
  // 64-bit masks narrowed to the 32-bit lanes of the floats (all ones or zeros, so either half will do)
  const v128_t inexact = wasm_i32x4_shuffle(wasm_f64x2_ne(ba, a), wasm_f64x2_ne(bb, b), 0, 2, 4, 6);
  const v128_t away = wasm_i32x4_shuffle(wasm_f64x2_gt(wasm_v128_and(ba, c.abs64), wasm_v128_and(a, c.abs64)),
                                         wasm_f64x2_gt(wasm_v128_and(bb, c.abs64), wasm_v128_and(b, c.abs64)), 0, 2, 4, 6);
  const v128_t f = wasm_i32x4_shuffle(fa, fb, 0, 1, 4, 5);
  return wasm_v128_or(wasm_i32x4_add(f, away), wasm_v128_and(inexact, c.one));  // away is -1 where f rounded away
}

// k[0, n) = q - zp (int32) to half bits: 8 per iteration, the tail by the portable loop (k with zero point 0).
template <HalfType H, bool Exact> void dequantize_half_body(const int32_t* k, size_t n, double scale, uint16_t* out) {
  const HalfConsts c;
  const v128_t sf = wasm_f32x4_splat(static_cast<float>(scale));
  const v128_t sd = wasm_f64x2_splat(scale);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t h[2];
    for (int j = 0; j < 2; j++) {
      const v128_t kj = load(k + i + 4 * j);
      v128_t f;
      if constexpr (Exact) {
        f = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(kj), sf);
      } else {
        const v128_t lo = wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(kj), sd);
        const v128_t hi = wasm_f64x2_mul(wasm_f64x2_convert_low_i32x4(wasm_i64x2_shuffle(kj, kj, 1, 0)), sd);
        f = round_to_odd4(c, lo, hi);
      }
      h[j] = half_bits4<H>(c, f);
    }
    store(out + i, wasm_u16x8_narrow_i32x4(h[0], h[1]));  // half bits are <= 0xffff: the narrow is exact
  }
  dequantize_half_loop<H>(k + i, n - i, scale, 0, out + i);
}

// Codes to k = q - zp in chunks of 1024 int32 on the stack, then one body per half type and path (the code types share
// it: a smaller module).
template <HalfType H, bool Exact> void dequantize_half_chunks(const void* q, IntType q_type, size_t n, double scale, int32_t zp, uint16_t* out) {
  alignas(16) int32_t k[1024];
  for (size_t start = 0; start < n; start += 1024) {
    const size_t len = n - start < 1024 ? n - start : 1024;
    with_codes(q, q_type, [&](auto codes) {
      for (size_t i = 0; i < len; i++) k[i] = codes[start + i] - zp;
    });
    dequantize_half_body<H, Exact>(k, len, scale, out + start);
  }
}

template <HalfType H> void dequantize_half_typed(const void* q, IntType q_type, size_t n, double scale, int32_t zp, uint16_t* out) {
  if (half_products_exact_in_float(scale, q_type, zp)) dequantize_half_chunks<H, true>(q, q_type, n, scale, zp, out);
  else dequantize_half_chunks<H, false>(q, q_type, n, scale, zp, out);
}

void dequantize_half(const void* q, IntType q_type, size_t n, double scale, int32_t zp, HalfType t, uint16_t* out) {
  if (t == HalfType::F16) dequantize_half_typed<HalfType::F16>(q, q_type, n, scale, zp, out);
  else dequantize_half_typed<HalfType::BF16>(q, q_type, n, scale, zp, out);
}

}  // namespace
}  // namespace quantkit::simd128
