// AVX2 fake-quantize kernels (quantize then dequantize, with error sums). Built on the quantize body of quantize.h.
#pragma once

#include "../common/fake_quantize.h"
#include "quantize.h"
#include "vec.h"

namespace quantkit::avx2 {
namespace {

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
  if (Vec<double>::any(nan_lanes)) acc.nan = true;
}

// Quantize-dequantize and error terms run as two passes over chunks that stay in L1: one loop holding all the
// constants of either pass would spill registers inside the sequential sums. Whole vectors go through the vector
// passes; the tail (fewer than one vector) through fake_quantize_loop of common/fake_quantize.h.
constexpr size_t kFakeChunk = 512;

template <typename F, Mode M>
void fake_quantize_run(const F* x, size_t n, F scale, const QuantVec<F>& c, const QuantParams<F>& p, F* out, ErrorSums* sums) {
  using A = Vec<F>;
  const typename A::V s = A::set1(scale);
  ErrorAccumulator acc(*sums);
  __m256d max_lanes = _mm256_setzero_pd();
  __m256d nan_lanes = _mm256_setzero_pd();
  const size_t body = n - n % A::lanes;
  for (size_t start = 0; start < body; start += kFakeChunk) {
    const size_t end = body - start < kFakeChunk ? body : start + kFakeChunk;
    for (size_t i = start; i < end; i += A::lanes) {
      const typename A::V x0 = A::load(x + i);
      typename A::V flag = A::zero();
      typename A::V m = shifted<M>(c, x0, &flag);
      if (M == Mode::Checked && A::any(flag)) m = shifted<Mode::Divide>(c, x0, &flag);
      A::store(out + i, A::mul(A::sub(m, c.magic), s));
    }
    for (size_t i = start; i < end; i += 4) {
      accumulate4(A::load4_f64(x + i), A::load4_f64(out + i), acc, &max_lanes, &nan_lanes);
    }
  }
  finish_lanes(acc, max_lanes, nan_lanes);
  fake_quantize_loop(x + body, n - body, scale, p, out + body, acc);
  *sums = acc.finish();
}

template <typename F> void fake_quantize(const F* x, size_t n, F scale, int32_t zp, QuantSpec spec, F* out, ErrorSums* sums) {
  const QuantParams<F> p = make_quant_params(scale, zp, spec);
  const QuantVec<F> c = make_quant_vec(scale, zp, spec);
  switch (quantize_mode(scale, spec)) {
    case Mode::Multiply: fake_quantize_run<F, Mode::Multiply>(x, n, scale, c, p, out, sums); return;
    case Mode::Checked: fake_quantize_run<F, Mode::Checked>(x, n, scale, c, p, out, sums); return;
    case Mode::Divide: fake_quantize_run<F, Mode::Divide>(x, n, scale, c, p, out, sums); return;
  }
}

}  // namespace
}  // namespace quantkit::avx2
