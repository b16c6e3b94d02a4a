// AVX2 dequantize kernels.
#pragma once

#include "../common/dequantize.h"
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

template <IntType T, typename F> void dequantize_double(const void* q, size_t n, double scale, int32_t zp, F* out) {
  const __m256d s = _mm256_set1_pd(scale);
  const __m256i z = _mm256_set1_epi32(zp);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i k = _mm256_sub_epi32(load_codes8<T>(q, i), z);
    const __m256d lo = _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(k)), s);
    const __m256d hi = _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(k, 1)), s);
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

}  // namespace
}  // namespace quantkit::avx2
