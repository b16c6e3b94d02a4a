// AVX2 kernels. The only file compiled with -mavx2 (and the only one using AVX intrinsics); dispatch.cc hands out this
// table only after CPUID/XGETBV say the CPU and OS support AVX2. Results equal the scalar kernels bit for bit:
// unaligned loads and stores, 8 lanes per vector, tails through the element functions of kernel_common.h.
#if defined(__x86_64__) || defined(_M_X64)

#if !defined(__AVX2__)
#error "avx2.cc must be compiled with -mavx2 (and it must be the only file compiled with it)"
#endif

#include <immintrin.h>

#include "kernel_common.h"
#include "kernels.h"

namespace quantkit {
namespace {

/*
 * Quantize.
 *
 * Per lane: t = x / s (ONNX) or x * r (PyTorch, r = fl(1 / s)); t = max(t, lo) (_mm256_max_ps returns its SECOND
 * operand when either is NaN, so NaN -> lo, like `t > lo ? t : lo`); t = min(t, hi); then m = t + 1.5 * 2^23 rounds t
 * to an integer k with ties to even (|t| <= 2^17, see kernel_common.h), and the bits of m minus the bits of the magic
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

struct F32Quant {
  __m256 mul;        // r = fl(1 / scale)
  __m256 div;        // scale
  __m256 lo;         // qmin - zp
  __m256 hi;         // qmax - zp
  __m256 magic;      // 1.5 * 2^23
  __m256 abs_mask;
  __m256 threshold;  // 0.5 - tol
  __m256i bias;      // bits(magic) - zp
};

struct F64Quant {
  __m256d mul;
  __m256d div;
  __m256d lo;
  __m256d hi;
  __m256d magic;     // 1.5 * 2^52
  __m256d abs_mask;
  __m256d threshold;
  __m256i zp;        // 8 x int32
};

// B = max(-lo, hi), the largest |t| after clamping.
inline double clamp_bound(QuantSpec spec, int32_t zp) {
  const int32_t lo = spec.qmin - zp;
  const int32_t hi = spec.qmax - zp;
  return static_cast<double>(-lo > hi ? -lo : hi);
}

inline F32Quant make_f32_quant(float scale, int32_t zp, QuantSpec spec) {
  F32Quant c;
  c.mul = _mm256_set1_ps(1.0f / scale);
  c.div = _mm256_set1_ps(scale);
  c.lo = _mm256_set1_ps(static_cast<float>(spec.qmin - zp));
  c.hi = _mm256_set1_ps(static_cast<float>(spec.qmax - zp));
  c.magic = _mm256_set1_ps(RoundMagic<float>::value);
  c.abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  c.threshold = _mm256_set1_ps(static_cast<float>(0.5 - clamp_bound(spec, zp) * 0x1p-22));  // exact, see above
  c.bias = _mm256_set1_epi32(0x4b400000 - zp);  // 0x4b400000 = bits of 1.5 * 2^23
  return c;
}

inline F64Quant make_f64_quant(double scale, int32_t zp, QuantSpec spec) {
  F64Quant c;
  c.mul = _mm256_set1_pd(1.0 / scale);
  c.div = _mm256_set1_pd(scale);
  c.lo = _mm256_set1_pd(static_cast<double>(spec.qmin - zp));
  c.hi = _mm256_set1_pd(static_cast<double>(spec.qmax - zp));
  c.magic = _mm256_set1_pd(RoundMagic<double>::value);
  c.abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
  c.threshold = _mm256_set1_pd(0.5 - clamp_bound(spec, zp) * 0x1p-51);
  c.zp = _mm256_set1_epi32(zp);
  return c;
}

// 1/s normal and finite with room for the proof above.
inline Mode onnx_mode_f32(float scale) { return scale >= 0x1p-125f && scale <= 0x1p125f ? Mode::Checked : Mode::Divide; }
inline Mode onnx_mode_f64(double scale) { return scale >= 0x1p-1021 && scale <= 0x1p1021 ? Mode::Checked : Mode::Divide; }

// m = clamp(t) + magic, whose low bits hold the rounded value; Checked mode ORs the unsafe lanes into *flag.
template <Mode M> inline __m256 shifted_f32(const F32Quant& c, __m256 x, __m256* flag) {
  __m256 t = M == Mode::Divide ? _mm256_div_ps(x, c.div) : _mm256_mul_ps(x, c.mul);
  t = _mm256_max_ps(t, c.lo);  // NaN -> lo: the second operand wins on NaN
  t = _mm256_min_ps(t, c.hi);
  const __m256 m = _mm256_add_ps(t, c.magic);
  if constexpr (M == Mode::Checked) {
    const __m256 d = _mm256_and_ps(_mm256_sub_ps(t, _mm256_sub_ps(m, c.magic)), c.abs_mask);
    *flag = _mm256_or_ps(*flag, _mm256_cmp_ps(d, c.threshold, _CMP_GE_OQ));
  }
  return m;
}

template <Mode M> inline __m256d shifted_f64(const F64Quant& c, __m256d x, __m256d* flag) {
  __m256d t = M == Mode::Divide ? _mm256_div_pd(x, c.div) : _mm256_mul_pd(x, c.mul);
  t = _mm256_max_pd(t, c.lo);
  t = _mm256_min_pd(t, c.hi);
  const __m256d m = _mm256_add_pd(t, c.magic);
  if constexpr (M == Mode::Checked) {
    const __m256d d = _mm256_and_pd(_mm256_sub_pd(t, _mm256_sub_pd(m, c.magic)), c.abs_mask);
    *flag = _mm256_or_pd(*flag, _mm256_cmp_pd(d, c.threshold, _CMP_GE_OQ));
  }
  return m;
}

// 8 codes (int32) from 8 floats.
template <Mode M> inline __m256i codes_f32(const F32Quant& c, __m256 x, __m256* flag) {
  return _mm256_sub_epi32(_mm256_castps_si256(shifted_f32<M>(c, x, flag)), c.bias);
}

// 8 codes (int32) from 8 doubles at x. The low 32 bits of bits(m) are k (the magic number's low word is zero).
template <Mode M> inline __m256i codes_f64(const F64Quant& c, const double* x, __m256d* flag) {
  const __m256d m0 = shifted_f64<M>(c, _mm256_loadu_pd(x), flag);
  const __m256d m1 = shifted_f64<M>(c, _mm256_loadu_pd(x + 4), flag);
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

inline bool any_lane(__m256 flag) { return !_mm256_testz_ps(flag, flag); }
inline bool any_lane(__m256d flag) { return !_mm256_testz_pd(flag, flag); }

template <IntType T, Mode M>
void quantize_f32_run(const float* x, size_t n, const F32Quant& c, const QuantParams<float>& p, void* out) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256 x0 = _mm256_loadu_ps(x + i);
    const __m256 x1 = _mm256_loadu_ps(x + i + 8);
    const __m256 x2 = _mm256_loadu_ps(x + i + 16);
    const __m256 x3 = _mm256_loadu_ps(x + i + 24);
    __m256 flag = _mm256_setzero_ps();
    __m256i q0 = codes_f32<M>(c, x0, &flag);
    __m256i q1 = codes_f32<M>(c, x1, &flag);
    __m256i q2 = codes_f32<M>(c, x2, &flag);
    __m256i q3 = codes_f32<M>(c, x3, &flag);
    if (M == Mode::Checked && any_lane(flag)) {
      q0 = codes_f32<Mode::Divide>(c, x0, &flag);
      q1 = codes_f32<Mode::Divide>(c, x1, &flag);
      q2 = codes_f32<Mode::Divide>(c, x2, &flag);
      q3 = codes_f32<Mode::Divide>(c, x3, &flag);
    }
    store_codes32<T>(out, i, q0, q1, q2, q3);
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 x0 = _mm256_loadu_ps(x + i);
    __m256 flag = _mm256_setzero_ps();
    __m256i q0 = codes_f32<M>(c, x0, &flag);
    if (M == Mode::Checked && any_lane(flag)) q0 = codes_f32<Mode::Divide>(c, x0, &flag);
    store_codes8<T>(out, i, q0);
  }
  for (; i < n; i++) store_code(out, T, i, quantize_value(x[i], p));
}

template <IntType T, Mode M>
void quantize_f64_run(const double* x, size_t n, const F64Quant& c, const QuantParams<double>& p, void* out) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256d flag = _mm256_setzero_pd();
    __m256i q0 = codes_f64<M>(c, x + i, &flag);
    __m256i q1 = codes_f64<M>(c, x + i + 8, &flag);
    __m256i q2 = codes_f64<M>(c, x + i + 16, &flag);
    __m256i q3 = codes_f64<M>(c, x + i + 24, &flag);
    if (M == Mode::Checked && any_lane(flag)) {
      q0 = codes_f64<Mode::Divide>(c, x + i, &flag);
      q1 = codes_f64<Mode::Divide>(c, x + i + 8, &flag);
      q2 = codes_f64<Mode::Divide>(c, x + i + 16, &flag);
      q3 = codes_f64<Mode::Divide>(c, x + i + 24, &flag);
    }
    store_codes32<T>(out, i, q0, q1, q2, q3);
  }
  for (; i + 8 <= n; i += 8) {
    __m256d flag = _mm256_setzero_pd();
    __m256i q0 = codes_f64<M>(c, x + i, &flag);
    if (M == Mode::Checked && any_lane(flag)) q0 = codes_f64<Mode::Divide>(c, x + i, &flag);
    store_codes8<T>(out, i, q0);
  }
  for (; i < n; i++) store_code(out, T, i, quantize_value(x[i], p));
}

template <IntType T>
void quantize_f32_typed(const float* x, size_t n, const F32Quant& c, const QuantParams<float>& p, Mode mode, void* out) {
  switch (mode) {
    case Mode::Multiply: quantize_f32_run<T, Mode::Multiply>(x, n, c, p, out); return;
    case Mode::Checked: quantize_f32_run<T, Mode::Checked>(x, n, c, p, out); return;
    case Mode::Divide: quantize_f32_run<T, Mode::Divide>(x, n, c, p, out); return;
  }
}

template <IntType T>
void quantize_f64_typed(const double* x, size_t n, const F64Quant& c, const QuantParams<double>& p, Mode mode, void* out) {
  switch (mode) {
    case Mode::Multiply: quantize_f64_run<T, Mode::Multiply>(x, n, c, p, out); return;
    case Mode::Checked: quantize_f64_run<T, Mode::Checked>(x, n, c, p, out); return;
    case Mode::Divide: quantize_f64_run<T, Mode::Divide>(x, n, c, p, out); return;
  }
}

void quantize_f32(const float* x, size_t n, float scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  const QuantParams<float> p = make_quant_params(scale, zp, spec);
  const F32Quant c = make_f32_quant(scale, zp, spec);
  const Mode mode = spec.profile == Profile::PyTorch ? Mode::Multiply : onnx_mode_f32(scale);
  switch (out_type) {
    case IntType::I8: quantize_f32_typed<IntType::I8>(x, n, c, p, mode, out); return;
    case IntType::U8: quantize_f32_typed<IntType::U8>(x, n, c, p, mode, out); return;
    case IntType::I16: quantize_f32_typed<IntType::I16>(x, n, c, p, mode, out); return;
    case IntType::U16: quantize_f32_typed<IntType::U16>(x, n, c, p, mode, out); return;
  }
}

void quantize_f64(const double* x, size_t n, double scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  const QuantParams<double> p = make_quant_params(scale, zp, spec);
  const F64Quant c = make_f64_quant(scale, zp, spec);
  const Mode mode = spec.profile == Profile::PyTorch ? Mode::Multiply : onnx_mode_f64(scale);
  switch (out_type) {
    case IntType::I8: quantize_f64_typed<IntType::I8>(x, n, c, p, mode, out); return;
    case IntType::U8: quantize_f64_typed<IntType::U8>(x, n, c, p, mode, out); return;
    case IntType::I16: quantize_f64_typed<IntType::I16>(x, n, c, p, mode, out); return;
    case IntType::U16: quantize_f64_typed<IntType::U16>(x, n, c, p, mode, out); return;
  }
}

/*
 * Quantize with a scale and zero point per element (quantize_groups: per-channel rows along the last axis, blocked
 * rows with inner > 1), the vector form of quantize_groups_loop. Each lane divides by its own scale (ONNX: a true
 * _mm256_div_ps, so no tie check; PyTorch: r = fl(1 / s) by _mm256_div_ps, then a multiply), clamps to bounds made
 * from its own zero point (qmin - zp and qmax - zp are exact in float), and rounds with the magic number as above.
 */
template <IntType T, bool Divide>
void quantize_groups_run(const float* x, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, void* out) {
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
    const __m256 v = _mm256_loadu_ps(x + i);
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
    // The low 32 bits of bits(m) are k, gathered in element order as in codes_f64.
    const __m256 low = _mm256_shuffle_ps(_mm256_castpd_ps(m[0]), _mm256_castpd_ps(m[1]), _MM_SHUFFLE(2, 0, 2, 0));
    const __m256i k = _mm256_permute4x64_epi64(_mm256_castps_si256(low), _MM_SHUFFLE(3, 1, 2, 0));
    store_codes8<T>(out, i, _mm256_add_epi32(k, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(zps + i))));
  }
  quantize_groups_loop<double, double, Code, Divide>(x + i, n - i, scales + i, zps + i, spec, static_cast<Code*>(out) + i);
}

