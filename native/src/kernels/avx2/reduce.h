// AVX2 range reductions: min/max and abs-max, one template for float32 (8 lanes) and float64 (4 lanes); half inputs
// run the float32 template on a HalfRun (x below), whose loads widen in the register (vec.h).
#pragma once

#include "../common/half.h"
#include "../common/reduce.h"
#include "vec.h"

namespace quantkit::avx2 {
namespace {

/*
 * Range reductions. _mm256_min_ps(x, acc) returns acc when x is NaN (the second operand wins), so NaN is ignored and
 * the accumulators never become NaN. Min and max are order independent apart from the sign of a zero result, which the
 * contract leaves unspecified. Four accumulators of each kind over blocks of 4 vectors, then single vectors, then the
 * lanes and the tail through the folds of common/reduce.h.
 */
// Lanes of the min accumulators fold into *min only (an unused lane still holds +inf), and likewise for max.
template <typename F> inline void fold_lanes(const F* lanes_min, const F* lanes_max, size_t lanes, double* min, double* max) {
  for (size_t j = 0; j < lanes; j++) {
    if (lanes_min[j] < *min) *min = lanes_min[j];
    if (lanes_max[j] > *max) *max = lanes_max[j];
  }
}

// x: a const F*, or for F = float a HalfRun (its tail folds through common/half.h).
template <typename F, typename X = const F*> void min_max(X x, size_t n, double* min, double* max) {
  using A = Vec<F>;
  constexpr size_t L = A::lanes;
  typename A::V mn0 = A::set1(static_cast<F>(__builtin_inf())), mn1 = mn0, mn2 = mn0, mn3 = mn0;
  typename A::V mx0 = A::set1(static_cast<F>(-__builtin_inf())), mx1 = mx0, mx2 = mx0, mx3 = mx0;
  size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    const typename A::V v0 = A::load(x + i);
    const typename A::V v1 = A::load(x + i + L);
    const typename A::V v2 = A::load(x + i + 2 * L);
    const typename A::V v3 = A::load(x + i + 3 * L);
    mn0 = A::min(v0, mn0);
    mn1 = A::min(v1, mn1);
    mn2 = A::min(v2, mn2);
    mn3 = A::min(v3, mn3);
    mx0 = A::max(v0, mx0);
    mx1 = A::max(v1, mx1);
    mx2 = A::max(v2, mx2);
    mx3 = A::max(v3, mx3);
  }
  for (; i + L <= n; i += L) {
    const typename A::V v = A::load(x + i);
    mn0 = A::min(v, mn0);
    mx0 = A::max(v, mx0);
  }
  alignas(32) F lanes_min[L];
  alignas(32) F lanes_max[L];
  A::store_aligned(lanes_min, A::min(A::min(mn0, mn1), A::min(mn2, mn3)));
  A::store_aligned(lanes_max, A::max(A::max(mx0, mx1), A::max(mx2, mx3)));
  fold_lanes(lanes_min, lanes_max, L, min, max);
  fold_min_max(x + i, n - i, min, max);
}

/*
 * Rows folded element by element. A_::min(v, acc) is exactly `v < acc ? v : acc` (the second operand wins when either
 * is NaN and when both are zeros), max likewise, so folding a band of kBand rows into a +inf / -inf accumulator in the
 * input's precision (exact: min and max only select) and then that accumulator into min[i] / max[i] gives the bits of
 * the row-by-row fold: the first element reaching the extreme wins either way. The band keeps the float64 arrays'
 * read-modify-write to one per kBand rows. Reading 8 rows side by side suits long rows; rows of a few hundred
 * elements make streams too short for the prefetchers (min_max_rows below sends those to min_max_rows_streamed).
 */
template <typename F, typename X = const F*> void min_max_rows_banded(X x, size_t rows, size_t stride, size_t n, double* min, double* max) {
  using A = Vec<F>;
  constexpr size_t L = A::lanes;
  constexpr size_t kBand = 8;
  const typename A::V pos_inf = A::set1(static_cast<F>(__builtin_inf()));
  const typename A::V neg_inf = A::set1(static_cast<F>(-__builtin_inf()));
  size_t r = 0;
  for (; r + kBand <= rows; r += kBand) {
    const X band = x + r * stride;
    size_t i = 0;
    for (; i + L <= n; i += L) {
      typename A::V mn = pos_inf, mx = neg_inf;
      for (size_t b = 0; b < kBand; b++) {
        const typename A::V v = A::load(band + b * stride + i);
        mn = A::min(v, mn);
        mx = A::max(v, mx);
      }
      alignas(32) F lanes_min[L];
      alignas(32) F lanes_max[L];
      A::store_aligned(lanes_min, mn);
      A::store_aligned(lanes_max, mx);
      for (size_t j = 0; j < L; j += 4) {
        const __m256d lo = Vec<F>::load4_f64(lanes_min + j);
        const __m256d hi = Vec<F>::load4_f64(lanes_max + j);
        _mm256_storeu_pd(min + i + j, _mm256_min_pd(lo, _mm256_loadu_pd(min + i + j)));
        _mm256_storeu_pd(max + i + j, _mm256_max_pd(hi, _mm256_loadu_pd(max + i + j)));
      }
    }
    for (size_t b = 0; b < kBand; b++) fold_min_max_elementwise(band + b * stride + i, n - i, min + i, max + i);
  }
  for (; r < rows; r++) fold_min_max_elementwise(x + r * stride, n, min, max);
}

// The float64 arrays min[0, n) / max[0, n) folded with accumulators acc_min / acc_max of the input's precision.
template <typename F> void fold_accumulators(const F* acc_min, const F* acc_max, size_t n, double* min, double* max) {
  using A = Vec<F>;
  for (size_t i = 0; i < n; i += 4) {
    _mm256_storeu_pd(min + i, _mm256_min_pd(A::load4_f64(acc_min + i), _mm256_loadu_pd(min + i)));
    _mm256_storeu_pd(max + i, _mm256_max_pd(A::load4_f64(acc_max + i), _mm256_loadu_pd(max + i)));
  }
}

// Rows of at most kStreamedBytes: the rows in memory order, each folded into accumulators of the input's precision
// on the stack (L1), which fold into min / max at the end; exact for the reason above. n is a multiple of the lanes.
constexpr size_t kStreamedBytes = 4096;

// An empty statement no memory access moves across, at the end of each row: GCC's -O3 unroll-and-jam otherwise
// interleaves rows two by two, the access pattern this loop exists to avoid (2.4x slower on [65536, 256] float32).
#if defined(__GNUC__)
#define QUANTKIT_ROW_BARRIER() __asm__ volatile("" ::: "memory")
#else
#define QUANTKIT_ROW_BARRIER() ((void)0)
#endif

template <typename F, typename X> void min_max_rows_streamed(X x, size_t rows, size_t stride, size_t n, double* min, double* max) {
  using A = Vec<F>;
  constexpr size_t L = A::lanes;
  alignas(32) F acc_min[kStreamedBytes / sizeof(F)];
  alignas(32) F acc_max[kStreamedBytes / sizeof(F)];
  const typename A::V pos_inf = A::set1(static_cast<F>(__builtin_inf()));
  const typename A::V neg_inf = A::set1(static_cast<F>(-__builtin_inf()));
  for (size_t i = 0; i < n; i += L) {
    A::store_aligned(acc_min + i, pos_inf);
    A::store_aligned(acc_max + i, neg_inf);
  }
  for (size_t r = 0; r < rows; r++) {
    const X row = x + r * stride;
    for (size_t i = 0; i < n; i += L) {
      const typename A::V v = A::load(row + i);
      A::store_aligned(acc_min + i, A::min(v, A::load(acc_min + i)));
      A::store_aligned(acc_max + i, A::max(v, A::load(acc_max + i)));
    }
    QUANTKIT_ROW_BARRIER();
  }
  fold_accumulators(acc_min, acc_max, n, min, max);
}

// Rows of 32 .. kStreamedBytes / sizeof(F) elements in whole vectors stream (on [65536, 256] float32: 2.7x the
// banded fold's speed, and faster from 32 to 1024 columns); others (short, long or ragged rows) go banded.
template <typename F, typename X = const F*> void min_max_rows(X x, size_t rows, size_t stride, size_t n, double* min, double* max) {
  if (n >= 32 && n * sizeof(F) <= kStreamedBytes && n % Vec<F>::lanes == 0) min_max_rows_streamed<F>(x, rows, stride, n, min, max);
  else min_max_rows_banded<F>(x, rows, stride, n, min, max);
}

// The smallest (largest) lane of v, by halving shuffles; v holds no NaN.
inline double horizontal_min(__m256 v) {
  v = _mm256_min_ps(v, _mm256_permute2f128_ps(v, v, 1));
  v = _mm256_min_ps(v, _mm256_shuffle_ps(v, v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm256_min_ps(v, _mm256_shuffle_ps(v, v, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm256_cvtss_f32(v);
}
inline double horizontal_max(__m256 v) {
  v = _mm256_max_ps(v, _mm256_permute2f128_ps(v, v, 1));
  v = _mm256_max_ps(v, _mm256_shuffle_ps(v, v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm256_max_ps(v, _mm256_shuffle_ps(v, v, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm256_cvtss_f32(v);
}
inline double horizontal_min(__m256d v) {
  v = _mm256_min_pd(v, _mm256_permute2f128_pd(v, v, 1));
  v = _mm256_min_pd(v, _mm256_shuffle_pd(v, v, 0b0101));
  return _mm256_cvtsd_f64(v);
}
inline double horizontal_max(__m256d v) {
  v = _mm256_max_pd(v, _mm256_permute2f128_pd(v, v, 1));
  v = _mm256_max_pd(v, _mm256_shuffle_pd(v, v, 0b0101));
  return _mm256_cvtsd_f64(v);
}

// min_max for a short run (a block of quantize_blocks): one accumulator pair, the last vector overlapping the one
// before it (min and max may see an element twice), lanes folded by shuffles. Runs shorter than a vector fold in scalar.
template <typename F> inline void min_max_block(const F* x, size_t n, double* min, double* max) {
  using A = Vec<F>;
  constexpr size_t L = A::lanes;
  if (n < L) return fold_min_max(x, n, min, max);
  typename A::V mn = A::set1(static_cast<F>(__builtin_inf()));
  typename A::V mx = A::set1(static_cast<F>(-__builtin_inf()));
  for (size_t i = 0; i + L <= n; i += L) {
    const typename A::V v = A::load(x + i);
    mn = A::min(v, mn);  // NaN lanes keep the accumulator
    mx = A::max(v, mx);
  }
  if (n % L != 0) {
    const typename A::V v = A::load(x + n - L);
    mn = A::min(v, mn);
    mx = A::max(v, mx);
  }
  const double lo = horizontal_min(mn);
  const double hi = horizontal_max(mx);
  if (lo < *min) *min = lo;
  if (hi > *max) *max = hi;
}

template <typename F, typename X = const F*> void abs_max(X x, size_t n, double* abs_max) {
  using A = Vec<F>;
  constexpr size_t L = A::lanes;
  const typename A::V mask = A::abs_mask();
  typename A::V m0 = A::zero(), m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    m0 = A::max(A::bit_and(A::load(x + i), mask), m0);
    m1 = A::max(A::bit_and(A::load(x + i + L), mask), m1);
    m2 = A::max(A::bit_and(A::load(x + i + 2 * L), mask), m2);
    m3 = A::max(A::bit_and(A::load(x + i + 3 * L), mask), m3);
  }
  for (; i + L <= n; i += L) m0 = A::max(A::bit_and(A::load(x + i), mask), m0);
  alignas(32) F lanes[L];
  A::store_aligned(lanes, A::max(A::max(m0, m1), A::max(m2, m3)));
  fold_abs_max(lanes, L, abs_max);
  fold_abs_max(x + i, n - i, abs_max);
}

// Half inputs: the float32 bodies above on a HalfRun.
void min_max_half(const uint16_t* x, HalfType t, size_t n, double* min, double* max) {
  with_half_type(t, x, [&](auto run) { min_max<float>(run, n, min, max); });
}
void min_max_rows_half(const uint16_t* x, HalfType t, size_t rows, size_t stride, size_t n, double* min, double* max) {
  with_half_type(t, x, [&](auto run) { min_max_rows<float>(run, rows, stride, n, min, max); });
}
void abs_max_half(const uint16_t* x, HalfType t, size_t n, double* abs_max_out) {
  with_half_type(t, x, [&](auto run) { abs_max<float>(run, n, abs_max_out); });
}

}  // namespace
}  // namespace quantkit::avx2
