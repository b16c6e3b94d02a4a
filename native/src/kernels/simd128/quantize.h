// SIMD128 quantize: one scale and zero point per run of float32 (quantize_f32: 4 lanes per vector, 32 elements per
// iteration), of half inputs (quantize_half: the float32 kernel on widened chunks, half.h) and of float64
// (quantize_f64: 2 lanes per vector, 16 elements per iteration), and with per-element parameters (quantize_groups of
// float32 and half inputs); tails run the portable loops. Blocks (with given or computed parameters) are runs of these
// kernels. float64 per-element parameters stay on the portable loop (table.cc says which slots are vectorised).
#pragma once

#include "../common/params.h"
#include "../common/quantize.h"
#include "half.h"
#include "reduce.h"
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
 * The float32 run (quantize_run) has no upper clamp in the float domain: the narrows saturate and a lane-wise integer minimum with qmax
 * caps the codes (one instruction per 16 codes instead of one per 4). Rounding then clamping equals clamping then
 * rounding (the bounds are integers), and for t > hi the code is qmax either way: below 2^22, bits(m) - bits(magic) is
 * round(t) >= hi; above, bits(m) only grows with t (positive floats order as their bits), up to +Inf's 0x7f800000, so
 * bits(m) - bias is a positive int32 at least qmax, which saturates to the type's maximum and is capped to qmax. The
 * lower clamp stays: it maps NaN to lo.
 *
 * ONNX (Mode::Checked) mixes two exact ways per block of 8 vectors: 6 divide (f32x4.div), and 2 multiply and check,
 * as the AVX2 set's Checked mode does (the proof is in avx2/quantize.h and holds lane for lane here, WebAssembly's
 * float operations being IEEE's, with or without the upper clamp: a lane above hi gives qmax from p as from the
 * quotient): p = fl(x * fl(1 / s)), and a lane whose p lies within tol = B * 2^-22 of a half-integer
 * (B = max(qmax - zp, zp - qmin)) may round differently from the true quotient, so a block with such a lane is
 * rewritten by division. Why a mix: on x64 a 4-lane division issues once per ~3 cycles on its own unit while the
 * checked multiply costs ~9 vector operations per 4 lanes on the shared ports, so dividing 3 vectors of 4 keeps both
 * busy (measured in V8 on x64: 1.35x over checking every vector, 1.17x over dividing every vector). Scales outside
 * [2^-125, 2^125] divide every vector (Mode::Divide).
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

// B = max(-lo, hi) = max(zp - qmin, qmax - zp), the largest |t| after clamping.
inline double clamp_bound(QuantSpec spec, int32_t zp) {
  const int32_t lo = spec.qmin - zp;
  const int32_t hi = spec.qmax - zp;
  return static_cast<double>(-lo > hi ? -lo : hi);
}

