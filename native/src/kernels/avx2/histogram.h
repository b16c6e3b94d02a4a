// AVX2 histograms (plain and of |x|), float32 inputs widened to double; half inputs through the float32 body on a
// HalfRun, whose loads widen to float32 in the register (vec.h).
#pragma once

#include "../common/half.h"
#include "../common/histogram.h"
#include "vec.h"

namespace quantkit::avx2 {
namespace {

/*
 * Histograms. The bin of each lane is computed exactly as histogram_bin (common/histogram.h) computes it, in double:
 * in = min <= v && v <= max (false for NaN), t = min((v - min) * f, bins - 1), truncated by cvttpd2dq. Taking the
 * minimum before truncating equals truncating first (bins - 1 is an integer and truncation is monotone). With a
 * finite f an in-range product is finite and below 2^31 (common/histogram.h), so cvttpd2dq never sees what `| 0` would
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

// x: a const float*, or a HalfRun (Vec<float>::load widens it).
template <bool Abs, typename X> inline __m256i bins8(X x, const HistogramVec& c) {
  const __m256 v = Vec<float>::load(x);
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
template <bool Abs, typename X> size_t histogram_private(X x, size_t n, const HistogramParams& p, uint32_t* priv, size_t stride) {
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
template <bool Abs, typename X> size_t histogram_direct(X x, size_t n, const HistogramParams& p, uint32_t* counts) {
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

// x: a const F*, or for F = float a HalfRun (its tail counts through common/half.h).
template <bool Abs, typename F, typename X = const F*> void histogram(X x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
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

// Half inputs: the float32 body above on a HalfRun.
template <bool Abs> void histogram_half(const uint16_t* x, HalfType t, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  with_half_type(t, x, [&](auto run) { histogram<Abs, float>(run, n, min, max, counts, bins); });
}

}  // namespace
}  // namespace quantkit::avx2
