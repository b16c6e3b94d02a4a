// AVX2 quantize kernels: one scale and zero point per run (quantize), and one per element (quantize_groups), of
// float32 and float64 inputs, and of half inputs through the float32 bodies (their loads widen in the register).
#pragma once

#include "../common/half.h"
#include "../common/params.h"
#include "../common/quantize.h"
#include "reduce.h"
#include "vec.h"

namespace quantkit::avx2 {
namespace {

/*
 * Quantize.
 *
 * Per lane: t = x / s (ONNX) or x * r (PyTorch, r = fl(1 / s)); t = max(t, lo) (_mm256_max_ps returns its SECOND
 * operand when either is NaN, so NaN -> lo, like `t > lo ? t : lo`); t = min(t, hi); then m = t + 1.5 * 2^23 rounds t
 * to an integer k with ties to even (|t| <= 2^17, see common/element.h), and the bits of m minus the bits of the magic
 * number are k as an int32 (m and the magic number lie in the same binade [2^23, 2^24), whose ulp is 1). Adding zp
 * gives the code, already inside the output type's range, so saturating packs narrow it exactly.
 *
 * ONNX at multiply speed (Mode::Checked). A division costs ~3x a multiply, so the ONNX body computes p = fl(x * r)
 * and proves per lane that rounding p gives the same code as rounding the true quotient q = fl(x / s); lanes where it
 * cannot (p within a tolerance of a half-integer) send their 32-element block through a true _mm256_div_ps.
 *
 * Claim. Let u = 2^-24, s a float in [2^-125, 2^125], r = fl(1/s), lo <= 0 <= hi integers with B = max(-lo, hi)
 * < 2^17, R(v) = roundHalfEven(clamp(v, lo, hi)) with NaN -> lo, t = clamp(p, lo, hi), k = roundHalfEven(t),
 * d = |t - k|, tol = B * 4u. If d < 0.5 - tol, then R(q) = R(p) = k.
 *
 * Facts used. (1) R is monotone, constant on every interval (j - 1/2, j + 1/2) for an integer j (with value
 * clamp(j)), and equal to lo below lo and to hi above hi (the bounds are integers). (2) In the normal range a rounding
 * has relative error below u. 1/s lies in [2^-125, 2^125], so r = (1/s)(1 + e1) with |e1| < u.
 *
 * Proof, by cases (x is finite, infinite or NaN; r is finite, positive and normal):
 * (a) x NaN: p and q are NaN and both give lo. x = +-Inf: p = q = +-Inf, the same bound. Below x is finite,
 *     Q = x / s exactly and q = fl(Q).
 * (b) |p| >= 0.25, p finite. The exact product x r = Q (1 + e1) is at least 0.25 (1 - u) in magnitude, so normal:
 *     p = Q (1 + e1)(1 + e2). If q does not overflow, q = Q (1 + e3) with |e2|, |e3| < u, and
 *     |p - q| = |Q| |(1 + e1)(1 + e2) - (1 + e3)| < |Q| (3u + u^2) <= |p| (3u + u^2) / (1 - u)^2 < 4u |p|.   (*)
 *     (b1) lo <= p <= hi: t = p and |p| <= B (so Q < 2^18 and q cannot overflow). |q - k| <= |q - p| + d <
 *          4u B + d = tol + d < 0.5, so q lies in (k - 1/2, k + 1/2) and R(q) = clamp(k) = k = R(p).
 *     (b2) p > hi: t = hi, k = hi, d = 0 < 0.5 - tol (tol <= 2^17 * 2^-22 = 1/32): never flagged, R(p) = hi.
 *          If p <= 2^17, (*) gives q > p - 1/32 > hi - 1/2. If p > 2^17, q overflows (q = +Inf > hi) or (*) gives
 *          q > p (1 - 4u) > 2^17 - 1 >= B >= hi. Either way R(q) = hi by (1).
 *     (b3) p < lo: symmetric to (b2).
 * (c) |p| < 0.25: t = p or t = 0 (a bound is 0), so k = 0 and d = |t| < 0.25 < 0.5 - 1/32: never flagged, R(p) = 0.
 *     |x r| < 0.25 + 2^-149 (a subnormal result is off by at most 2^-150), so |Q| < (0.25 + 2^-149) / (1 - u) and
 *     |q| < 0.26: R(q) = 0 by (1), as lo <= 0 <= hi.
 * (d) p = +-Inf (overflow): |x r| >= (2 - 2^-24) 2^127, so |Q| > 2^127 and q is beyond the same bound as p.
 * The test evaluates d exactly (t - k is exact: |t| < 2^23 and |t - k| <= 1/2 in the ulp grid of t) and compares it
 * with 0.5 - tol, which is exact in float (B 2^-22 has no bits below 2^-22, and 0.5 - 1/32 >= 2^-2 keeps them).
 * So an unflagged lane is provably right; a flagged lane is merely recomputed. For float64 the same proof holds with
 * u = 2^-53, tol = B * 2^-51 and s in [2^-1021, 2^1021] (d is exact since |t| < 2^52).
 *
 * Cost: with tol <= 255 * 2^-22 for 8-bit codes, a lane of smooth data is flagged with probability ~1.2e-4, so the
 * division runs on well under 1% of the blocks. 16-bit codes have a larger B and flag more blocks (still correct).
 * Adversarial inputs (exact and near ties) flag every block and simply run at division speed.
 */
enum class Mode { Multiply, Checked, Divide };

// Per-run constants of the vector body.
template <typename F> struct QuantVec {
  using V = typename Vec<F>::V;
  V mul;        // r = fl(1 / scale)
  V div;        // scale
  V lo;         // qmin - zp
  V hi;         // qmax - zp
  V magic;      // 1.5 * 2^23 or 1.5 * 2^52
  V abs_mask;
  V threshold;  // 0.5 - tol
  __m256i bias;  // float32: bits(magic) - zp, subtracted from bits(m) (codes8)
  __m256i zp;    // float64: 8 x zp, added to the low words of m (codes8)
};

// Per precision: 4u, the scales the proof above covers (1/s normal and finite with room to spare).
template <typename F> struct QuantLimits;
template <> struct QuantLimits<float> {
  static constexpr double four_u = 0x1p-22;
  static constexpr float min_scale = 0x1p-125f;
  static constexpr float max_scale = 0x1p125f;
};
template <> struct QuantLimits<double> {
  static constexpr double four_u = 0x1p-51;
  static constexpr double min_scale = 0x1p-1021;
  static constexpr double max_scale = 0x1p1021;
};

// B = max(-lo, hi), the largest |t| after clamping.
inline double clamp_bound(QuantSpec spec, int32_t zp) {
  const int32_t lo = spec.qmin - zp;
  const int32_t hi = spec.qmax - zp;
  return static_cast<double>(-lo > hi ? -lo : hi);
}

template <typename F> inline QuantVec<F> make_quant_vec(F scale, int32_t zp, QuantSpec spec) {
  using A = Vec<F>;
  QuantVec<F> c;
  c.mul = A::set1(F(1) / scale);
  c.div = A::set1(scale);
  c.lo = A::set1(static_cast<F>(spec.qmin - zp));
  c.hi = A::set1(static_cast<F>(spec.qmax - zp));
  c.magic = A::set1(RoundMagic<F>::value);
  c.abs_mask = A::abs_mask();
  c.threshold = A::set1(static_cast<F>(0.5 - clamp_bound(spec, zp) * QuantLimits<F>::four_u));  // exact, see above
  if constexpr (sizeof(F) == 4) {
    c.bias = _mm256_set1_epi32(0x4b400000 - zp);  // 0x4b400000 = bits of 1.5 * 2^23
  } else {
    c.zp = _mm256_set1_epi32(zp);
  }
  return c;
}

template <typename F> inline Mode quantize_mode(F scale, QuantSpec spec) {
  if (spec.profile == Profile::PyTorch) return Mode::Multiply;
  return scale >= QuantLimits<F>::min_scale && scale <= QuantLimits<F>::max_scale ? Mode::Checked : Mode::Divide;
}

// m = clamp(t) + magic, whose low bits hold the rounded value; Checked mode ORs the unsafe lanes into *flag.
template <Mode M, typename F>
inline typename Vec<F>::V shifted(const QuantVec<F>& c, typename Vec<F>::V x, typename Vec<F>::V* flag) {
  using A = Vec<F>;
  auto t = M == Mode::Divide ? A::div(x, c.div) : A::mul(x, c.mul);
  t = A::max(t, c.lo);  // NaN -> lo: the second operand wins on NaN
  t = A::min(t, c.hi);
  const auto m = A::add(t, c.magic);
  if constexpr (M == Mode::Checked) {
    const auto d = A::bit_and(A::sub(t, A::sub(m, c.magic)), c.abs_mask);
    *flag = A::bit_or(*flag, A::greater_equal(d, c.threshold));
  }
  return m;
}

// 8 codes (int32) from the 8 floats at x (a const float*, or a HalfRun widened by Vec<float>::load).
template <Mode M, typename X> inline __m256i codes8(const QuantVec<float>& c, X x, __m256* flag) {
  return _mm256_sub_epi32(_mm256_castps_si256(shifted<M>(c, Vec<float>::load(x), flag)), c.bias);
}

// 8 codes (int32) from the 8 doubles at x. The low 32 bits of bits(m) are k (the magic number's low word is zero).
template <Mode M> inline __m256i codes8(const QuantVec<double>& c, const double* x, __m256d* flag) {
  const __m256d m0 = shifted<M>(c, _mm256_loadu_pd(x), flag);
  const __m256d m1 = shifted<M>(c, _mm256_loadu_pd(x + 4), flag);
  const __m256 low = _mm256_shuffle_ps(_mm256_castpd_ps(m0), _mm256_castpd_ps(m1), _MM_SHUFFLE(2, 0, 2, 0));
  const __m256i k = _mm256_permute4x64_epi64(_mm256_castps_si256(low), _MM_SHUFFLE(3, 1, 2, 0));
  return _mm256_add_epi32(k, c.zp);
}

// Narrowing stores of codes already inside the output range (the saturating packs are exact there).
template <IntType T> inline void store_codes8(void* out, size_t i, __m256i v) {
  const __m128i lo = _mm256_castsi256_si128(v);
  const __m128i hi = _mm256_extracti128_si256(v, 1);
  if constexpr (T == IntType::I8) {
    const __m128i w = _mm_packs_epi32(lo, hi);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(static_cast<int8_t*>(out) + i), _mm_packs_epi16(w, w));
  } else if constexpr (T == IntType::U8) {
    const __m128i w = _mm_packs_epi32(lo, hi);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(static_cast<uint8_t*>(out) + i), _mm_packus_epi16(w, w));
  } else if constexpr (T == IntType::I16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(static_cast<int16_t*>(out) + i), _mm_packs_epi32(lo, hi));
  } else {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(static_cast<uint16_t*>(out) + i), _mm_packus_epi32(lo, hi));
  }
}