inline QuantVec make_quant_vec(float scale, int32_t zp, QuantSpec spec) {
  const int32_t lo = spec.qmin - zp;
  const int32_t hi = spec.qmax - zp;
  const double bound = clamp_bound(spec, zp);
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

// m = clamp(t) + magic for the 4 lanes at x, whose bits minus c.bias are k + zp; Checked mode also sets *dist to each
// lane's distance |t - k| (NaN for t = +Inf without the upper clamp, which the lane maximum ignores). Capped: no upper
// clamp (the caller caps the codes, see above).
template <Mode M, bool Capped = false> inline v128_t shifted4(const QuantVec& c, const float* x, v128_t* dist) {
  const v128_t v = load(x);
  v128_t t = M == Mode::Divide ? wasm_f32x4_div(v, c.div) : wasm_f32x4_mul(v, c.mul);
  t = wasm_f32x4_pmax(c.lo, t);                // lo < t ? t : lo, which is `t > lo ? t : lo`: NaN -> lo
  if (!Capped) t = wasm_f32x4_pmin(c.hi, t);  // t < hi ? t : hi
  const v128_t m = wasm_f32x4_add(t, c.magic);
  if constexpr (M == Mode::Checked) *dist = wasm_v128_and(wasm_f32x4_sub(t, wasm_f32x4_sub(m, c.magic)), c.abs_mask);
  return m;
}

// k + zp of the 4 lanes at x (see shifted4).
template <Mode M, bool Capped = false> inline v128_t codes4(const QuantVec& c, const float* x, v128_t* dist) {
  return wasm_i32x4_sub(shifted4<M, Capped>(c, x, dist), c.bias);
}

// The lane-wise minimum of narrowed codes and cap (qmax splat in the code type).
template <typename Code> inline v128_t cap_codes(v128_t v, v128_t cap) {
  constexpr bool is_signed = static_cast<Code>(-1) < 0;
  if constexpr (sizeof(Code) == 1) return is_signed ? wasm_i8x16_min(v, cap) : wasm_u8x16_min(v, cap);
  else return is_signed ? wasm_i16x8_min(v, cap) : wasm_u16x8_min(v, cap);
}

// Stores 16 int32 codes (four vectors, each at least qmin, possibly above qmax) narrowed with saturation and capped.
template <typename Code> inline void store_capped16(Code* out, v128_t a, v128_t b, v128_t c, v128_t d, v128_t cap) {
  if constexpr (sizeof(Code) == 1) {
    const v128_t ab = wasm_i16x8_narrow_i32x4(a, b);
    const v128_t cd = wasm_i16x8_narrow_i32x4(c, d);
    store(out, cap_codes<Code>(static_cast<Code>(-1) < 0 ? wasm_i8x16_narrow_i16x8(ab, cd) : wasm_u8x16_narrow_i16x8(ab, cd), cap));
  } else if constexpr (static_cast<Code>(-1) < 0) {
    store(out, cap_codes<Code>(wasm_i16x8_narrow_i32x4(a, b), cap));
    store(out + 8, cap_codes<Code>(wasm_i16x8_narrow_i32x4(c, d), cap));
  } else {
    store(out, cap_codes<Code>(wasm_u16x8_narrow_i32x4(a, b), cap));
    store(out + 8, cap_codes<Code>(wasm_u16x8_narrow_i32x4(c, d), cap));
  }
}

// The 32 codes at x by true division: a flagged block of Checked mode, rewritten out of line so that the hot loop keeps
// no value alive across its check (V8 would spill them).
template <typename Code> __attribute__((noinline)) void divide32(const QuantVec& c, const float* x, v128_t cap, Code* out) {
  for (size_t i = 0; i < 32; i += 16) {
    store_capped16(out + i, codes4<Mode::Divide, true>(c, x + i, nullptr), codes4<Mode::Divide, true>(c, x + i + 4, nullptr),
                   codes4<Mode::Divide, true>(c, x + i + 8, nullptr), codes4<Mode::Divide, true>(c, x + i + 12, nullptr), cap);
  }
}

// Which vectors of a block of 8 divide in Checked mode (bit j: vector j): all but 3 and 7.
constexpr unsigned kDividedVectors = 0x77;

template <Mode M, typename Code> void quantize_run(const float* x, size_t n, const QuantVec& c, const QuantParams<float>& p, Code* out) {
  v128_t cap;
  if constexpr (sizeof(Code) == 1) cap = wasm_i8x16_splat(static_cast<int8_t>(p.zp + static_cast<int32_t>(p.hi)));
  else cap = wasm_i16x8_splat(static_cast<int16_t>(p.zp + static_cast<int32_t>(p.hi)));  // qmax, as the code type's bits
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    v128_t dist = wasm_f32x4_splat(0.0f);
    v128_t v[8];
#pragma clang loop unroll(full)
    for (int j = 0; j < 8; j++) {
      if (M == Mode::Checked && (kDividedVectors >> j & 1) != 0) {
        v[j] = codes4<Mode::Divide, true>(c, x + i + 4 * j, nullptr);
      } else {
        v128_t d;
        v[j] = codes4<M, true>(c, x + i + 4 * j, &d);
        if constexpr (M == Mode::Checked) dist = wasm_f32x4_pmax(dist, d);  // dist < d ? d : dist: a NaN d is ignored
      }
    }
    store_capped16(out + i, v[0], v[1], v[2], v[3], cap);
    store_capped16(out + i + 16, v[4], v[5], v[6], v[7], cap);
    if (M == Mode::Checked && wasm_v128_any_true(wasm_f32x4_ge(dist, c.threshold))) divide32(c, x + i, cap, out + i);
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
  with_codes(out, out_type, [&](auto codes) { quantize_codes(x, n, scale, zp, spec, codes); });
}

void quantize_half(const uint16_t* x, HalfType t, size_t n, float scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  const size_t code_size = out_type == IntType::I8 || out_type == IntType::U8 ? 1 : 2;
  for_each_widened_simd(x, t, n, [&](const float* v, size_t len, size_t start) {
    quantize_f32(v, len, scale, zp, spec, out_type, static_cast<uint8_t*>(out) + start * code_size);
  });
}

/*
 * float64 runs, 2 lanes per vector: the same steps in double, with m = t + 1.5 * 2^52 whose low 32 bits are k (the
 * magic number's low word is zero and |k| <= 2^17), gathered from two vectors by one shuffle. ONNX multiplies and
 * checks every vector (the proof of avx2/quantize.h with u = 2^-53: tol = B * 2^-51, scales in [2^-1021, 2^1021]; a
 * block of 16 with a lane within tol of a half-integer is rewritten by f64x2.div), as f64x2.div costs twice f32x4.div
 * for half the lanes.
 */
struct QuantVec64 {
  v128_t mul, div, lo, hi, magic, abs_mask, threshold, zp;
};

inline QuantVec64 make_quant_vec64(double scale, int32_t zp, QuantSpec spec) {
  QuantVec64 c;
  c.mul = wasm_f64x2_splat(1.0 / scale);
  c.div = wasm_f64x2_splat(scale);
  c.lo = wasm_f64x2_splat(spec.qmin - zp);
  c.hi = wasm_f64x2_splat(spec.qmax - zp);
  const double bound = clamp_bound(spec, zp);
  c.magic = wasm_f64x2_splat(RoundMagic<double>::value);
  c.abs_mask = wasm_i64x2_splat(0x7fffffffffffffffLL);
  c.threshold = wasm_f64x2_splat(0.5 - bound * 0x1p-51);  // exact, as for float32
  c.zp = wasm_i32x4_splat(zp);
  return c;
}

template <Mode M> inline v128_t shifted2(const QuantVec64& c, const double* x, v128_t* dist) {
  const v128_t v = load(x);
  v128_t t = M == Mode::Divide ? wasm_f64x2_div(v, c.div) : wasm_f64x2_mul(v, c.mul);
  t = wasm_f64x2_pmax(c.lo, t);  // NaN -> lo
  t = wasm_f64x2_pmin(c.hi, t);
  const v128_t m = wasm_f64x2_add(t, c.magic);
  if constexpr (M == Mode::Checked) *dist = wasm_f64x2_pmax(*dist, wasm_v128_and(wasm_f64x2_sub(t, wasm_f64x2_sub(m, c.magic)), c.abs_mask));
  return m;
}

// k + zp of the 4 doubles at x, as int32 lanes.
template <Mode M> inline v128_t codes4_f64(const QuantVec64& c, const double* x, v128_t* dist) {
  const v128_t a = shifted2<M>(c, x, dist);
  const v128_t b = shifted2<M>(c, x + 2, dist);
  return wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 2, 4, 6), c.zp);
}