template <typename F, bool Divide>
void quantize_groups_typed(const F* x, size_t n, const F* scales, const int32_t* zps, QuantSpec spec, IntType t, void* out) {
  switch (t) {
    case IntType::I8: quantize_groups_run<IntType::I8, Divide>(x, n, scales, zps, spec, out); return;
    case IntType::U8: quantize_groups_run<IntType::U8, Divide>(x, n, scales, zps, spec, out); return;
    case IntType::I16: quantize_groups_run<IntType::I16, Divide>(x, n, scales, zps, spec, out); return;
    case IntType::U16: quantize_groups_run<IntType::U16, Divide>(x, n, scales, zps, spec, out); return;
  }
}

void quantize_groups_f32(const float* x, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  if (spec.profile == Profile::Onnx) quantize_groups_typed<float, true>(x, n, scales, zps, spec, out_type, out);
  else quantize_groups_typed<float, false>(x, n, scales, zps, spec, out_type, out);
}

void quantize_groups_f64(const double* x, size_t n, const double* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  if (spec.profile == Profile::Onnx) quantize_groups_typed<double, true>(x, n, scales, zps, spec, out_type, out);
  else quantize_groups_typed<double, false>(x, n, scales, zps, spec, out_type, out);
}

/*
 * Fake-quantize: the vector body computes k = code - zp as a float (m - magic, an exact integer) and out = k * s,
 * which is the dequantize contract for a float scale. The per-element error terms (d * d, |d|, ...) are computed 4 at
 * a time in double (the same IEEE operations as the scalar kernel), the maximum of |d| lane-wise, and each running sum
 * then adds its terms in element order, so the sums are bit-identical to the scalar kernel's ErrorAccumulator.
 */