template <IntType T> inline void store_codes32(void* out, size_t i, __m256i a, __m256i b, __m256i c, __m256i d) {
  if constexpr (T == IntType::I8 || T == IntType::U8) {
    // packs interleave 128-bit lanes: ab = [a0-3 b0-3 | a4-7 b4-7], bytes = [a0-3 b0-3 c0-3 d0-3 | a4-7 ...].
    const __m256i ab = _mm256_packs_epi32(a, b);
    const __m256i cd = _mm256_packs_epi32(c, d);
    const __m256i bytes = T == IntType::I8 ? _mm256_packs_epi16(ab, cd) : _mm256_packus_epi16(ab, cd);
    const __m256i ordered = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(static_cast<uint8_t*>(out) + i), ordered);
  } else {
    const bool is_signed = T == IntType::I16;
    const __m256i ab = is_signed ? _mm256_packs_epi32(a, b) : _mm256_packus_epi32(a, b);
    const __m256i cd = is_signed ? _mm256_packs_epi32(c, d) : _mm256_packus_epi32(c, d);
    uint16_t* o = static_cast<uint16_t*>(out) + i;
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), _mm256_permute4x64_epi64(ab, _MM_SHUFFLE(3, 1, 2, 0)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 16), _mm256_permute4x64_epi64(cd, _MM_SHUFFLE(3, 1, 2, 0)));
  }
}

