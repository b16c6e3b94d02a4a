// AVX2 fake-quantize kernels (quantize then dequantize, with error sums or values only). Built on the quantize body
// of quantize.h.
#pragma once

#include "../common/fake_quantize.h"
#include "quantize.h"
#include "vec.h"

namespace quantkit::avx2 {
namespace {

/*
 * Fake-quantize: the vector body computes k = code - zp as a float (m - magic, an exact integer) and out = k * s,
 * which is the dequantize contract for a float scale. The error sums follow the lane order of common/fake_quantize.h
 * (docs/SPEC.md §6): element i of the call goes to lane i mod 8. The body takes whole groups of 8 elements and keeps
 * each sum in two __m256d accumulators, lanes 0-3 and lanes 4-7 of the groups, so every lane adds its terms (the same
 * IEEE double operations as the scalar kernel: d = x - o, d * d, |d|, x * x, o * o, x * o, no FMA) in element order
 * from +0, exactly as ErrorAccumulator::add does. The accumulators are then stored into the ErrorAccumulator's lanes,
 * the tail (n mod 8 elements, after the body in element order) goes through fake_quantize_loop into lanes
 * 0 .. tail - 1, and ErrorAccumulator::finish combines the lanes in the fixed order: bit-identical to the scalar set.
 * The maximum of |d| is taken lane-wise over the non-NaN |d| (order independent); a NaN |d| shows in the |d| sums
 * (ErrorAccumulator::finish), so no NaN mask is kept.
 */
struct ErrorVectors {  // four lanes of each sum
  __m256d sq = _mm256_setzero_pd();
  __m256d abs_d = _mm256_setzero_pd();
  __m256d ref2 = _mm256_setzero_pd();
  __m256d approx2 = _mm256_setzero_pd();
  __m256d dot = _mm256_setzero_pd();
  __m256d max = _mm256_setzero_pd();  // of the non-NaN |d|: max_pd returns its second operand when either is NaN

  // 4 elements: reference x, approximation o.
  void add4(__m256d x, __m256d o) {
    const __m256d d = _mm256_sub_pd(x, o);
    const __m256d a = _mm256_and_pd(d, _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL)));
    sq = _mm256_add_pd(sq, _mm256_mul_pd(d, d));
    abs_d = _mm256_add_pd(abs_d, a);
    ref2 = _mm256_add_pd(ref2, _mm256_mul_pd(x, x));
    approx2 = _mm256_add_pd(approx2, _mm256_mul_pd(o, o));
    dot = _mm256_add_pd(dot, _mm256_mul_pd(x, o));
    max = _mm256_max_pd(a, max);
  }

  // Hands these four lanes over to lanes first .. first + 3 of acc (which has seen no element yet), folding the maximum.
  void store_to(ErrorAccumulator& acc, size_t first) const {
    _mm256_storeu_pd(acc.sq + first, sq);
    _mm256_storeu_pd(acc.abs_d + first, abs_d);
    _mm256_storeu_pd(acc.ref2 + first, ref2);
    _mm256_storeu_pd(acc.approx2 + first, approx2);
    _mm256_storeu_pd(acc.dot + first, dot);
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, max);
    for (int j = 0; j < 4; j++) acc.fold_max(lanes[j]);
  }
};

#if defined(_MSC_VER) && !defined(__clang__)
#define QUANTKIT_NOINLINE __declspec(noinline)
#else
#define QUANTKIT_NOINLINE __attribute__((noinline))
#endif