struct ErrorTerms4 {
  alignas(32) double sq[4];
  alignas(32) double abs_d[4];
  alignas(32) double ref2[4];
  alignas(32) double approx2[4];
  alignas(32) double dot[4];
};

// Adds the error terms of 4 elements (reference x, approximation o) to acc; the max of |d| goes to *max_lanes and
// NaN |d| lanes to *nan_lanes.
inline void accumulate4(__m256d x, __m256d o, ErrorAccumulator& acc, __m256d* max_lanes, __m256d* nan_lanes) {
  const __m256d d = _mm256_sub_pd(x, o);
  const __m256d a = _mm256_and_pd(d, _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL)));
  ErrorTerms4 t;
  _mm256_store_pd(t.sq, _mm256_mul_pd(d, d));
  _mm256_store_pd(t.abs_d, a);
  _mm256_store_pd(t.ref2, _mm256_mul_pd(x, x));
  _mm256_store_pd(t.approx2, _mm256_mul_pd(o, o));
  _mm256_store_pd(t.dot, _mm256_mul_pd(x, o));
  *max_lanes = _mm256_max_pd(a, *max_lanes);  // NaN lanes keep the old maximum (second operand)
  *nan_lanes = _mm256_or_pd(*nan_lanes, _mm256_cmp_pd(a, a, _CMP_UNORD_Q));
  for (int j = 0; j < 4; j++) acc.add_terms(t.sq[j], t.abs_d[j], t.ref2[j], t.approx2[j], t.dot[j]);
}

inline void finish_lanes(ErrorAccumulator& acc, __m256d max_lanes, __m256d nan_lanes) {
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, max_lanes);
  for (int j = 0; j < 4; j++) acc.fold_max(lanes[j]);
  if (any_lane(nan_lanes)) acc.nan = true;
}