// x: a const F*, or for F = float a HalfRun (half elements widened by the loads; the tail by common/half.h's loop).
template <typename F, IntType T, Mode M, typename X>
void quantize_run(X x, size_t n, const QuantVec<F>& c, const QuantParams<F>& p, void* out) {
  using A = Vec<F>;
  using Code = typename CodeType<T>::type;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    typename A::V flag = A::zero();
    __m256i q0 = codes8<M>(c, x + i, &flag);
    __m256i q1 = codes8<M>(c, x + i + 8, &flag);
    __m256i q2 = codes8<M>(c, x + i + 16, &flag);
    __m256i q3 = codes8<M>(c, x + i + 24, &flag);
    if (M == Mode::Checked && A::any(flag)) {
      q0 = codes8<Mode::Divide>(c, x + i, &flag);
      q1 = codes8<Mode::Divide>(c, x + i + 8, &flag);
      q2 = codes8<Mode::Divide>(c, x + i + 16, &flag);
      q3 = codes8<Mode::Divide>(c, x + i + 24, &flag);
    }
    store_codes32<T>(out, i, q0, q1, q2, q3);
  }
  for (; i + 8 <= n; i += 8) {
    typename A::V flag = A::zero();
    __m256i q0 = codes8<M>(c, x + i, &flag);
    if (M == Mode::Checked && A::any(flag)) q0 = codes8<Mode::Divide>(c, x + i, &flag);
    store_codes8<T>(out, i, q0);
  }
  quantize_loop(x + i, n - i, p, static_cast<Code*>(out) + i);
}

template <typename F, IntType T, typename X>
void quantize_typed(X x, size_t n, const QuantVec<F>& c, const QuantParams<F>& p, Mode mode, void* out) {
  switch (mode) {
    case Mode::Multiply: quantize_run<F, T, Mode::Multiply>(x, n, c, p, out); return;
    case Mode::Checked: quantize_run<F, T, Mode::Checked>(x, n, c, p, out); return;
    case Mode::Divide: quantize_run<F, T, Mode::Divide>(x, n, c, p, out); return;
  }
}

template <typename F, typename X = const F*> void quantize(X x, size_t n, F scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  const QuantParams<F> p = make_quant_params(scale, zp, spec);
  const QuantVec<F> c = make_quant_vec(scale, zp, spec);
  const Mode mode = quantize_mode(scale, spec);
  switch (out_type) {
    case IntType::I8: quantize_typed<F, IntType::I8>(x, n, c, p, mode, out); return;
    case IntType::U8: quantize_typed<F, IntType::U8>(x, n, c, p, mode, out); return;
    case IntType::I16: quantize_typed<F, IntType::I16>(x, n, c, p, mode, out); return;
    case IntType::U16: quantize_typed<F, IntType::U16>(x, n, c, p, mode, out); return;
  }
}

/*
 * Quantize with a scale and zero point per element (quantize_groups: per-channel rows along the last axis, blocked
 * rows with inner > 1), the vector form of quantize_groups_loop. Each lane divides by its own scale (ONNX: a true
 * _mm256_div_ps, so no tie check; PyTorch: r = fl(1 / s) by _mm256_div_ps, then a multiply), clamps to bounds made
 * from its own zero point (qmin - zp and qmax - zp are exact in float), and rounds with the magic number as above.
 */
template <IntType T, bool Divide, typename X>
void quantize_groups_run(X x, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, void* out) {
  using Code = typename CodeType<T>::type;
  const __m256i qmin = _mm256_set1_epi32(spec.qmin);
  const __m256i qmax = _mm256_set1_epi32(spec.qmax);
  const __m256 magic = _mm256_set1_ps(RoundMagic<float>::value);
  const __m256i magic_bits = _mm256_set1_epi32(0x4b400000);  // bits of 1.5 * 2^23
  const __m256 one = _mm256_set1_ps(1.0f);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 s = _mm256_loadu_ps(scales + i);
    const __m256i zp = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(zps + i));
    const __m256 lo = _mm256_cvtepi32_ps(_mm256_sub_epi32(qmin, zp));
    const __m256 hi = _mm256_cvtepi32_ps(_mm256_sub_epi32(qmax, zp));
    const __m256 v = Vec<float>::load(x + i);
    __m256 t = Divide ? _mm256_div_ps(v, s) : _mm256_mul_ps(v, _mm256_div_ps(one, s));
    t = _mm256_max_ps(t, lo);  // NaN -> lo
    t = _mm256_min_ps(t, hi);
    const __m256i k = _mm256_sub_epi32(_mm256_castps_si256(_mm256_add_ps(t, magic)), magic_bits);
    store_codes8<T>(out, i, _mm256_add_epi32(k, zp));
  }
  quantize_groups_loop<float, float, Code, Divide>(x + i, n - i, scales + i, zps + i, spec, static_cast<Code*>(out) + i);
}