template <typename Code> __attribute__((noinline)) void divide16_f64(const QuantVec64& c, const double* x, Code* out) {
  v128_t unused;
  store_codes16(out, codes4_f64<Mode::Divide>(c, x, &unused), codes4_f64<Mode::Divide>(c, x + 4, &unused),
                codes4_f64<Mode::Divide>(c, x + 8, &unused), codes4_f64<Mode::Divide>(c, x + 12, &unused));
}

template <Mode M, typename Code> void quantize_run_f64(const double* x, size_t n, const QuantVec64& c, const QuantParams<double>& p, Code* out) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t dist = wasm_f64x2_splat(0.0);
    const v128_t v0 = codes4_f64<M>(c, x + i, &dist);
    const v128_t v1 = codes4_f64<M>(c, x + i + 4, &dist);
    const v128_t v2 = codes4_f64<M>(c, x + i + 8, &dist);
    const v128_t v3 = codes4_f64<M>(c, x + i + 12, &dist);
    store_codes16(out + i, v0, v1, v2, v3);
    if (M == Mode::Checked && wasm_v128_any_true(wasm_f64x2_ge(dist, c.threshold))) divide16_f64(c, x + i, out + i);
  }
  quantize_loop(x + i, n - i, p, out + i);
}

template <typename Code> void quantize_codes_f64(const double* x, size_t n, double scale, int32_t zp, QuantSpec spec, Code* out) {
  const QuantParams<double> p = make_quant_params(scale, zp, spec);
  const QuantVec64 c = make_quant_vec64(scale, zp, spec);
  if (spec.profile == Profile::PyTorch) return quantize_run_f64<Mode::Multiply>(x, n, c, p, out);
  if (scale >= 0x1p-1021 && scale <= 0x1p1021) return quantize_run_f64<Mode::Checked>(x, n, c, p, out);
  quantize_run_f64<Mode::Divide>(x, n, c, p, out);
}

void quantize_f64(const double* x, size_t n, double scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  with_codes(out, out_type, [&](auto codes) { quantize_codes_f64(x, n, scale, zp, spec, codes); });
}

// Blocks of `block` elements (the last one shorter) with given parameters (quantize_block_runs): each block is a run of
// quantize_f32, or of quantize_half for half inputs.
template <typename X, typename Run>
void quantize_block_runs_with(X x, size_t n, size_t block, const float* scales, const int32_t* zps, IntType out_type, void* out, Run run) {
  const size_t code_size = out_type == IntType::I8 || out_type == IntType::U8 ? 1 : 2;
  for (size_t b = 0, i = 0; i < n; b++, i += block) run(x + i, n - i < block ? n - i : block, scales[b], zps[b], static_cast<uint8_t*>(out) + i * code_size);
}