// Quantize-dequantize and error terms run as two passes over chunks that stay in L1: one loop holding all the
// constants of either pass would spill registers inside the sequential sums.
constexpr size_t kFakeChunk = 512;

template <Mode M> void fake_quantize_f32_run(const float* x, size_t n, float scale, const F32Quant& c,
                                             const QuantParams<float>& p, float* out, ErrorSums* sums) {
  const __m256 s = _mm256_set1_ps(scale);
  ErrorAccumulator acc(*sums);
  __m256d max_lanes = _mm256_setzero_pd();
  __m256d nan_lanes = _mm256_setzero_pd();
  const size_t body = n - n % 8;
  for (size_t start = 0; start < body; start += kFakeChunk) {
    const size_t end = body - start < kFakeChunk ? body : start + kFakeChunk;
    for (size_t i = start; i < end; i += 8) {
      const __m256 x0 = _mm256_loadu_ps(x + i);
      __m256 flag = _mm256_setzero_ps();
      __m256 m = shifted_f32<M>(c, x0, &flag);
      if (M == Mode::Checked && any_lane(flag)) m = shifted_f32<Mode::Divide>(c, x0, &flag);
      _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_sub_ps(m, c.magic), s));
    }
    for (size_t i = start; i < end; i += 4) {
      accumulate4(_mm256_cvtps_pd(_mm_loadu_ps(x + i)), _mm256_cvtps_pd(_mm_loadu_ps(out + i)), acc, &max_lanes, &nan_lanes);
    }
  }
  finish_lanes(acc, max_lanes, nan_lanes);
  for (size_t i = body; i < n; i++) {
    out[i] = static_cast<float>(quantize_offset(x[i], p)) * scale;
    acc.add(x[i], out[i]);
  }
  *sums = acc.finish();
}

template <Mode M> void fake_quantize_f64_run(const double* x, size_t n, double scale, const F64Quant& c,
                                             const QuantParams<double>& p, double* out, ErrorSums* sums) {
  const __m256d s = _mm256_set1_pd(scale);
  ErrorAccumulator acc(*sums);
  __m256d max_lanes = _mm256_setzero_pd();
  __m256d nan_lanes = _mm256_setzero_pd();
  const size_t body = n - n % 4;
  for (size_t start = 0; start < body; start += kFakeChunk) {
    const size_t end = body - start < kFakeChunk ? body : start + kFakeChunk;
    for (size_t i = start; i < end; i += 4) {
      const __m256d x0 = _mm256_loadu_pd(x + i);
      __m256d flag = _mm256_setzero_pd();
      __m256d m = shifted_f64<M>(c, x0, &flag);
      if (M == Mode::Checked && any_lane(flag)) m = shifted_f64<Mode::Divide>(c, x0, &flag);
      _mm256_storeu_pd(out + i, _mm256_mul_pd(_mm256_sub_pd(m, c.magic), s));
    }
    for (size_t i = start; i < end; i += 4) {
      accumulate4(_mm256_loadu_pd(x + i), _mm256_loadu_pd(out + i), acc, &max_lanes, &nan_lanes);
    }
  }
  finish_lanes(acc, max_lanes, nan_lanes);
  for (size_t i = body; i < n; i++) {
    out[i] = static_cast<double>(quantize_offset(x[i], p)) * scale;
    acc.add(x[i], out[i]);
  }
  *sums = acc.finish();
}

void fake_quantize_f32(const float* x, size_t n, float scale, int32_t zp, QuantSpec spec, float* out, ErrorSums* sums) {
  const QuantParams<float> p = make_quant_params(scale, zp, spec);
  const F32Quant c = make_f32_quant(scale, zp, spec);
  switch (spec.profile == Profile::PyTorch ? Mode::Multiply : onnx_mode_f32(scale)) {
    case Mode::Multiply: fake_quantize_f32_run<Mode::Multiply>(x, n, scale, c, p, out, sums); return;
    case Mode::Checked: fake_quantize_f32_run<Mode::Checked>(x, n, scale, c, p, out, sums); return;
    case Mode::Divide: fake_quantize_f32_run<Mode::Divide>(x, n, scale, c, p, out, sums); return;
  }
}

void fake_quantize_f64(const double* x, size_t n, double scale, int32_t zp, QuantSpec spec, double* out, ErrorSums* sums) {
  const QuantParams<double> p = make_quant_params(scale, zp, spec);
  const F64Quant c = make_f64_quant(scale, zp, spec);
  switch (spec.profile == Profile::PyTorch ? Mode::Multiply : onnx_mode_f64(scale)) {
    case Mode::Multiply: fake_quantize_f64_run<Mode::Multiply>(x, n, scale, c, p, out, sums); return;
    case Mode::Checked: fake_quantize_f64_run<Mode::Checked>(x, n, scale, c, p, out, sums); return;
    case Mode::Divide: fake_quantize_f64_run<Mode::Divide>(x, n, scale, c, p, out, sums); return;
  }
}

/*
 * Dequantize: codes widened to int32, minus zp, times the scale. A float output with a float-exact scale uses a float
 * multiply (kernel_common.h explains why it is bit-identical); otherwise the product is taken in double and rounded
 * once to the output precision, 4 lanes at a time.
 */
template <IntType T> inline __m256i load_codes8(const void* q, size_t i) {
  if constexpr (T == IntType::I8) {
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(static_cast<const int8_t*>(q) + i)));
  } else if constexpr (T == IntType::U8) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(static_cast<const uint8_t*>(q) + i)));
  } else if constexpr (T == IntType::I16) {
    return _mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const int16_t*>(q) + i)));
  } else {
    return _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(q) + i)));
  }
}