template <IntType T, bool Divide>
void quantize_groups_run(const double* x, size_t n, const double* scales, const int32_t* zps, QuantSpec spec, void* out) {
  using Code = typename CodeType<T>::type;
  const __m128i qmin = _mm_set1_epi32(spec.qmin);
  const __m128i qmax = _mm_set1_epi32(spec.qmax);
  const __m256d magic = _mm256_set1_pd(RoundMagic<double>::value);
  const __m256d one = _mm256_set1_pd(1.0);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256d m[2];
    for (size_t h = 0; h < 2; h++) {
      const __m128i zp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(zps + i + 4 * h));
      const __m256d lo = _mm256_cvtepi32_pd(_mm_sub_epi32(qmin, zp));
      const __m256d hi = _mm256_cvtepi32_pd(_mm_sub_epi32(qmax, zp));
      const __m256d s = _mm256_loadu_pd(scales + i + 4 * h);
      const __m256d v = _mm256_loadu_pd(x + i + 4 * h);
      __m256d t = Divide ? _mm256_div_pd(v, s) : _mm256_mul_pd(v, _mm256_div_pd(one, s));
      t = _mm256_max_pd(t, lo);
      t = _mm256_min_pd(t, hi);
      m[h] = _mm256_add_pd(t, magic);
    }
    // The low 32 bits of bits(m) are k, gathered in element order as in codes8.
    const __m256 low = _mm256_shuffle_ps(_mm256_castpd_ps(m[0]), _mm256_castpd_ps(m[1]), _MM_SHUFFLE(2, 0, 2, 0));
    const __m256i k = _mm256_permute4x64_epi64(_mm256_castps_si256(low), _MM_SHUFFLE(3, 1, 2, 0));
    store_codes8<T>(out, i, _mm256_add_epi32(k, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(zps + i))));
  }
  quantize_groups_loop<double, double, Code, Divide>(x + i, n - i, scales + i, zps + i, spec, static_cast<Code*>(out) + i);
}

template <typename F, bool Divide, typename X>
void quantize_groups_typed(X x, size_t n, const F* scales, const int32_t* zps, QuantSpec spec, IntType t, void* out) {
  switch (t) {
    case IntType::I8: quantize_groups_run<IntType::I8, Divide>(x, n, scales, zps, spec, out); return;
    case IntType::U8: quantize_groups_run<IntType::U8, Divide>(x, n, scales, zps, spec, out); return;
    case IntType::I16: quantize_groups_run<IntType::I16, Divide>(x, n, scales, zps, spec, out); return;
    case IntType::U16: quantize_groups_run<IntType::U16, Divide>(x, n, scales, zps, spec, out); return;
  }
}

template <typename F, typename X = const F*>
void quantize_groups(X x, size_t n, const F* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  if (spec.profile == Profile::Onnx) quantize_groups_typed<F, true>(x, n, scales, zps, spec, out_type, out);
  else quantize_groups_typed<F, false>(x, n, scales, zps, spec, out_type, out);
}

/*
 * Half inputs: the float32 bodies above with x a HalfRun, whose loads (Vec<float>::load) widen 8 float16 elements by
 * F16C's vcvtph2ps, or 8 bfloat16 elements by a zero extension and a 16-bit shift, straight into the register the
 * float32 body would have loaded: the same lanes, so the same codes (the Checked-mode proof included), reading half
 * the bytes. Tails widen into a small stack buffer for the float32 loops (common/half.h).
 */
void quantize_half(const uint16_t* x, HalfType t, size_t n, float scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  with_half_type(t, x, [&](auto run) { quantize<float>(run, n, scale, zp, spec, out_type, out); });
}

void quantize_groups_half(const uint16_t* x, HalfType t, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type,
                          void* out) {
  with_half_type(t, x, [&](auto run) { quantize_groups<float>(run, n, scales, zps, spec, out_type, out); });
}

/*
 * Blocks with parameters from their own data (quantize_blocks): per block, min/max by the reduce kernel, parameters in
 * scalar float64 (common/params.h), then the quantize body above with that block's constants. The block loop is
 * compiled once per code type, so a block pays no dispatch beyond its quantize mode.
 */
template <typename F, IntType T>
size_t quantize_blocks_typed(const F* x, size_t n, size_t block, ParamScheme scheme, QuantSpec spec, F* scales, int32_t* zps, void* out) {
  using Code = typename CodeType<T>::type;
  return quantize_blocks_loop(x, n, block, scheme, spec, scales, zps, min_max_block<F>, [&](const F* xb, size_t len, F scale, int32_t zp, size_t offset) {
    const QuantParams<F> p = make_quant_params(scale, zp, spec);
    const QuantVec<F> c = make_quant_vec(scale, zp, spec);
    quantize_typed<F, T>(xb, len, c, p, quantize_mode(scale, spec), static_cast<Code*>(out) + offset);
  });
}

/*
 * The float32 path for blocks of a multiple of 8 elements (32 is the common size), in batches of kBlockBatch blocks
 * that stay in L1: the min/max of every block of the batch, then their parameters and per-block constants (those of
 * make_quant_vec), then their codes, each 8-lane vector with its block's constants broadcast. The lane arithmetic is
 * shifted<M> of the per-run body (ONNX: the checked multiply, redone with a true division for a vector that fails the
 * check; blocks with a scale outside the checked range go through the per-run Divide body), so the codes are the same.
 */
constexpr size_t kBlockBatch = 64;

// The per-block constants of a batch (those of make_quant_vec), one array per constant so a block broadcasts each
// from memory.
struct BatchConsts {
  alignas(32) float mul[kBlockBatch];        // fl(1 / scale)
  alignas(32) float scale[kBlockBatch];
  alignas(32) float lo[kBlockBatch];         // qmin - zp
  alignas(32) float hi[kBlockBatch];         // qmax - zp
  alignas(32) float threshold[kBlockBatch];  // 0.5 - tol (see the Checked-mode proof above)
  alignas(32) int32_t bias[kBlockBatch];     // bits(1.5 * 2^23) - zp
  uint64_t divide = 0;                       // bit j: ONNX with a scale outside [2^-125, 2^125], the Divide body

  bool divides(size_t j) const { return (divide >> j) & 1; }
};
static_assert(kBlockBatch <= 64, "BatchConsts::divide holds one bit per block");