// The error pass over the groups of 8 in x[start, end) and out[start, end): lanes 0-3 (elements 8g .. 8g + 3) into
// lo, then lanes 4-7 into hi. The lanes are independent, so taking one half after the other keeps each lane's
// element order, and each half needs six accumulators: with all of them plus the temporaries the sixteen ymm
// registers overflow and GCC keeps some accumulators on the stack (a store and reload in a loop-carried chain). Not
// inlined for the same reason: inside the chunk loop below the compiler keeps the accumulators live across the
// quantize pass, whose constants push some of them out. One call per chunk; together 5-10% faster than either
// alternative (GCC 12, 256K float32 elements).
template <typename F> QUANTKIT_NOINLINE void accumulate_errors(const F* x, const F* out, size_t start, size_t end, ErrorVectors* lo, ErrorVectors* hi) {
  using A = Vec<F>;
  ErrorVectors v = *lo;
  for (size_t i = start; i < end; i += kErrorLanes) v.add4(A::load4_f64(x + i), A::load4_f64(out + i));
  *lo = v;
  v = *hi;
  for (size_t i = start + 4; i < end; i += kErrorLanes) v.add4(A::load4_f64(x + i), A::load4_f64(out + i));
  *hi = v;
}

// Quantize-dequantize and error terms run as two passes over chunks that stay in L1: one loop holding all the
// constants of either pass would spill the accumulators. Whole groups of 8 elements go through the vector
// passes; the tail (fewer than 8) through fake_quantize_loop of common/fake_quantize.h.
constexpr size_t kFakeChunk = 512;  // a multiple of 8: chunks end on group boundaries

// Errors = false (sums == nullptr): the same vector pass without the error pass, the tail through
// fake_quantize_values_loop.
template <typename F, Mode M, bool Errors>
void fake_quantize_run(const F* x, size_t n, F scale, const QuantVec<F>& c, const QuantParams<F>& p, F* out, ErrorSums* sums) {
  using A = Vec<F>;
  static_assert(kErrorLanes % A::lanes == 0 && kFakeChunk % kErrorLanes == 0, "groups of 8 are whole vectors");
  const typename A::V s = A::set1(scale);
  ErrorVectors lo, hi;  // lanes 0-3, 4-7
  const size_t body = n - n % kErrorLanes;
  for (size_t start = 0; start < body; start += kFakeChunk) {
    const size_t end = body - start < kFakeChunk ? body : start + kFakeChunk;
    for (size_t i = start; i < end; i += A::lanes) {
      const typename A::V x0 = A::load(x + i);
      typename A::V flag = A::zero();
      typename A::V m = shifted<M>(c, x0, &flag);
      if (M == Mode::Checked && A::any(flag)) m = shifted<Mode::Divide>(c, x0, &flag);
      A::store(out + i, A::mul(A::sub(m, c.magic), s));
    }
    if constexpr (Errors) accumulate_errors(x, out, start, end, &lo, &hi);
  }
  if constexpr (Errors) {
    ErrorAccumulator acc(*sums);
    lo.store_to(acc, 0);
    hi.store_to(acc, 4);
    fake_quantize_loop(x + body, n - body, scale, p, out + body, acc, 0);  // body % 8 == 0: the tail starts at lane 0
    acc.finish(sums);
  } else {
    fake_quantize_values_loop(x + body, n - body, scale, p, out + body);
  }
}

template <typename F, bool Errors> void fake_quantize_modes(const F* x, size_t n, F scale, int32_t zp, QuantSpec spec, F* out, ErrorSums* sums) {
  const QuantParams<F> p = make_quant_params(scale, zp, spec);
  const QuantVec<F> c = make_quant_vec(scale, zp, spec);
  switch (quantize_mode(scale, spec)) {
    case Mode::Multiply: fake_quantize_run<F, Mode::Multiply, Errors>(x, n, scale, c, p, out, sums); return;
    case Mode::Checked: fake_quantize_run<F, Mode::Checked, Errors>(x, n, scale, c, p, out, sums); return;
    case Mode::Divide: fake_quantize_run<F, Mode::Divide, Errors>(x, n, scale, c, p, out, sums); return;
  }
}

template <typename F> void fake_quantize(const F* x, size_t n, F scale, int32_t zp, QuantSpec spec, F* out, ErrorSums* sums) {
  if (sums == nullptr) fake_quantize_modes<F, false>(x, n, scale, zp, spec, out, sums);
  else fake_quantize_modes<F, true>(x, n, scale, zp, spec, out, sums);
}

}  // namespace
}  // namespace quantkit::avx2
