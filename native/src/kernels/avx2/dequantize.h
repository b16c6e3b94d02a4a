// AVX2 dequantize kernels: float32, float64 and half (float16 / bfloat16) outputs.
#pragma once

#include "../common/dequantize.h"
#include "../common/half.h"
#include "vec.h"

namespace quantkit::avx2 {
namespace {

/*
 * Dequantize: codes widened to int32, minus zp, times the scale. A float output with a float-exact scale uses a float
 * multiply (common/dequantize.h explains why it is bit-identical); otherwise the product is taken in double and
 * rounded once to the output precision, 4 lanes at a time. Tails run the loops of common/dequantize.h.
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
  dequantize_loop_fast(static_cast<const typename CodeType<T>::type*>(q) + i, n - i, scale, zp, out + i);
}

// The 8 products of a double scale, rounded once to the output precision.
inline void store_products8(float* out, __m256d lo, __m256d hi) {
  _mm256_storeu_ps(out, _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo)));
}
inline void store_products8(double* out, __m256d lo, __m256d hi) {
  _mm256_storeu_pd(out, lo);
  _mm256_storeu_pd(out + 4, hi);
}

// (q[i, i + 8) - zp) * scale as the exact double products of elements i..i+3 (lo) and i+4..i+7 (hi).
template <IntType T> inline void products8(const void* q, size_t i, __m256i z, __m256d s, __m256d* lo, __m256d* hi) {
  const __m256i k = _mm256_sub_epi32(load_codes8<T>(q, i), z);
  *lo = _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(k)), s);
  *hi = _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(k, 1)), s);
}

template <IntType T, typename F> void dequantize_double(const void* q, size_t n, double scale, int32_t zp, F* out) {
  const __m256d s = _mm256_set1_pd(scale);
  const __m256i z = _mm256_set1_epi32(zp);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256d lo, hi;
    products8<T>(q, i, z, s, &lo, &hi);
    store_products8(out + i, lo, hi);
  }
  dequantize_loop(static_cast<const typename CodeType<T>::type*>(q) + i, n - i, scale, zp, out + i);
}

template <IntType T> void dequantize_typed(const void* q, size_t n, double scale, int32_t zp, float* out) {
  if (scale_is_float(scale)) {
    dequantize_f32_fast<T>(q, n, static_cast<float>(scale), zp, out);
  } else {
    dequantize_double<T>(q, n, scale, zp, out);
  }
}

template <IntType T> void dequantize_typed(const void* q, size_t n, double scale, int32_t zp, double* out) {
  dequantize_double<T>(q, n, scale, zp, out);
}

template <typename F> void dequantize(const void* q, IntType q_type, size_t n, double scale, int32_t zp, F* out) {
  switch (q_type) {
    case IntType::I8: dequantize_typed<IntType::I8>(q, n, scale, zp, out); return;
    case IntType::U8: dequantize_typed<IntType::U8>(q, n, scale, zp, out); return;
    case IntType::I16: dequantize_typed<IntType::I16>(q, n, scale, zp, out); return;
    case IntType::U16: dequantize_typed<IntType::U16>(q, n, scale, zp, out); return;
  }
}

/*
 * Half outputs: out = RN_h(p), the double product p = (double)(q - zp) * scale rounded once to the half type h, to
 * nearest with ties to even. Converting p to float32 first (RNE) and then to h would round twice, which can be wrong
 * for a p just off a midpoint of h. Instead p goes to float32 rounded to ODD, RO(p): p itself when it is a float,
 * otherwise whichever of its two float neighbours has an odd last significand bit. Then RN_h(RO(p)) = RN_h(p):
 *
 * Let G be the float32 values (subnormals included, MXCSR as Node leaves it: no FTZ/DAZ) and D the decision points of
 * RN_h on [0, inf): the finite values of h, the midpoints between consecutive ones, and the overflow threshold (the
 * largest finite value plus half an ulp, from which on RN_h gives Inf). RN_h is constant on every open interval between
 * consecutive points of D (its value changes only at D). Claim: every point of D is a float with an EVEN last bit.
 *   float16 (10 stored bits): in the binade [2^e, 2^(e+1)), -14 <= e <= 15, the points of D are multiples of
 *     2^(e-11), and float32's quantum there is 2^(e-23) (a normal float binade): multiples of 2^12 quanta, even.
 *     Below 2^-14 they are multiples of 2^-25 (subnormal quantum 2^-24, halved); a float binade [2^e, 2^(e+1)) with
 *     -25 <= e <= -15 has the quantum 2^(e-23) <= 2^-38, so they are multiples of at least 2^13 quanta: even. The
 *     threshold 65520 = 4095 * 2^4 is in the binade of 2^15 (quantum 2^-8): even. And 0 is even.
 *   bfloat16 (7 stored bits, float32's exponent range): points of D in a normal binade are multiples of 2^(e-8), i.e.
 *     2^15 float quanta; below 2^-126 they are multiples of 2^-134 = 2^15 subnormal float quanta (2^-149); the
 *     threshold 2^128 - 2^119 is a multiple of 2^15 quanta of the top binade (2^104). All even.
 * Now let p > 0 be finite (RO and RN_h are odd functions, so negative p follows; p = ±0 is a float; ±Inf likewise).
 *   - p in G: RO(p) = p.
 *   - p < FLT_MAX, p not in G: p lies strictly between consecutive floats g1 < g2 and RO(p) is the odd one of them.
 *     The closed segment from p to RO(p) lies in [g1, g2] without the other neighbour (p is strictly inside), so the
 *     only float in it is RO(p), which is odd: no point of D (all even floats) is in it. So p and RO(p) lie in the
 *     same open interval between consecutive points of D, where RN_h is constant.
 *   - p > FLT_MAX: RO(p) = FLT_MAX (odd; the lanes below compute exactly that), and both are beyond the thresholds
 *     65520 and 2^128 - 2^119, so both give Inf.
 * So RN_h(RO(p)) = RN_h(p). The last step needs only a correct RNE from float32 to h: vcvtps2ph with the rounding
 * immediate _MM_FROUND_TO_NEAREST_INT (not MXCSR; it produces float16 subnormals and Inf by IEEE rules) for float16,
 * and for bfloat16 the integer RNE on the float's bits, (b + 0x7fff + ((b >> 16) & 1)) >> 16, whose carry moves into
 * the exponent (to Inf at the top); NaN is kept quiet as (b >> 16) | 0x40 instead.
 *
 * RO(p) in lanes: f = cvtpd2ps(p) is RNE, so it is one of g1, g2 (Inf beyond FLT_MAX plus half an ulp); back =
 * cvtps2pd(f) is exact. back == p: p is a float, keep f. Otherwise, if |back| > |p| (f rounded away from zero) step f
 * one ulp toward zero: the magnitude bits of a float are consecutive integers for consecutive values, so that is f's
 * bits minus 1 (Inf -> FLT_MAX, 2^e -> the largest float below it); now f = g1 (in magnitude). Then OR 1 into the
 * last bit: g1 if it is odd, else g1 + 1 ulp = g2, the odd one. NaN lanes compare unordered (the NEQ_OQ / GT_OQ
 * masks are false), so they pass untouched. The tails go through half_from_double (common/half.h), an independent
 * integer rounding of the same double; both are tested against an oracle that searches the nearest half value.
 * Scales whose products are all floats (half scales with 8-bit codes) skip the round-to-odd step: dequantize_half_exact.
 */
inline __m256d abs4(__m256d v) { return _mm256_and_pd(v, _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL))); }