inline void set_consts(BatchConsts& c, size_t j, float scale, int32_t zp, QuantSpec spec) {
  c.mul[j] = 1.0f / scale;
  c.scale[j] = scale;
  c.lo[j] = static_cast<float>(spec.qmin - zp);
  c.hi[j] = static_cast<float>(spec.qmax - zp);
  c.threshold[j] = static_cast<float>(0.5 - clamp_bound(spec, zp) * QuantLimits<float>::four_u);
  c.bias[j] = 0x4b400000 - zp;
  const uint64_t bit = uint64_t{1} << j;
  c.divide = quantize_mode(scale, spec) == Mode::Divide ? c.divide | bit : c.divide & ~bit;
}

/*
 * params_from_range for `groups` groups of 4 blocks (lo_in / hi_in: 4 * groups ranges) in float64 lanes, then their
 * constants into c from index j on, when none of the ranges is refused (returns false otherwise, writing no parameter;
 * the caller then takes the blocks one by one). Lane by lane the same IEEE operations as params_from_range:
 * _mm256_round_pd rounds half to even like round_half_even_any (|quotient| is at most about qmax - qmin here), the zero
 * of `low`'s sign is the only difference (_mm256_min_pd(lo, 0) gives +0 for lo = -0), and it cannot change a result:
 * low / scale is then ±0, which rounds to ±0 and leaves qmin - 0 = qmin.
 *
 * The work runs in three passes over the groups (scales, then zero points, then constants) rather than group by group:
 * each group is one long chain of dependent divisions and conversions, and passes of independent iterations let the
 * CPU overlap the chains of many groups (group by group, this was a third of the blocked kernel's time).
 */
