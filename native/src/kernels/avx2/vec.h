// Vec<F>: the 256-bit vector of float32 (8 lanes) or float64 (4 lanes) and the AVX intrinsics the AVX2 families use
// on it, so that one template body serves both precisions where the code has the same shape. Thin inline wrappers:
// each is exactly the intrinsic it names. Vec<float>::load also reads half elements (a HalfRun of common/half.h),
// widened exactly to float32 in the register, so the float32 bodies run on half inputs as they are. Every kernels/avx2/*.h includes this header first, so the check below
// keeps all of them out of any file but kernels/avx2/table.cc. Internal linkage only.
#pragma once

#if !defined(QUANTKIT_AVX2_TABLE_CC)
#error "kernels/avx2/*.h may only be included by kernels/avx2/table.cc (the one file compiled with -mavx2)"
#endif

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "../common/half.h"

#if !defined(__F16C__) && !defined(_MSC_VER)
#error "kernels/avx2/table.cc must be compiled with -mf16c too (the AVX2 set requires F16C, dispatch/kernel_sets.cc)"
#endif

namespace quantkit::avx2 {
namespace {

template <typename F> struct Vec;

template <> struct Vec<float> {
  using V = __m256;
  static constexpr size_t lanes = 8;
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  // 8 float16 elements: vcvtph2ps, exact (subnormals kept, NaN quiet with its payload, as f16_to_f32_bits).
  static V load(HalfRun<HalfType::F16> x) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x.p))); }
  // 8 bfloat16 elements: each pattern zero-extended to 32 bits and moved into the high half, the float it is the top of.
  static V load(HalfRun<HalfType::BF16> x) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x.p))), 16));
  }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static void store_aligned(float* p, V v) { _mm256_store_ps(p, v); }
  static V set1(float v) { return _mm256_set1_ps(v); }
  static V zero() { return _mm256_setzero_ps(); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V min(V a, V b) { return _mm256_min_ps(a, b); }  // b when either is NaN
  static V max(V a, V b) { return _mm256_max_ps(a, b); }  // b when either is NaN
  static V bit_and(V a, V b) { return _mm256_and_ps(a, b); }
  static V bit_or(V a, V b) { return _mm256_or_ps(a, b); }
  static V greater_equal(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
  static V abs_mask() { return _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)); }
  static bool any(V mask) { return !_mm256_testz_ps(mask, mask); }
  // p[0, 4) widened to double.
  static __m256d load4_f64(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
};

template <> struct Vec<double> {
  using V = __m256d;
  static constexpr size_t lanes = 4;
  static V load(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  static void store_aligned(double* p, V v) { _mm256_store_pd(p, v); }
  static V set1(double v) { return _mm256_set1_pd(v); }
  static V zero() { return _mm256_setzero_pd(); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static V div(V a, V b) { return _mm256_div_pd(a, b); }
  static V min(V a, V b) { return _mm256_min_pd(a, b); }
  static V max(V a, V b) { return _mm256_max_pd(a, b); }
  static V bit_and(V a, V b) { return _mm256_and_pd(a, b); }
  static V bit_or(V a, V b) { return _mm256_or_pd(a, b); }
  static V greater_equal(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_GE_OQ); }
  static V abs_mask() { return _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL)); }
  static bool any(V mask) { return !_mm256_testz_pd(mask, mask); }
  static __m256d load4_f64(const double* p) { return _mm256_loadu_pd(p); }
};

}  // namespace
}  // namespace quantkit::avx2
