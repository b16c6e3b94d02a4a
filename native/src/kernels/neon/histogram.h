// NEON histograms (plain and of |x|): the bin of every element computed in float64 lanes, the counting in general
// registers (a scatter); float32 and half inputs widened exactly to float64 first.
#pragma once

#include "../common/half.h"
#include "../common/histogram.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

/*
 * Per lane, histogram_bin of common/histogram.h in the same float64 operations: in = min <= v && v <= max (false for
 * NaN), t = min((v - min) * f, bins - 1), truncated by FCVTZU. Taking the minimum before truncating equals truncating
 * first (bins - 1 is an integer, truncation is monotone), and with a finite f an in-range product is finite and below
 * 2^31, where FCVTZU and `| 0` agree; a span so small that f = +inf is left to the portable loop. Lanes outside
 * [min, max] (and NaN) get the index bins, which counts into a sink instead of the caller's array.
 */
struct HistogramVec {
  float64x2_t min, max, factor, last, trash;
};

inline HistogramVec make_histogram_vec(const HistogramParams& p) {
  return {vdupq_n_f64(p.min), vdupq_n_f64(p.max), vdupq_n_f64(p.factor), vdupq_n_f64(static_cast<double>(p.last)),
          vdupq_n_f64(static_cast<double>(p.last) + 1.0)};
}

template <bool Abs> inline uint64x2_t bins2(float64x2_t v, const HistogramVec& c) {
  if (Abs) v = vabsq_f64(v);
  const uint64x2_t in = vandq_u64(vcgeq_f64(v, c.min), vcleq_f64(v, c.max));
  const float64x2_t t = vminq_f64(vmulq_f64(vsubq_f64(v, c.min), c.factor), c.last);
  return vcvtq_u64_f64(vbslq_f64(in, t, c.trash));
}

template <bool Abs, typename X> inline void bins4(X x, const HistogramVec& c, uint64_t* k) {
  const float32x4_t v = load4(x);
  vst1q_u64(k, bins2<Abs>(vcvt_f64_f32(vget_low_f32(v)), c));
  vst1q_u64(k + 2, bins2<Abs>(vcvt_high_f64_f32(v), c));
}
template <bool Abs> inline void bins4(const double* x, const HistogramVec& c, uint64_t* k) {
  vst1q_u64(k, bins2<Abs>(vld1q_f64(x), c));
  vst1q_u64(k + 2, bins2<Abs>(vld1q_f64(x + 2), c));
}

// x: a const F*, or for F = float a HalfRun (its tail counts through common/half.h).
template <bool Abs, typename F, typename X = const F*> void histogram(X x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  const HistogramParams p = make_histogram_params(min, max, bins);
  size_t i = 0;
  if (p.finite_factor) {
    const HistogramVec c = make_histogram_vec(p);
    uint32_t sink = 0;
    uint64_t k[8];
    for (; i + 8 <= n; i += 8) {
      bins4<Abs>(x + i, c, k);
      bins4<Abs>(x + i + 4, c, k + 4);
      for (int j = 0; j < 8; j++) {
        uint32_t* slot = k[j] < bins ? counts + k[j] : &sink;
        ++*slot;
      }
    }
  }
  histogram_scalar<Abs>(x + i, n - i, p, counts);
}

template <bool Abs> void histogram_half(const uint16_t* x, HalfType t, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  with_half_type(t, x, [&](auto run) { histogram<Abs, float>(run, n, min, max, counts, bins); });
}

}  // namespace
}  // namespace quantkit::neon
