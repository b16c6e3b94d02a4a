// NEON fake-quantize kernels (quantize then dequantize, with error sums or values only), on the lane arithmetic of
// quantize.h.
#pragma once

#include "../common/fake_quantize.h"
#include "quantize.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

/*
 * Per element: k = the clamped, rounded offset of quantize.h (FCVTNS to an integer, converted back exactly: a zero
 * offset is +0 as in the scalar code, never the -0 a rounding instruction could keep), out = k * scale in x's
 * precision. The error sums follow the lane order of common/fake_quantize.h (docs/SPEC.md §6): element i of the call
 * goes to lane i mod 8. The body takes whole groups of 8 elements and keeps each sum in four float64x2 accumulators
 * (lanes 0-1, 2-3, 4-5, 6-7), so every lane adds its terms (d = x - o, d * d, |d|, x * x, o * o, x * o: the same IEEE
 * double operations as ErrorAccumulator::add, no fusion) in element order from +0. The accumulators are then stored
 * into the ErrorAccumulator's lanes, the tail (n mod 8 elements) goes through fake_quantize_loop into lanes
 * 0 .. tail - 1, and ErrorAccumulator::finish combines the lanes in the fixed order: bit-identical to the scalar set.
 * The maximum of |d| is taken lane-wise over the non-NaN |d| (compare and select); a NaN |d| shows in the |d| sums.
 */
struct ErrorLanes {
  float64x2_t sq[4], abs_d[4], ref2[4], approx2[4], dot[4], max[4];

  ErrorLanes() {
    for (int j = 0; j < 4; j++) sq[j] = abs_d[j] = ref2[j] = approx2[j] = dot[j] = max[j] = vdupq_n_f64(0.0);
  }

  // Lanes 2j, 2j + 1: reference x, approximation o.
  void add(int j, float64x2_t x, float64x2_t o) {
    const float64x2_t d = vsubq_f64(x, o);
    const float64x2_t a = vabsq_f64(d);
    sq[j] = vaddq_f64(sq[j], vmulq_f64(d, d));
    abs_d[j] = vaddq_f64(abs_d[j], a);
    ref2[j] = vaddq_f64(ref2[j], vmulq_f64(x, x));
    approx2[j] = vaddq_f64(approx2[j], vmulq_f64(o, o));
    dot[j] = vaddq_f64(dot[j], vmulq_f64(x, o));
    max[j] = select_greater(a, max[j]);
  }

  // Hands the 8 lanes over to acc (which has seen no element yet), folding the maximum.
  void store_to(ErrorAccumulator& acc) const {
    for (int j = 0; j < 4; j++) {
      vst1q_f64(acc.sq + 2 * j, sq[j]);
      vst1q_f64(acc.abs_d + 2 * j, abs_d[j]);
      vst1q_f64(acc.ref2 + 2 * j, ref2[j]);
      vst1q_f64(acc.approx2 + 2 * j, approx2[j]);
      vst1q_f64(acc.dot + 2 * j, dot[j]);
      acc.fold_max(vgetq_lane_f64(max[j], 0));
      acc.fold_max(vgetq_lane_f64(max[j], 1));
    }
  }
};

// 8 float32 elements: outputs stored, error terms into the 8 lanes (Errors = false: values only).
template <bool Divide, bool Errors> inline void fake_quantize8(const QuantConsts<float>& c, float32x4_t s, const float* x, float* out, ErrorLanes& e) {
  for (int h = 0; h < 2; h++) {
    const float32x4_t v = vld1q_f32(x + 4 * h);
    const float32x4_t o = vmulq_f32(vcvtq_f32_s32(offsets4<Divide>(v, c.factor, c.lo, c.hi)), s);
    vst1q_f32(out + 4 * h, o);
    if constexpr (Errors) {
      e.add(2 * h, vcvt_f64_f32(vget_low_f32(v)), vcvt_f64_f32(vget_low_f32(o)));
      e.add(2 * h + 1, vcvt_high_f64_f32(v), vcvt_high_f64_f32(o));
    }
  }
}

// 8 float64 elements.
template <bool Divide, bool Errors> inline void fake_quantize8(const QuantConsts<double>& c, float64x2_t s, const double* x, double* out, ErrorLanes& e) {
  for (int j = 0; j < 4; j++) {
    const float64x2_t v = vld1q_f64(x + 2 * j);
    float64x2_t t = Divide ? vdivq_f64(v, c.factor) : vmulq_f64(v, c.factor);
    t = vminq_f64(vmaxnmq_f64(t, c.lo), c.hi);  // as offsets2 in quantize.h
    const float64x2_t o = vmulq_f64(vcvtq_f64_s64(vcvtnq_s64_f64(t)), s);
    vst1q_f64(out + 2 * j, o);
    if constexpr (Errors) e.add(j, v, o);
  }
}

// The whole groups of 8; returns how many elements it did. Errors: their terms go to acc's lanes.
template <typename F, bool Divide, bool Errors> size_t fake_quantize_body(const F* x, size_t n, F scale, const QuantParams<F>& p, F* out, ErrorAccumulator* acc) {
  const QuantConsts<F> c = make_quant_consts(p);
  ErrorLanes e;
  size_t i = 0;
  if constexpr (sizeof(F) == 4) {
    const float32x4_t s = vdupq_n_f32(scale);
    for (; i + 8 <= n; i += 8) fake_quantize8<Divide, Errors>(c, s, x + i, out + i, e);
  } else {
    const float64x2_t s = vdupq_n_f64(scale);
    for (; i + 8 <= n; i += 8) fake_quantize8<Divide, Errors>(c, s, x + i, out + i, e);
  }
  if constexpr (Errors) e.store_to(*acc);
  return i;
}

template <typename F> void fake_quantize(const F* x, size_t n, F scale, int32_t zp, QuantSpec spec, F* out, ErrorSums* sums) {
  const QuantParams<F> p = make_quant_params(scale, zp, spec);
  if (sums == nullptr) {  // values only
    const size_t done = p.divide ? fake_quantize_body<F, true, false>(x, n, scale, p, out, nullptr) : fake_quantize_body<F, false, false>(x, n, scale, p, out, nullptr);
    fake_quantize_values_loop(x + done, n - done, scale, p, out + done);
    return;
  }
  ErrorAccumulator acc(*sums);
  const size_t done = p.divide ? fake_quantize_body<F, true, true>(x, n, scale, p, out, &acc) : fake_quantize_body<F, false, true>(x, n, scale, p, out, &acc);
  fake_quantize_loop(x + done, n - done, scale, p, out + done, acc, 0);
  acc.finish(sums);
}

}  // namespace
}  // namespace quantkit::neon