void quantize_block_runs(const float* x, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  quantize_block_runs_with(x, n, block, scales, zps, out_type, out, [&](const float* xb, size_t len, float s, int32_t zp, void* ob) {
    quantize_f32(xb, len, s, zp, spec, out_type, ob);
  });
}

void quantize_block_runs_half(const uint16_t* x, HalfType t, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec,
                              IntType out_type, void* out) {
  quantize_block_runs_with(x, n, block, scales, zps, out_type, out, [&](const uint16_t* xb, size_t len, float s, int32_t zp, void* ob) {
    quantize_half(xb, t, len, s, zp, spec, out_type, ob);
  });
}

// Blocks with parameters from their own data (quantize_blocks): common/params.h's loop on this set's min/max and runs.
template <typename F>
size_t quantize_blocks(const F* x, size_t n, size_t block, ParamScheme scheme, QuantSpec spec, IntType out_type, F* scales, int32_t* zps, void* out) {
  const size_t code_size = out_type == IntType::I8 || out_type == IntType::U8 ? 1 : 2;
  return quantize_blocks_loop(x, n, block, scheme, spec, scales, zps, min_max<F>, [&](const F* xb, size_t len, F scale, int32_t zp, size_t offset) {
    if constexpr (sizeof(F) == 4) quantize_f32(xb, len, scale, zp, spec, out_type, static_cast<uint8_t*>(out) + offset * code_size);
    else quantize_f64(xb, len, scale, zp, spec, out_type, static_cast<uint8_t*>(out) + offset * code_size);
  });
}

/*
 * Per-element parameters (quantize_groups: per-channel rows along the last axis, blocked rows with inner > 1): each lane
 * divides by its own scale (ONNX: f32x4.div, no check; PyTorch: fl(1 / s) by f32x4.div, then a multiply), clamps to
 * bounds made from its own zero point (qmin - zp and qmax - zp are exact in float), rounds with the magic number and
 * adds its zero point: quantize_groups_loop lane by lane.
 */
template <bool Divide, typename Code>
void quantize_groups_run(const float* x, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, Code* out) {
  const v128_t qmin = wasm_i32x4_splat(spec.qmin);
  const v128_t qmax = wasm_i32x4_splat(spec.qmax);
  const v128_t magic = wasm_f32x4_splat(RoundMagic<float>::value);
  const v128_t magic_bits = wasm_i32x4_splat(0x4b400000);  // bits of 1.5 * 2^23
  const v128_t one = wasm_f32x4_splat(1.0f);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t v[4];
    for (size_t j = 0; j < 4; j++) {
      const size_t at = i + 4 * j;
      const v128_t s = load(scales + at);
      const v128_t zp = load(zps + at);
      const v128_t x4 = load(x + at);
      v128_t t = Divide ? wasm_f32x4_div(x4, s) : wasm_f32x4_mul(x4, wasm_f32x4_div(one, s));
      t = wasm_f32x4_pmax(wasm_f32x4_convert_i32x4(wasm_i32x4_sub(qmin, zp)), t);  // NaN -> lo
      t = wasm_f32x4_pmin(wasm_f32x4_convert_i32x4(wasm_i32x4_sub(qmax, zp)), t);
      v[j] = wasm_i32x4_add(wasm_i32x4_sub(wasm_f32x4_add(t, magic), magic_bits), zp);
    }
    store_codes16(out + i, v[0], v[1], v[2], v[3]);
  }
  quantize_groups_loop<float, float, Code, Divide>(x + i, n - i, scales + i, zps + i, spec, out + i);
}

void quantize_groups_f32(const float* x, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  with_codes(out, out_type, [&](auto codes) {
    if (spec.profile == Profile::Onnx) quantize_groups_run<true>(x, n, scales, zps, spec, codes);
    else quantize_groups_run<false>(x, n, scales, zps, spec, codes);
  });
}

void quantize_groups_half(const uint16_t* x, HalfType t, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type,
                          void* out) {
  const size_t code_size = out_type == IntType::I8 || out_type == IntType::U8 ? 1 : 2;
  for_each_widened_simd(x, t, n, [&](const float* v, size_t len, size_t start) {
    quantize_groups_f32(v, len, scales + start, zps + start, spec, out_type, static_cast<uint8_t*>(out) + start * code_size);
  });
}

}  // namespace
}  // namespace quantkit::simd128