template <IntType T> void dequantize_f32_fast(const void* q, size_t n, float scale, int32_t zp, float* out) {
  const __m256 s = _mm256_set1_ps(scale);
  const __m256i z = _mm256_set1_epi32(zp);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i a = _mm256_sub_epi32(load_codes8<T>(q, i), z);
    const __m256i b = _mm256_sub_epi32(load_codes8<T>(q, i + 8), z);
    const __m256i c = _mm256_sub_epi32(load_codes8<T>(q, i + 16), z);
    const __m256i d = _mm256_sub_epi32(load_codes8<T>(q, i + 24), z);
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(a), s));
    _mm256_storeu_ps(out + i + 8, _mm256_mul_ps(_mm256_cvtepi32_ps(b), s));
    _mm256_storeu_ps(out + i + 16, _mm256_mul_ps(_mm256_cvtepi32_ps(c), s));
    _mm256_storeu_ps(out + i + 24, _mm256_mul_ps(_mm256_cvtepi32_ps(d), s));
  }
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(load_codes8<T>(q, i), z)), s));
  }
  for (; i < n; i++) out[i] = dequantize_value_f32_fast(load_code(q, T, i), zp, scale);
}

template <IntType T> void dequantize_f32_double(const void* q, size_t n, double scale, int32_t zp, float* out) {
  const __m256d s = _mm256_set1_pd(scale);
  const __m256i z = _mm256_set1_epi32(zp);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i k = _mm256_sub_epi32(load_codes8<T>(q, i), z);
    const __m128 lo = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(k)), s));
    const __m128 hi = _mm256_cvtpd_ps(_mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(k, 1)), s));
    _mm256_storeu_ps(out + i, _mm256_set_m128(hi, lo));
  }
  for (; i < n; i++) out[i] = dequantize_value_f32(load_code(q, T, i), zp, scale);
}

template <IntType T> void dequantize_f64_run(const void* q, size_t n, double scale, int32_t zp, double* out) {
  const __m256d s = _mm256_set1_pd(scale);
  const __m256i z = _mm256_set1_epi32(zp);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i k = _mm256_sub_epi32(load_codes8<T>(q, i), z);
    _mm256_storeu_pd(out + i, _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(k)), s));
    _mm256_storeu_pd(out + i + 4, _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(k, 1)), s));
  }
  for (; i < n; i++) out[i] = dequantize_value_f64(load_code(q, T, i), zp, scale);
}

template <IntType T> void dequantize_f32_typed(const void* q, size_t n, double scale, int32_t zp, float* out) {
  if (scale_is_float(scale)) {
    dequantize_f32_fast<T>(q, n, static_cast<float>(scale), zp, out);
  } else {
    dequantize_f32_double<T>(q, n, scale, zp, out);
  }
}

void dequantize_f32(const void* q, IntType q_type, size_t n, double scale, int32_t zp, float* out) {
  switch (q_type) {
    case IntType::I8: dequantize_f32_typed<IntType::I8>(q, n, scale, zp, out); return;
    case IntType::U8: dequantize_f32_typed<IntType::U8>(q, n, scale, zp, out); return;
    case IntType::I16: dequantize_f32_typed<IntType::I16>(q, n, scale, zp, out); return;
    case IntType::U16: dequantize_f32_typed<IntType::U16>(q, n, scale, zp, out); return;
  }
}

void dequantize_f64(const void* q, IntType q_type, size_t n, double scale, int32_t zp, double* out) {
  switch (q_type) {
    case IntType::I8: dequantize_f64_run<IntType::I8>(q, n, scale, zp, out); return;
    case IntType::U8: dequantize_f64_run<IntType::U8>(q, n, scale, zp, out); return;
    case IntType::I16: dequantize_f64_run<IntType::I16>(q, n, scale, zp, out); return;
    case IntType::U16: dequantize_f64_run<IntType::U16>(q, n, scale, zp, out); return;
  }
}

/*
 * Range reductions. _mm256_min_ps(x, acc) returns acc when x is NaN (the second operand wins), so NaN is ignored and
 * the accumulators never become NaN. Min and max are order independent apart from the sign of a zero result, which the
 * contract leaves unspecified.
 */
// Lanes of the min accumulators fold into *min only (an unused lane still holds +inf), and likewise for max.
template <typename F> inline void fold_lanes(const F* lanes_min, const F* lanes_max, int lanes, double* min, double* max) {
  for (int j = 0; j < lanes; j++) {
    if (lanes_min[j] < *min) *min = lanes_min[j];
    if (lanes_max[j] > *max) *max = lanes_max[j];
  }
}

void min_max_f32(const float* x, size_t n, double* min, double* max) {
  __m256 mn0 = _mm256_set1_ps(__builtin_inff()), mn1 = mn0, mn2 = mn0, mn3 = mn0;
  __m256 mx0 = _mm256_set1_ps(-__builtin_inff()), mx1 = mx0, mx2 = mx0, mx3 = mx0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256 v0 = _mm256_loadu_ps(x + i);
    const __m256 v1 = _mm256_loadu_ps(x + i + 8);
    const __m256 v2 = _mm256_loadu_ps(x + i + 16);
    const __m256 v3 = _mm256_loadu_ps(x + i + 24);
    mn0 = _mm256_min_ps(v0, mn0);
    mn1 = _mm256_min_ps(v1, mn1);
    mn2 = _mm256_min_ps(v2, mn2);
    mn3 = _mm256_min_ps(v3, mn3);
    mx0 = _mm256_max_ps(v0, mx0);
    mx1 = _mm256_max_ps(v1, mx1);
    mx2 = _mm256_max_ps(v2, mx2);
    mx3 = _mm256_max_ps(v3, mx3);
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    mn0 = _mm256_min_ps(v, mn0);
    mx0 = _mm256_max_ps(v, mx0);
  }
  alignas(32) float lanes_min[8];
  alignas(32) float lanes_max[8];
  _mm256_store_ps(lanes_min, _mm256_min_ps(_mm256_min_ps(mn0, mn1), _mm256_min_ps(mn2, mn3)));
  _mm256_store_ps(lanes_max, _mm256_max_ps(_mm256_max_ps(mx0, mx1), _mm256_max_ps(mx2, mx3)));
  fold_lanes(lanes_min, lanes_max, 8, min, max);
  fold_min_max(x + i, n - i, min, max);
}