template <bool Symmetric>
inline bool params_groups(const double* lo_in, const double* hi_in, size_t groups, QuantSpec spec, float* scales, int32_t* zps, BatchConsts& c, size_t j) {
  const __m256d inf = _mm256_set1_pd(__builtin_inf());
  const __m256d zero = _mm256_setzero_pd();
  const __m256d levels = _mm256_set1_pd(Symmetric ? static_cast<double>(spec.qmax) : static_cast<double>(spec.qmax) - spec.qmin);
  const __m256d min_normal = _mm256_set1_pd(MinNormal<float>::value);
  const __m256d all_ones = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
  alignas(32) double scale_d[kBlockBatch];
  alignas(32) double low_d[kBlockBatch];
  alignas(32) int32_t zp_i[kBlockBatch];
  __m256d refused = zero;
  for (size_t g = 0; g < groups; g++) {
    __m256d lo = _mm256_loadu_pd(lo_in + 4 * g);
    __m256d hi = _mm256_loadu_pd(hi_in + 4 * g);
    const __m256d empty = _mm256_and_pd(_mm256_cmp_pd(lo, inf, _CMP_EQ_OQ), _mm256_cmp_pd(hi, _mm256_sub_pd(zero, inf), _CMP_EQ_OQ));
    lo = _mm256_blendv_pd(lo, zero, empty);
    hi = _mm256_blendv_pd(hi, zero, empty);
    // Refused: not lo <= hi, or an infinite bound (hi < inf and lo > -inf fail for NaN too).
    const __m256d fine = _mm256_and_pd(_mm256_cmp_pd(lo, hi, _CMP_LE_OQ),
                                       _mm256_and_pd(_mm256_cmp_pd(lo, _mm256_sub_pd(zero, inf), _CMP_GT_OQ), _mm256_cmp_pd(hi, inf, _CMP_LT_OQ)));
    const __m256d low = Symmetric ? zero : _mm256_min_pd(lo, zero);
    const __m256d neg_lo = _mm256_sub_pd(zero, lo);
    const __m256d width = Symmetric ? _mm256_max_pd(_mm256_max_pd(neg_lo, hi), zero) : _mm256_sub_pd(_mm256_max_pd(hi, zero), low);
    __m256d scale = _mm256_cvtps_pd(_mm256_cvtpd_ps(_mm256_div_pd(width, levels)));  // the float64 quotient rounded once to float
    refused = _mm256_or_pd(refused, _mm256_or_pd(_mm256_andnot_pd(fine, all_ones), _mm256_cmp_pd(scale, inf, _CMP_EQ_OQ)));
    scale = _mm256_blendv_pd(scale, _mm256_set1_pd(1.0), _mm256_cmp_pd(width, zero, _CMP_EQ_OQ));
    scale = _mm256_blendv_pd(scale, min_normal, _mm256_cmp_pd(scale, min_normal, _CMP_LT_OQ));
    _mm256_store_pd(scale_d + 4 * g, scale);
    _mm256_store_pd(low_d + 4 * g, low);
  }
  if (_mm256_movemask_pd(refused) != 0) return false;
  for (size_t g = 0; g < groups; g++) {
    __m128i zp = _mm_setzero_si128();
    if (!Symmetric) {
      const __m256d quotient = _mm256_cvtps_pd(_mm256_cvtpd_ps(_mm256_div_pd(_mm256_load_pd(low_d + 4 * g), _mm256_load_pd(scale_d + 4 * g))));  // Math.fround
      const __m256d rounded = _mm256_round_pd(quotient, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      __m256d z = _mm256_sub_pd(_mm256_set1_pd(spec.qmin), rounded);
      z = _mm256_min_pd(_mm256_max_pd(z, _mm256_set1_pd(spec.qmin)), _mm256_set1_pd(spec.qmax));
      zp = _mm256_cvttpd_epi32(z);  // an integer in [qmin, qmax]: exact
    }
    _mm_store_si128(reinterpret_cast<__m128i*>(zp_i + 4 * g), zp);
  }
  for (size_t g = 0; g < groups; g++) {
    const size_t at = j + 4 * g;
    const __m128 scale_f = _mm256_cvtpd_ps(_mm256_load_pd(scale_d + 4 * g));  // float values: exact
    const __m128i zp = _mm_load_si128(reinterpret_cast<const __m128i*>(zp_i + 4 * g));
    _mm_storeu_ps(scales + 4 * g, scale_f);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(zps + 4 * g), zp);
    // The constants of the 4 blocks, as set_consts makes them.
    _mm_storeu_ps(c.mul + at, _mm_div_ps(_mm_set1_ps(1.0f), scale_f));
    _mm_storeu_ps(c.scale + at, scale_f);
    const __m128i lo_i = _mm_sub_epi32(_mm_set1_epi32(spec.qmin), zp);
    const __m128i hi_i = _mm_sub_epi32(_mm_set1_epi32(spec.qmax), zp);
    _mm_storeu_ps(c.lo + at, _mm_cvtepi32_ps(lo_i));
    _mm_storeu_ps(c.hi + at, _mm_cvtepi32_ps(hi_i));
    const __m256d bound = _mm256_cvtepi32_pd(_mm_max_epi32(_mm_sub_epi32(_mm_setzero_si128(), lo_i), hi_i));  // B = max(-lo, hi)
    const __m256d tol = _mm256_mul_pd(bound, _mm256_set1_pd(QuantLimits<float>::four_u));
    _mm_storeu_ps(c.threshold + at, _mm256_cvtpd_ps(_mm256_sub_pd(_mm256_set1_pd(0.5), tol)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(c.bias + at), _mm_sub_epi32(_mm_set1_epi32(0x4b400000), zp));
    // Divide: an ONNX scale outside the checked multiply's range (quantize_mode's test, on the vector of 4; the
    // scales are never NaN).
    uint64_t divide = 0;
    if (spec.profile == Profile::Onnx) {
      const __m128 outside = _mm_or_ps(_mm_cmplt_ps(scale_f, _mm_set1_ps(QuantLimits<float>::min_scale)),
                                       _mm_cmpgt_ps(scale_f, _mm_set1_ps(QuantLimits<float>::max_scale)));
      divide = static_cast<uint64_t>(_mm_movemask_ps(outside));
    }
    c.divide = (c.divide & ~(uint64_t{0xf} << at)) | divide << at;
  }
  return true;
}

// x: a const float*, or a HalfRun (Vec<float>::load widens 8 half elements). Groups of 32 elements take four vectors
// at once, one ONNX check for the four (a vector whose check fails is redone with a true division; redoing the other
// three as well changes nothing, since for them the multiply already gives the division's code) and one 32-code
// store; the rest of the block goes 8 at a time.
template <IntType T, bool Onnx, size_t Block = 0, typename X>
__attribute__((always_inline)) inline void quantize_block8(X x, size_t block_size, const BatchConsts& k, size_t j, void* out) {
  const size_t block = Block != 0 ? Block : block_size;  // a constant 32 unrolls the loops below into straight code
  const __m256 mul = _mm256_broadcast_ss(k.mul + j);
  const __m256 lo = _mm256_broadcast_ss(k.lo + j);
  const __m256 hi = _mm256_broadcast_ss(k.hi + j);
  const __m256 magic = _mm256_set1_ps(RoundMagic<float>::value);
  const __m256i bias = _mm256_set1_epi32(k.bias[j]);
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  // t = clamp(v * mul) (NaN -> lo), m = t + magic; `dmax` keeps the largest d = |t - k| of the lanes, whose
  // multiply may round otherwise where d >= threshold (d is never NaN: t is clamped, so one comparison of the maximum
  // flags the same vectors as a comparison per lane).
  const auto multiply = [&](__m256 v, __m256& m, __m256& dmax) {
    const __m256 t = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(v, mul), lo), hi);
    m = _mm256_add_ps(t, magic);
    if constexpr (Onnx) dmax = _mm256_max_ps(dmax, _mm256_and_ps(_mm256_sub_ps(t, _mm256_sub_ps(m, magic)), abs_mask));
  };
  const auto failed = [&](__m256 dmax) {
    const __m256 fails = _mm256_cmp_ps(dmax, _mm256_broadcast_ss(k.threshold + j), _CMP_GE_OQ);
    return !_mm256_testz_ps(fails, fails);
  };
  const auto divide = [&](__m256 v) {
    return _mm256_add_ps(_mm256_min_ps(_mm256_max_ps(_mm256_div_ps(v, _mm256_broadcast_ss(k.scale + j)), lo), hi), magic);
  };
  const auto code = [&](__m256 m) { return _mm256_sub_epi32(_mm256_castps_si256(m), bias); };
  size_t i = 0;
  for (; i + 32 <= block; i += 32) {
    const __m256 v0 = Vec<float>::load(x + i), v1 = Vec<float>::load(x + i + 8), v2 = Vec<float>::load(x + i + 16), v3 = Vec<float>::load(x + i + 24);
    __m256 m0, m1, m2, m3, dmax = _mm256_setzero_ps();
    multiply(v0, m0, dmax);
    multiply(v1, m1, dmax);
    multiply(v2, m2, dmax);
    multiply(v3, m3, dmax);
    if (Onnx && failed(dmax)) {
      m0 = divide(v0);
      m1 = divide(v1);
      m2 = divide(v2);
      m3 = divide(v3);
    }
    store_codes32<T>(out, i, code(m0), code(m1), code(m2), code(m3));
  }
  for (; i < block; i += 8) {
    const __m256 v = Vec<float>::load(x + i);
    __m256 m, dmax = _mm256_setzero_ps();
    multiply(v, m, dmax);
    if (Onnx && failed(dmax)) m = divide(v);
    store_codes8<T>(out, i, code(m));
  }
}

/*
 * The min/max of 8 consecutive blocks of `block` elements (a multiple of 8), NaN ignored (+inf / -inf for a block
 * without numbers), into lo[0, 8) / hi[0, 8) as float64. Each block folds its vectors into one accumulator lane-wise
 * (`min(v, acc)` keeps acc for a NaN v, as min_max_block does); then the 8 accumulators are reduced together by
 * transposing shuffles, 7 min (and 7 max) instructions for the 8 blocks instead of 3 shuffles and 3 min per block. The
 * accumulators hold no NaN, so the order of the reduction changes no value (only which of -0 / +0 a zero range keeps,
 * which no parameter depends on: see params_groups).
 */