// The 8 32-bit lanes of the masks (all ones or zeros per 64-bit lane) of a and b, in element order (as in codes8).
inline __m256i narrow_masks(__m256d a, __m256d b) {
  const __m256 low = _mm256_shuffle_ps(_mm256_castpd_ps(a), _mm256_castpd_ps(b), _MM_SHUFFLE(2, 0, 2, 0));
  return _mm256_permute4x64_epi64(_mm256_castps_si256(low), _MM_SHUFFLE(3, 1, 2, 0));
}

// RO(p) of the 8 doubles lo (elements 0-3) and hi (4-7), as 8 floats.
inline __m256 round_to_odd8(__m256d lo, __m256d hi) {
  const __m256 f = _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo));
  const __m256d back_lo = _mm256_cvtps_pd(_mm256_castps256_ps128(f));
  const __m256d back_hi = _mm256_cvtps_pd(_mm256_extractf128_ps(f, 1));
  const __m256i inexact = narrow_masks(_mm256_cmp_pd(back_lo, lo, _CMP_NEQ_OQ), _mm256_cmp_pd(back_hi, hi, _CMP_NEQ_OQ));
  const __m256i away = narrow_masks(_mm256_cmp_pd(abs4(back_lo), abs4(lo), _CMP_GT_OQ), _mm256_cmp_pd(abs4(back_hi), abs4(hi), _CMP_GT_OQ));
  __m256i bits = _mm256_add_epi32(_mm256_castps_si256(f), away);  // -1 where f rounded away from zero
  bits = _mm256_or_si256(bits, _mm256_srli_epi32(inexact, 31));     // the sticky bit
  return _mm256_castsi256_ps(bits);
}