void min_max_f64(const double* x, size_t n, double* min, double* max) {
  __m256d mn0 = _mm256_set1_pd(__builtin_inf()), mn1 = mn0, mn2 = mn0, mn3 = mn0;
  __m256d mx0 = _mm256_set1_pd(-__builtin_inf()), mx1 = mx0, mx2 = mx0, mx3 = mx0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256d v0 = _mm256_loadu_pd(x + i);
    const __m256d v1 = _mm256_loadu_pd(x + i + 4);
    const __m256d v2 = _mm256_loadu_pd(x + i + 8);
    const __m256d v3 = _mm256_loadu_pd(x + i + 12);
    mn0 = _mm256_min_pd(v0, mn0);
    mn1 = _mm256_min_pd(v1, mn1);
    mn2 = _mm256_min_pd(v2, mn2);
    mn3 = _mm256_min_pd(v3, mn3);
    mx0 = _mm256_max_pd(v0, mx0);
    mx1 = _mm256_max_pd(v1, mx1);
    mx2 = _mm256_max_pd(v2, mx2);
    mx3 = _mm256_max_pd(v3, mx3);
  }
  for (; i + 4 <= n; i += 4) {
    const __m256d v = _mm256_loadu_pd(x + i);
    mn0 = _mm256_min_pd(v, mn0);
    mx0 = _mm256_max_pd(v, mx0);
  }
  alignas(32) double lanes_min[4];
  alignas(32) double lanes_max[4];
  _mm256_store_pd(lanes_min, _mm256_min_pd(_mm256_min_pd(mn0, mn1), _mm256_min_pd(mn2, mn3)));
  _mm256_store_pd(lanes_max, _mm256_max_pd(_mm256_max_pd(mx0, mx1), _mm256_max_pd(mx2, mx3)));
  fold_lanes(lanes_min, lanes_max, 4, min, max);
  fold_min_max(x + i, n - i, min, max);
}

void abs_max_f32(const float* x, size_t n, double* abs_max) {
  const __m256 mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  __m256 m0 = _mm256_setzero_ps(), m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    m0 = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(x + i), mask), m0);
    m1 = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(x + i + 8), mask), m1);
    m2 = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(x + i + 16), mask), m2);
    m3 = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(x + i + 24), mask), m3);
  }
  for (; i + 8 <= n; i += 8) m0 = _mm256_max_ps(_mm256_and_ps(_mm256_loadu_ps(x + i), mask), m0);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, _mm256_max_ps(_mm256_max_ps(m0, m1), _mm256_max_ps(m2, m3)));
  fold_abs_max(lanes, 8, abs_max);
  fold_abs_max(x + i, n - i, abs_max);
}

void abs_max_f64(const double* x, size_t n, double* abs_max) {
  const __m256d mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
  __m256d m0 = _mm256_setzero_pd(), m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    m0 = _mm256_max_pd(_mm256_and_pd(_mm256_loadu_pd(x + i), mask), m0);
    m1 = _mm256_max_pd(_mm256_and_pd(_mm256_loadu_pd(x + i + 4), mask), m1);
    m2 = _mm256_max_pd(_mm256_and_pd(_mm256_loadu_pd(x + i + 8), mask), m2);
    m3 = _mm256_max_pd(_mm256_and_pd(_mm256_loadu_pd(x + i + 12), mask), m3);
  }
  for (; i + 4 <= n; i += 4) m0 = _mm256_max_pd(_mm256_and_pd(_mm256_loadu_pd(x + i), mask), m0);
  alignas(32) double lanes[4];
  _mm256_store_pd(lanes, _mm256_max_pd(_mm256_max_pd(m0, m1), _mm256_max_pd(m2, m3)));
  fold_abs_max(lanes, 4, abs_max);
  fold_abs_max(x + i, n - i, abs_max);
}

/*
 * Packing. 4 bits: maddubs multiplies adjacent bytes by (1, 16) and adds them, giving e0 | e1 << 4 in an int16
 * (<= 255); a saturating pack then narrows exactly. 2 bits: maddubs by (1, 4) first gives 4-bit pairs as bytes, then
 * the 4-bit step. Vector blocks cover whole output bytes, so the scalar tail starts on a byte boundary.
 */
inline __m256i pack_nibbles64(__m256i v0, __m256i v1) {
  const __m256i weights = _mm256_set1_epi16(0x1001);  // bytes (1, 16)
  const __m256i w0 = _mm256_maddubs_epi16(v0, weights);
  const __m256i w1 = _mm256_maddubs_epi16(v1, weights);
  return _mm256_permute4x64_epi64(_mm256_packus_epi16(w0, w1), _MM_SHUFFLE(3, 1, 2, 0));
}

inline __m256i pack_crumbs_to_nibbles64(const uint8_t* q) {
  const __m256i mask = _mm256_set1_epi8(3);
  const __m256i weights = _mm256_set1_epi16(0x0401);  // bytes (1, 4)
  const __m256i w0 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)), mask), weights);
  const __m256i w1 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32)), mask), weights);
  return _mm256_permute4x64_epi64(_mm256_packus_epi16(w0, w1), _MM_SHUFFLE(3, 1, 2, 0));
}