template <typename Op> inline __m256 reduce8_blocks(const __m256* a, Op op) {
  __m256 x[4];
  for (int p = 0; p < 4; p++) x[p] = op(_mm256_permute2f128_ps(a[p], a[p + 4], 0x20), _mm256_permute2f128_ps(a[p], a[p + 4], 0x31));
  // x[p]: 4 partials of block p (low half) and of block p + 4 (high half).
  const __m256 y0 = op(_mm256_shuffle_ps(x[0], x[1], _MM_SHUFFLE(1, 0, 1, 0)), _mm256_shuffle_ps(x[0], x[1], _MM_SHUFFLE(3, 2, 3, 2)));
  const __m256 y1 = op(_mm256_shuffle_ps(x[2], x[3], _MM_SHUFFLE(1, 0, 1, 0)), _mm256_shuffle_ps(x[2], x[3], _MM_SHUFFLE(3, 2, 3, 2)));
  // y0: 2 partials each of blocks 0, 1 | 4, 5; y1: of blocks 2, 3 | 6, 7.
  return op(_mm256_shuffle_ps(y0, y1, _MM_SHUFFLE(2, 0, 2, 0)), _mm256_shuffle_ps(y0, y1, _MM_SHUFFLE(3, 1, 3, 1)));  // blocks 0 .. 7
}

template <size_t Block = 0> inline void min_max_blocks8(const float* x, size_t block_size, double* lo, double* hi) {
  const size_t block = Block != 0 ? Block : block_size;
  __m256 mn[8], mx[8];
  for (size_t j = 0; j < 8; j++) {
    const float* xb = x + j * block;
    __m256 a = _mm256_set1_ps(__builtin_inff());
    __m256 b = _mm256_set1_ps(-__builtin_inff());
    for (size_t i = 0; i < block; i += 8) {
      const __m256 v = _mm256_loadu_ps(xb + i);
      a = _mm256_min_ps(v, a);
      b = _mm256_max_ps(v, b);
    }
    mn[j] = a;
    mx[j] = b;
  }
  const __m256 lo8 = reduce8_blocks(mn, [](__m256 p, __m256 q) { return _mm256_min_ps(p, q); });
  const __m256 hi8 = reduce8_blocks(mx, [](__m256 p, __m256 q) { return _mm256_max_ps(p, q); });
  _mm256_storeu_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(lo8)));
  _mm256_storeu_pd(lo + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(lo8, 1)));
  _mm256_storeu_pd(hi, _mm256_cvtps_pd(_mm256_castps256_ps128(hi8)));
  _mm256_storeu_pd(hi + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(hi8, 1)));
}

template <IntType T, bool Symmetric, size_t Block>
size_t quantize_blocks_batched(const float* x, size_t n, size_t block, QuantSpec spec, float* scales, int32_t* zps, void* out) {
  using Code = typename CodeType<T>::type;
  constexpr ParamScheme scheme = Symmetric ? ParamScheme::Symmetric : ParamScheme::Affine;
  const size_t whole = n / block;
  alignas(32) double lo[kBlockBatch];
  alignas(32) double hi[kBlockBatch];
  BatchConsts consts;
  for (size_t b0 = 0; b0 < whole; b0 += kBlockBatch) {
    const size_t count = whole - b0 < kBlockBatch ? whole - b0 : kBlockBatch;
    const float* xb = x + b0 * block;
    size_t m = 0;
    for (; m + 8 <= count; m += 8) min_max_blocks8<Block>(xb + m * block, block, lo + m, hi + m);
    for (; m < count; m++) {
      lo[m] = __builtin_inf();
      hi[m] = -__builtin_inf();
      min_max_block(xb + m * block, block, &lo[m], &hi[m]);
    }
    // Every whole group of 4 at once; where some range is refused, group by group up to it, then one by one.
    size_t ok = count / 4 > 0 && params_groups<Symmetric>(lo, hi, count / 4, spec, scales + b0, zps + b0, consts, 0) ? count / 4 * 4 : 0;
    while (ok < count) {
      if (count - ok >= 4 && params_groups<Symmetric>(lo + ok, hi + ok, 1, spec, scales + b0 + ok, zps + b0 + ok, consts, ok)) {
        ok += 4;
        continue;
      }
      // One at a time: the batch's last blocks, or 4 of which one is refused (the run stops at it).
      const size_t end = count - ok >= 4 ? ok + 4 : count;
      for (; ok < end; ok++) {
        float scale;
        int32_t zp;
        if (!params_from_range<float>(lo[ok], hi[ok], scheme, spec, &scale, &zp)) break;
        scales[b0 + ok] = scale;
        zps[b0 + ok] = zp;
        set_consts(consts, ok, scale, zp, spec);
      }
      if (ok < end) break;
    }
    Code* ob = static_cast<Code*>(out) + b0 * block;
    // The next batch is read (min/max) right after this one is written: fetching it now overlaps its memory latency
    // with this batch's arithmetic, which the hardware prefetcher alone does not.
    const char* next = reinterpret_cast<const char*>(xb + count * block);
    const size_t next_bytes = b0 + count < whole ? (whole - b0 - count < kBlockBatch ? whole - b0 - count : kBlockBatch) * block * sizeof(float) : 0;
    const size_t lines_per_block = (next_bytes / 64 + ok - 1) / (ok == 0 ? 1 : ok);
    size_t line = 0;
    for (size_t j = 0; j < ok; j++) {
      for (size_t e = 0; e < lines_per_block && line * 64 < next_bytes; e++, line++) _mm_prefetch(next + line * 64, _MM_HINT_T0);
      if (consts.divides(j)) {
        const float s = consts.scale[j];
        const int32_t zp = zps[b0 + j];
        quantize_run<float, T, Mode::Divide>(xb + j * block, block, make_quant_vec(s, zp, spec), make_quant_params(s, zp, spec), ob + j * block);
      } else if (spec.profile == Profile::Onnx) {
        quantize_block8<T, true, Block>(xb + j * block, block, consts, j, ob + j * block);
      } else {
        quantize_block8<T, false, Block>(xb + j * block, block, consts, j, ob + j * block);
      }
    }
    if (ok < count) return b0 + ok;
  }
  const size_t start = whole * block;
  return whole + quantize_blocks_typed<float, T>(x + start, n - start, block, scheme, spec, scales + whole, zps + whole,
                                                 static_cast<Code*>(out) + start);
}