// 8 floats rounded to the half type (RNE) and stored at out.
template <HalfType H> inline void store_half8(uint16_t* out, __m256 f) {
  __m128i h;
  if constexpr (H == HalfType::F16) {
    h = _mm256_cvtps_ph(f, _MM_FROUND_TO_NEAREST_INT);
  } else {
    const __m256i b = _mm256_castps_si256(f);
    const __m256i rounded = _mm256_srli_epi32(
        _mm256_add_epi32(_mm256_add_epi32(b, _mm256_set1_epi32(0x7fff)), _mm256_and_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(1))), 16);
    const __m256i quiet = _mm256_or_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(0x40));
    const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(b, _mm256_set1_epi32(0x7fffffff)), _mm256_set1_epi32(0x7f800000));
    const __m256i r = _mm256_blendv_epi8(rounded, quiet, nan);  // every lane in [0, 0xffff]: packus is exact
    h = _mm_packus_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), h);
}

template <IntType T, HalfType H> void dequantize_half_run(const void* q, size_t n, double scale, int32_t zp, uint16_t* out) {
  const __m256d s = _mm256_set1_pd(scale);
  const __m256i z = _mm256_set1_epi32(zp);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256d lo, hi;
    products8<T>(q, i, z, s, &lo, &hi);
    store_half8<H>(out + i, round_to_odd8(lo, hi));
  }
  dequantize_half_loop<H>(static_cast<const typename CodeType<T>::type*>(q) + i, n - i, scale, zp, out + i);
}

// The products of a scale for which half_products_exact_in_float (common/half.h) holds: a float multiply is the exact
// double product, so one RNE to the half type rounds it correctly; no round-to-odd step. The common case of half
// tensors: 8-bit codes with a half scale.
template <IntType T, HalfType H> void dequantize_half_exact(const void* q, size_t n, float scale, int32_t zp, uint16_t* out) {
  const __m256 s = _mm256_set1_ps(scale);
  const __m256i z = _mm256_set1_epi32(zp);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i a = _mm256_sub_epi32(load_codes8<T>(q, i), z);
    const __m256i b = _mm256_sub_epi32(load_codes8<T>(q, i + 8), z);
    store_half8<H>(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(a), s));
    store_half8<H>(out + i + 8, _mm256_mul_ps(_mm256_cvtepi32_ps(b), s));
  }
  for (; i + 8 <= n; i += 8) store_half8<H>(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(load_codes8<T>(q, i), z)), s));
  dequantize_half_loop<H>(static_cast<const typename CodeType<T>::type*>(q) + i, n - i, scale, zp, out + i);
}

template <IntType T, HalfType H> void dequantize_half_codes(const void* q, size_t n, double scale, int32_t zp, uint16_t* out) {
  if (half_products_exact_in_float(scale, T, zp)) dequantize_half_exact<T, H>(q, n, static_cast<float>(scale), zp, out);
  else dequantize_half_run<T, H>(q, n, scale, zp, out);
}

template <HalfType H> void dequantize_half_typed(const void* q, IntType q_type, size_t n, double scale, int32_t zp, uint16_t* out) {
  switch (q_type) {
    case IntType::I8: dequantize_half_codes<IntType::I8, H>(q, n, scale, zp, out); return;
    case IntType::U8: dequantize_half_codes<IntType::U8, H>(q, n, scale, zp, out); return;
    case IntType::I16: dequantize_half_codes<IntType::I16, H>(q, n, scale, zp, out); return;
    case IntType::U16: dequantize_half_codes<IntType::U16, H>(q, n, scale, zp, out); return;
  }
}

void dequantize_half(const void* q, IntType q_type, size_t n, double scale, int32_t zp, HalfType t, uint16_t* out) {
  if (t == HalfType::F16) dequantize_half_typed<HalfType::F16>(q, q_type, n, scale, zp, out);
  else dequantize_half_typed<HalfType::BF16>(q, q_type, n, scale, zp, out);
}

}  // namespace
}  // namespace quantkit::avx2