void pack(const uint8_t* q, size_t n, int bits, uint8_t* out) {
  size_t i = 0;
  if (bits == 4) {
    const __m256i mask = _mm256_set1_epi8(0x0f);
    for (; i + 64 <= n; i += 64) {
      const __m256i v0 = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + i)), mask);
      const __m256i v1 = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + i + 32)), mask);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i / 2), pack_nibbles64(v0, v1));
    }
    pack_scalar(q + i, n - i, bits, out + i / 2);
  } else {
    for (; i + 128 <= n; i += 128) {
      const __m256i v0 = pack_crumbs_to_nibbles64(q + i);
      const __m256i v1 = pack_crumbs_to_nibbles64(q + i + 64);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i / 4), pack_nibbles64(v0, v1));
    }
    pack_scalar(q + i, n - i, bits, out + i / 4);
  }
}

// Sign-extends b-bit fields held in bytes: (v ^ s) - s with s = 2^(b-1).
inline __m128i sign_extend(__m128i v, __m128i sign) { return _mm_sub_epi8(_mm_xor_si128(v, sign), sign); }

void unpack(const uint8_t* packed, size_t n, int bits, bool is_signed, uint8_t* out) {
  size_t i = 0;
  if (bits == 4) {
    const __m128i mask = _mm_set1_epi8(0x0f);
    const __m128i sign = _mm_set1_epi8(is_signed ? 8 : 0);
    for (; i + 32 <= n; i += 32) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(packed + i / 2));
      const __m128i lo = _mm_and_si128(b, mask);
      const __m128i hi = _mm_and_si128(_mm_srli_epi16(b, 4), mask);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), sign_extend(_mm_unpacklo_epi8(lo, hi), sign));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 16), sign_extend(_mm_unpackhi_epi8(lo, hi), sign));
    }
    unpack_scalar(packed + i / 2, n - i, bits, is_signed, out + i);
  } else {
    const __m128i mask = _mm_set1_epi8(3);
    const __m128i sign = _mm_set1_epi8(is_signed ? 2 : 0);
    for (; i + 64 <= n; i += 64) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(packed + i / 4));
      const __m128i f0 = _mm_and_si128(b, mask);
      const __m128i f1 = _mm_and_si128(_mm_srli_epi16(b, 2), mask);
      const __m128i f2 = _mm_and_si128(_mm_srli_epi16(b, 4), mask);
      const __m128i f3 = _mm_and_si128(_mm_srli_epi16(b, 6), mask);
      const __m128i l01 = _mm_unpacklo_epi8(f0, f1);
      const __m128i l23 = _mm_unpacklo_epi8(f2, f3);
      const __m128i h01 = _mm_unpackhi_epi8(f0, f1);
      const __m128i h23 = _mm_unpackhi_epi8(f2, f3);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), sign_extend(_mm_unpacklo_epi16(l01, l23), sign));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 16), sign_extend(_mm_unpackhi_epi16(l01, l23), sign));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 32), sign_extend(_mm_unpacklo_epi16(h01, h23), sign));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 48), sign_extend(_mm_unpackhi_epi16(h01, h23), sign));
    }
    unpack_scalar(packed + i / 4, n - i, bits, is_signed, out + i);
  }
}

/*
 * Histograms. The bin of each lane is computed exactly as histogram_bin (kernel_common.h) computes it, in double:
 * in = min <= v && v <= max (false for NaN), t = min((v - min) * f, bins - 1), truncated by cvttpd2dq. Taking the
 * minimum before truncating equals truncating first (bins - 1 is an integer and truncation is monotone). With a
 * finite f an in-range product is finite and below 2^31 (kernel_common.h), so cvttpd2dq never sees what `| 0` would
 * treat differently; a span so small that f = +inf is left to the scalar loop. Lanes outside [min, max] get t = bins,
 * a trash slot past the last bin, so the loop has no branch per element. Float32 inputs are widened to double first.
 *
 * Counting is a scatter, which AVX2 cannot do: the 8 bin indices of a vector go through general registers. When the
 * bins fit the stack buffer, lane j counts into private array j % 4 (each with its own trash slot): increments of one
 * bin from neighbouring elements then land in different arrays, so a run of equal values (exact zeros after a ReLU, a
 * constant tensor) does not serialise on one memory location. The arrays are added to the caller's counts at the end,
 * modulo 2^32 like every count here. More bins than the buffer holds count directly into the caller's array.
 */
constexpr size_t kHistogramArrays = 4;
constexpr size_t kHistogramStackBins = 4096;
constexpr size_t kHistogramStride = kHistogramStackBins + 16;  // room for the trash slot, rounded to 64 bytes

struct HistogramVec {
  __m256d min;
  __m256d max;
  __m256d factor;
  __m256d last;   // bins - 1
  __m256d trash;  // bins
};

inline HistogramVec make_histogram_vec(const HistogramParams& p) {
  return HistogramVec{_mm256_set1_pd(p.min), _mm256_set1_pd(p.max), _mm256_set1_pd(p.factor),
                      _mm256_set1_pd(static_cast<double>(p.last)), _mm256_set1_pd(static_cast<double>(p.last) + 1.0)};
}

inline __m256d abs_pd(__m256d v) { return _mm256_and_pd(v, _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL))); }

// 4 bin indices (bins for lanes outside the range) as int32.
template <bool Abs> inline __m128i bins4(__m256d v, const HistogramVec& c) {
  if (Abs) v = abs_pd(v);
  const __m256d in = _mm256_and_pd(_mm256_cmp_pd(v, c.min, _CMP_GE_OQ), _mm256_cmp_pd(v, c.max, _CMP_LE_OQ));
  const __m256d t = _mm256_min_pd(_mm256_mul_pd(_mm256_sub_pd(v, c.min), c.factor), c.last);
  return _mm256_cvttpd_epi32(_mm256_blendv_pd(c.trash, t, in));
}