template <IntType T>
size_t quantize_blocks_batched(const float* x, size_t n, size_t block, ParamScheme scheme, QuantSpec spec, float* scales, int32_t* zps, void* out) {
  // Blocks of 32 (the common size) get a body with the block length a constant.
  if (block == 32) {
    if (scheme == ParamScheme::Symmetric) return quantize_blocks_batched<T, true, 32>(x, n, block, spec, scales, zps, out);
    return quantize_blocks_batched<T, false, 32>(x, n, block, spec, scales, zps, out);
  }
  if (scheme == ParamScheme::Symmetric) return quantize_blocks_batched<T, true, 0>(x, n, block, spec, scales, zps, out);
  return quantize_blocks_batched<T, false, 0>(x, n, block, spec, scales, zps, out);
}

template <typename F>
size_t quantize_blocks(const F* x, size_t n, size_t block, ParamScheme scheme, QuantSpec spec, IntType out_type, F* scales, int32_t* zps, void* out) {
  if constexpr (sizeof(F) == 4) {
    if (block % 8 == 0) {
      switch (out_type) {
        case IntType::I8: return quantize_blocks_batched<IntType::I8>(x, n, block, scheme, spec, scales, zps, out);
        case IntType::U8: return quantize_blocks_batched<IntType::U8>(x, n, block, scheme, spec, scales, zps, out);
        case IntType::I16: return quantize_blocks_batched<IntType::I16>(x, n, block, scheme, spec, scales, zps, out);
        case IntType::U16: return quantize_blocks_batched<IntType::U16>(x, n, block, scheme, spec, scales, zps, out);
      }
    }
  }
  switch (out_type) {
    case IntType::I8: return quantize_blocks_typed<F, IntType::I8>(x, n, block, scheme, spec, scales, zps, out);
    case IntType::U8: return quantize_blocks_typed<F, IntType::U8>(x, n, block, scheme, spec, scales, zps, out);
    case IntType::I16: return quantize_blocks_typed<F, IntType::I16>(x, n, block, scheme, spec, scales, zps, out);
    case IntType::U16: return quantize_blocks_typed<F, IntType::U16>(x, n, block, scheme, spec, scales, zps, out);
  }
  return 0;
}

/*
 * Blocks with given parameters (quantize_block_runs: blocked layouts along the last axis): blocks of a multiple of 8
 * elements in batches of kBlockBatch, the per-block constants of a batch made first (set_consts, those of
 * make_quant_vec), then each block's codes by quantize_block8 (or the per-run Divide body for a scale outside the
 * checked range), exactly the per-run arithmetic; other block sizes, and a short last block, by the per-run kernel.
 */
template <IntType T, typename X>
void quantize_block_runs_batched(X x, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec, void* out) {
  using Code = typename CodeType<T>::type;
  const size_t whole = n / block;
  BatchConsts consts;
  for (size_t b0 = 0; b0 < whole; b0 += kBlockBatch) {
    const size_t count = whole - b0 < kBlockBatch ? whole - b0 : kBlockBatch;
    for (size_t j = 0; j < count; j++) set_consts(consts, j, scales[b0 + j], zps[b0 + j], spec);
    for (size_t j = 0; j < count; j++) {
      const size_t at = (b0 + j) * block;
      Code* ob = static_cast<Code*>(out) + at;
      if (consts.divides(j)) {
        const float s = consts.scale[j];
        const int32_t zp = zps[b0 + j];
        quantize_run<float, T, Mode::Divide>(x + at, block, make_quant_vec(s, zp, spec), make_quant_params(s, zp, spec), ob);
      } else if (spec.profile == Profile::Onnx) {
        quantize_block8<T, true>(x + at, block, consts, j, ob);
      } else {
        quantize_block8<T, false>(x + at, block, consts, j, ob);
      }
    }
  }
  const size_t start = whole * block;
  if (start < n) quantize<float>(x + start, n - start, scales[whole], zps[whole], spec, T, static_cast<Code*>(out) + start);
}

template <typename X>
void quantize_block_runs_any(X x, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  if (block % 8 != 0) {
    const size_t code_size = out_type == IntType::I8 || out_type == IntType::U8 ? 1 : 2;
    for (size_t b = 0, i = 0; i < n; b++, i += block) {
      quantize<float>(x + i, n - i < block ? n - i : block, scales[b], zps[b], spec, out_type, static_cast<uint8_t*>(out) + i * code_size);
    }
    return;
  }
  switch (out_type) {
    case IntType::I8: quantize_block_runs_batched<IntType::I8>(x, n, block, scales, zps, spec, out); return;
    case IntType::U8: quantize_block_runs_batched<IntType::U8>(x, n, block, scales, zps, spec, out); return;
    case IntType::I16: quantize_block_runs_batched<IntType::I16>(x, n, block, scales, zps, spec, out); return;
    case IntType::U16: quantize_block_runs_batched<IntType::U16>(x, n, block, scales, zps, spec, out); return;
  }
}

void quantize_block_runs(const float* x, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  quantize_block_runs_any(x, n, block, scales, zps, spec, out_type, out);
}

void quantize_block_runs_half(const uint16_t* x, HalfType t, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec,
                              IntType out_type, void* out) {
  with_half_type(t, x, [&](auto run) { quantize_block_runs_any(run, n, block, scales, zps, spec, out_type, out); });
}

}  // namespace
}  // namespace quantkit::avx2