template <bool Abs> inline __m256i bins8(const float* x, const HistogramVec& c) {
  const __m256 v = _mm256_loadu_ps(x);
  const __m128i lo = bins4<Abs>(_mm256_cvtps_pd(_mm256_castps256_ps128(v)), c);
  const __m128i hi = bins4<Abs>(_mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)), c);
  return _mm256_set_m128i(hi, lo);
}

template <bool Abs> inline __m256i bins8(const double* x, const HistogramVec& c) {
  const __m128i lo = bins4<Abs>(_mm256_loadu_pd(x), c);
  const __m128i hi = bins4<Abs>(_mm256_loadu_pd(x + 4), c);
  return _mm256_set_m128i(hi, lo);
}

// Adds 1 at the 8 indices of k (lane j at base + index j); the two indices of a 64-bit half travel together.
inline void count8(uint32_t* base, __m256i k) {
  const __m128i lo = _mm256_castsi256_si128(k);
  const __m128i hi = _mm256_extracti128_si256(k, 1);
  const uint64_t a = static_cast<uint64_t>(_mm_cvtsi128_si64(lo));
  const uint64_t b = static_cast<uint64_t>(_mm_extract_epi64(lo, 1));
  const uint64_t c = static_cast<uint64_t>(_mm_cvtsi128_si64(hi));
  const uint64_t d = static_cast<uint64_t>(_mm_extract_epi64(hi, 1));
  base[static_cast<uint32_t>(a)]++;
  base[a >> 32]++;
  base[static_cast<uint32_t>(b)]++;
  base[b >> 32]++;
  base[static_cast<uint32_t>(c)]++;
  base[c >> 32]++;
  base[static_cast<uint32_t>(d)]++;
  base[d >> 32]++;
}

// Vector body over whole groups of 32 elements into the private arrays; returns how many elements it counted.
template <bool Abs, typename F> size_t histogram_private(const F* x, size_t n, const HistogramParams& p, uint32_t* priv, size_t stride) {
  const HistogramVec c = make_histogram_vec(p);
  const int32_t s = static_cast<int32_t>(stride);
  const __m256i offsets = _mm256_setr_epi32(0, s, 2 * s, 3 * s, 0, s, 2 * s, 3 * s);  // lane j -> array j % 4
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i k0 = _mm256_add_epi32(bins8<Abs>(x + i, c), offsets);
    const __m256i k1 = _mm256_add_epi32(bins8<Abs>(x + i + 8, c), offsets);
    const __m256i k2 = _mm256_add_epi32(bins8<Abs>(x + i + 16, c), offsets);
    const __m256i k3 = _mm256_add_epi32(bins8<Abs>(x + i + 24, c), offsets);
    count8(priv, k0);
    count8(priv, k1);
    count8(priv, k2);
    count8(priv, k3);
  }
  return i;
}

// Vector body counting straight into counts (bins beyond the stack buffer): out-of-range lanes hit a local sink.
template <bool Abs, typename F> size_t histogram_direct(const F* x, size_t n, const HistogramParams& p, uint32_t* counts) {
  const HistogramVec c = make_histogram_vec(p);
  const uint32_t bins = p.last + 1;
  uint32_t sink = 0;
  alignas(32) uint32_t k[8];
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(k), bins8<Abs>(x + i, c));
    for (int j = 0; j < 8; j++) {
      uint32_t* slot = k[j] < bins ? counts + k[j] : &sink;
      ++*slot;
    }
  }
  return i;
}

template <bool Abs, typename F> void histogram_run(const F* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  const HistogramParams p = make_histogram_params(min, max, bins);
  size_t done = 0;  // elements counted by a vector body; the scalar loop takes the rest
  if (!p.finite_factor) {
    // f = +inf: every counted value goes to bin 0 through `| 0` of NaN or +inf; the scalar loop handles it all.
  } else if (bins <= kHistogramStackBins && n >= 2 * bins && n >= 64) {
    alignas(64) uint32_t priv[kHistogramArrays * kHistogramStride];
    const size_t stride = (bins + 1 + 15) & ~size_t{15};
    __builtin_memset(priv, 0, kHistogramArrays * stride * sizeof(uint32_t));
    done = histogram_private<Abs>(x, n, p, priv, stride);
    for (size_t a = 0; a < kHistogramArrays; a++) {
      const uint32_t* array = priv + a * stride;
      for (size_t b = 0; b < bins; b++) counts[b] += array[b];
    }
  } else {
    done = histogram_direct<Abs>(x, n, p, counts);
  }
  histogram_scalar<Abs>(x + done, n - done, p, counts);
}

void histogram_f32(const float* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_run<false>(x, n, min, max, counts, bins);
}
void histogram_f64(const double* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_run<false>(x, n, min, max, counts, bins);
}
void abs_histogram_f32(const float* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_run<true>(x, n, min, max, counts, bins);
}
void abs_histogram_f64(const double* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_run<true>(x, n, min, max, counts, bins);
}

}  // namespace

const KernelTable kAvx2Kernels = {
    "avx2",      quantize_f32, quantize_f64, quantize_groups_f32, quantize_groups_f64,
    dequantize_f32, dequantize_f64, fake_quantize_f32, fake_quantize_f64,
    min_max_f32, min_max_f64,  abs_max_f32,  abs_max_f64,    pack,           unpack,
    histogram_f32, histogram_f64, abs_histogram_f32, abs_histogram_f64,
};

}  // namespace quantkit

#endif  // x86-64
