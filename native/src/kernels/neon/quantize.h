// NEON quantize kernels: one scale and zero point per run (quantize), one per element (quantize_groups), blocks with
// their own or given parameters, of float32 and float64 inputs, and of half inputs through the float32 bodies (their
// loads widen in the register, vec.h).
#pragma once

#include "../common/half.h"
#include "../common/params.h"
#include "../common/quantize.h"
#include "reduce.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

/*
 * Per lane, the IEEE operations of quantize_offset (common/quantize.h):
 *   t = x / s (ONNX: FDIV, the true quotient) or t = x * r (PyTorch, r = fl(1 / s) computed once as the scalar code
 *       does);
 *   t = FMAXNM(t, lo): a quiet NaN t gives lo, like `t > lo ? t : lo` (t is the result of a division or a multiply,
 *       so it is never a signalling NaN; for ±0 both forms give a zero, which rounds to the same code);
 *   t = FMIN(t, hi);
 *   k = FCVTNS(t): to the nearest integer with ties to even, exactly round_half_even_small for |t| <= 2^17;
 * then q = k + zp, already inside the output type's range, so the saturating narrowings (SQXTN, SQXTUN, UQXTN) are
 * exact. 16 elements per step; the tail (< 16) through the portable loop of common/quantize.h.
 *
 * ONNX at multiply speed (Mode::Checked): FDIV is among the slowest vector instructions, so the ONNX body computes
 * p = fl(x * r), t = clamp(p), k = FRINTN(t) and d = |t - k| (exact), and takes k only when every lane of the 16 has
 * d < 0.5 - B * 4u (B = max(qmin - zp, qmax - zp) in magnitude, u the unit roundoff); otherwise the 16 lanes are
 * redone with FDIV. The proof that an unflagged lane rounds the true quotient to the same code is the one of the AVX2
 * set's Checked mode (kernels/avx2/quantize.h), which uses nothing but IEEE rounding of each operation and holds lane
 * by lane here, for scales in [2^-125, 2^125] (float64: [2^-1021, 2^1021]); other scales take the FDIV body. A lane
 * of smooth data is flagged with probability ~1e-4 for 8-bit codes; near-tie inputs simply run at division speed.
 */
enum class Mode { Multiply, Checked, Divide };

// Per precision: 4u, and the scales the Checked-mode proof covers.
template <typename F> struct CheckLimits;
template <> struct CheckLimits<float> {
  static constexpr double four_u = 0x1p-22;
  static constexpr float min_scale = 0x1p-125f;
  static constexpr float max_scale = 0x1p125f;
};
template <> struct CheckLimits<double> {
  static constexpr double four_u = 0x1p-51;
  static constexpr double min_scale = 0x1p-1021;
  static constexpr double max_scale = 0x1p1021;
};

template <typename F> inline Mode quantize_mode(const QuantParams<F>& p) {
  if (!p.divide) return Mode::Multiply;
  return p.factor >= CheckLimits<F>::min_scale && p.factor <= CheckLimits<F>::max_scale ? Mode::Checked : Mode::Divide;
}

// 0.5 - B * 4u, exact in F (B * 4u has no bits below 2^-22 or 2^-51, and the difference stays above 2^-2).
template <typename F> inline F check_threshold(const QuantParams<F>& p) {
  const double bound = -static_cast<double>(p.lo) > static_cast<double>(p.hi) ? -static_cast<double>(p.lo) : static_cast<double>(p.hi);
  return static_cast<F>(0.5 - bound * CheckLimits<F>::four_u);
}

template <typename F> struct QuantConsts;
template <> struct QuantConsts<float> {
  float32x4_t factor, lo, hi;  // factor: the divisor (ONNX) or the multiplier (PyTorch) of QuantParams
  int32x4_t zp;
  float32x4_t mul, threshold;  // Checked mode: fl(1 / s) and 0.5 - B * 4u
};
template <> struct QuantConsts<double> {
  float64x2_t factor, lo, hi;
  int32x4_t zp;
  float64x2_t mul, threshold;
};

inline QuantConsts<float> make_quant_consts(const QuantParams<float>& p) {
  return {vdupq_n_f32(p.factor), vdupq_n_f32(p.lo), vdupq_n_f32(p.hi), vdupq_n_s32(p.zp), vdupq_n_f32(1.0f / p.factor),
          vdupq_n_f32(check_threshold(p))};
}
inline QuantConsts<double> make_quant_consts(const QuantParams<double>& p) {
  return {vdupq_n_f64(p.factor), vdupq_n_f64(p.lo), vdupq_n_f64(p.hi), vdupq_n_s32(p.zp), vdupq_n_f64(1.0 / p.factor),
          vdupq_n_f64(check_threshold(p))};
}

template <bool Divide> inline int32x4_t offsets4(float32x4_t v, float32x4_t factor, float32x4_t lo, float32x4_t hi) {
  float32x4_t t = Divide ? vdivq_f32(v, factor) : vmulq_f32(v, factor);
  t = vminq_f32(vmaxnmq_f32(t, lo), hi);
  return vcvtnq_s32_f32(t);
}
template <bool Divide> inline int32x2_t offsets2(float64x2_t v, float64x2_t factor, float64x2_t lo, float64x2_t hi) {
  float64x2_t t = Divide ? vdivq_f64(v, factor) : vmulq_f64(v, factor);
  t = vminq_f64(vmaxnmq_f64(t, lo), hi);
  return vmovn_s64(vcvtnq_s64_f64(t));  // |k| <= 2^17: the narrowing is exact
}

// 4 codes from the 4 elements at x (a const float*, a HalfRun, or a const double*).
template <bool Divide, typename X> inline int32x4_t codes4(const QuantConsts<float>& c, X x) {
  return vaddq_s32(offsets4<Divide>(load4(x), c.factor, c.lo, c.hi), c.zp);
}
template <bool Divide> inline int32x4_t codes4(const QuantConsts<double>& c, const double* x) {
  const int32x2_t a = offsets2<Divide>(vld1q_f64(x), c.factor, c.lo, c.hi);
  const int32x2_t b = offsets2<Divide>(vld1q_f64(x + 2), c.factor, c.lo, c.hi);
  return vaddq_s32(vcombine_s32(a, b), c.zp);
}

// 16 codes (4 x int32x4, inside the output range) narrowed and stored at out[i, i + 16).
template <IntType T> inline void store_codes16(void* out, size_t i, int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
  if constexpr (T == IntType::I8) {
    const int16x8_t ab = vqmovn_high_s32(vqmovn_s32(a), b);
    const int16x8_t cd = vqmovn_high_s32(vqmovn_s32(c), d);
    vst1q_s8(static_cast<int8_t*>(out) + i, vqmovn_high_s16(vqmovn_s16(ab), cd));
  } else if constexpr (T == IntType::U8) {
    const uint16x8_t ab = vqmovun_high_s32(vqmovun_s32(a), b);
    const uint16x8_t cd = vqmovun_high_s32(vqmovun_s32(c), d);
    vst1q_u8(static_cast<uint8_t*>(out) + i, vqmovn_high_u16(vqmovn_u16(ab), cd));
  } else if constexpr (T == IntType::I16) {
    int16_t* o = static_cast<int16_t*>(out) + i;
    vst1q_s16(o, vqmovn_high_s32(vqmovn_s32(a), b));
    vst1q_s16(o + 8, vqmovn_high_s32(vqmovn_s32(c), d));
  } else {
    uint16_t* o = static_cast<uint16_t*>(out) + i;
    vst1q_u16(o, vqmovun_high_s32(vqmovun_s32(a), b));
    vst1q_u16(o + 8, vqmovun_high_s32(vqmovun_s32(c), d));
  }
}

// Checked mode, 4 lanes: k = FRINTN(clamp(x * r)) as int32 (exact), the lanes with d >= threshold ORed into *flag.
template <typename X> inline int32x4_t checked_offsets4(const QuantConsts<float>& c, X x, uint32x4_t* flag) {
  const float32x4_t t = vminq_f32(vmaxnmq_f32(vmulq_f32(load4(x), c.mul), c.lo), c.hi);
  const float32x4_t k = vrndnq_f32(t);
  *flag = vorrq_u32(*flag, vcgeq_f32(vabsq_f32(vsubq_f32(t, k)), c.threshold));
  return vcvtq_s32_f32(k);
}
inline int32x2_t checked_offsets2(const QuantConsts<double>& c, const double* x, uint32x4_t* flag) {
  const float64x2_t t = vminq_f64(vmaxnmq_f64(vmulq_f64(vld1q_f64(x), c.mul), c.lo), c.hi);
  const float64x2_t k = vrndnq_f64(t);
  *flag = vorrq_u32(*flag, vreinterpretq_u32_u64(vcgeq_f64(vabsq_f64(vsubq_f64(t, k)), c.threshold)));
  return vmovn_s64(vcvtq_s64_f64(k));
}
template <typename X> inline int32x4_t checked_codes4(const QuantConsts<float>& c, X x, uint32x4_t* flag) {
  return vaddq_s32(checked_offsets4(c, x, flag), c.zp);
}
inline int32x4_t checked_codes4(const QuantConsts<double>& c, const double* x, uint32x4_t* flag) {
  const int32x2_t a = checked_offsets2(c, x, flag);
  const int32x2_t b = checked_offsets2(c, x + 2, flag);
  return vaddq_s32(vcombine_s32(a, b), c.zp);
}

// 16 codes at x into q[0, 4) in mode M.
template <Mode M, typename F, typename X> inline void codes16(const QuantConsts<F>& c, X x, int32x4_t* q) {
  if constexpr (M == Mode::Checked) {
    uint32x4_t flag = vdupq_n_u32(0);
    for (size_t j = 0; j < 4; j++) q[j] = checked_codes4(c, x + 4 * j, &flag);
    if (vmaxvq_u32(flag) == 0) return;
  }
  for (size_t j = 0; j < 4; j++) q[j] = codes4<M != Mode::Multiply>(c, x + 4 * j);
}

// x: a const F*, or for F = float a HalfRun (the tail then widens through common/half.h's loop).
template <typename F, IntType T, Mode M, typename X> void quantize_run(X x, size_t n, const QuantParams<F>& p, void* out) {
  using Code = typename CodeType<T>::type;
  const QuantConsts<F> c = make_quant_consts(p);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    int32x4_t q[4];
    codes16<M>(c, x + i, q);
    store_codes16<T>(out, i, q[0], q[1], q[2], q[3]);
  }
  quantize_loop(x + i, n - i, p, static_cast<Code*>(out) + i);
}

template <typename F, IntType T, typename X> void quantize_typed(X x, size_t n, const QuantParams<F>& p, void* out) {
  switch (quantize_mode(p)) {
    case Mode::Multiply: quantize_run<F, T, Mode::Multiply>(x, n, p, out); return;
    case Mode::Checked: quantize_run<F, T, Mode::Checked>(x, n, p, out); return;
    case Mode::Divide: quantize_run<F, T, Mode::Divide>(x, n, p, out); return;
  }
}

template <typename F, typename X = const F*> void quantize(X x, size_t n, F scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  const QuantParams<F> p = make_quant_params(scale, zp, spec);
  switch (out_type) {
    case IntType::I8: quantize_typed<F, IntType::I8>(x, n, p, out); return;
    case IntType::U8: quantize_typed<F, IntType::U8>(x, n, p, out); return;
    case IntType::I16: quantize_typed<F, IntType::I16>(x, n, p, out); return;
    case IntType::U16: quantize_typed<F, IntType::U16>(x, n, p, out); return;
  }
}

void quantize_half(const uint16_t* x, HalfType t, size_t n, float scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  with_half_type(t, x, [&](auto run) { quantize<float>(run, n, scale, zp, spec, out_type, out); });
}

/*
 * Per-element parameters (quantize_groups_loop of common/quantize.h): each lane builds make_quant_params' constants
 * from its own scale and zero point (lo = qmin - zp and hi = qmax - zp in int32, converted exactly; PyTorch: r =
 * fl(1 / s) by FDIV) and then runs the lane arithmetic above.
 */
template <bool Divide, typename X> inline int32x4_t group_codes4(X x, const float* scales, const int32_t* zps, int32x4_t qmin, int32x4_t qmax) {
  const float32x4_t s = vld1q_f32(scales);
  const int32x4_t zp = vld1q_s32(zps);
  const float32x4_t factor = Divide ? s : vdivq_f32(vdupq_n_f32(1.0f), s);
  const float32x4_t lo = vcvtq_f32_s32(vsubq_s32(qmin, zp));
  const float32x4_t hi = vcvtq_f32_s32(vsubq_s32(qmax, zp));
  return vaddq_s32(offsets4<Divide>(load4(x), factor, lo, hi), zp);
}
template <bool Divide> inline int32x4_t group_codes4(const double* x, const double* scales, const int32_t* zps, int32x4_t qmin, int32x4_t qmax) {
  const int32x4_t zp = vld1q_s32(zps);
  const int32x4_t lo_i = vsubq_s32(qmin, zp);
  const int32x4_t hi_i = vsubq_s32(qmax, zp);
  int32x2_t k[2];
  for (int h = 0; h < 2; h++) {
    const float64x2_t s = vld1q_f64(scales + 2 * h);
    const float64x2_t factor = Divide ? s : vdivq_f64(vdupq_n_f64(1.0), s);
    const float64x2_t lo = vcvtq_f64_s64(vmovl_s32(h == 0 ? vget_low_s32(lo_i) : vget_high_s32(lo_i)));
    const float64x2_t hi = vcvtq_f64_s64(vmovl_s32(h == 0 ? vget_low_s32(hi_i) : vget_high_s32(hi_i)));
    k[h] = offsets2<Divide>(vld1q_f64(x + 2 * h), factor, lo, hi);
  }
  return vaddq_s32(vcombine_s32(k[0], k[1]), zp);
}

template <typename F, IntType T, bool Divide, typename X>
void quantize_groups_run(X x, size_t n, const F* scales, const int32_t* zps, QuantSpec spec, void* out) {
  using Code = typename CodeType<T>::type;
  const int32x4_t qmin = vdupq_n_s32(spec.qmin);
  const int32x4_t qmax = vdupq_n_s32(spec.qmax);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    int32x4_t q[4];
    for (size_t j = 0; j < 4; j++) q[j] = group_codes4<Divide>(x + i + 4 * j, scales + i + 4 * j, zps + i + 4 * j, qmin, qmax);
    store_codes16<T>(out, i, q[0], q[1], q[2], q[3]);
  }
  quantize_groups_loop<F, F, Code, Divide>(x + i, n - i, scales + i, zps + i, spec, static_cast<Code*>(out) + i);
}

template <typename F, bool Divide, typename X>
void quantize_groups_typed(X x, size_t n, const F* scales, const int32_t* zps, QuantSpec spec, IntType t, void* out) {
  switch (t) {
    case IntType::I8: quantize_groups_run<F, IntType::I8, Divide>(x, n, scales, zps, spec, out); return;
    case IntType::U8: quantize_groups_run<F, IntType::U8, Divide>(x, n, scales, zps, spec, out); return;
    case IntType::I16: quantize_groups_run<F, IntType::I16, Divide>(x, n, scales, zps, spec, out); return;
    case IntType::U16: quantize_groups_run<F, IntType::U16, Divide>(x, n, scales, zps, spec, out); return;
  }
}

template <typename F, typename X = const F*>
void quantize_groups(X x, size_t n, const F* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  if (spec.profile == Profile::Onnx) quantize_groups_typed<F, true>(x, n, scales, zps, spec, out_type, out);
  else quantize_groups_typed<F, false>(x, n, scales, zps, spec, out_type, out);
}

void quantize_groups_half(const uint16_t* x, HalfType t, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type,
                          void* out) {
  with_half_type(t, x, [&](auto run) { quantize_groups<float>(run, n, scales, zps, spec, out_type, out); });
}

inline size_t code_size(IntType t) { return t == IntType::I8 || t == IntType::U8 ? 1 : 2; }

// Blocks with parameters from their own data: the NEON min/max of each block, its parameters in scalar float64
// (common/params.h), then the NEON quantize body with them.
template <typename F>
size_t quantize_blocks(const F* x, size_t n, size_t block, ParamScheme scheme, QuantSpec spec, IntType out_type, F* scales, int32_t* zps, void* out) {
  return quantize_blocks_loop(x, n, block, scheme, spec, scales, zps, min_max<F>, [&](const F* xb, size_t len, F scale, int32_t zp, size_t offset) {
    quantize<F>(xb, len, scale, zp, spec, out_type, static_cast<uint8_t*>(out) + offset * code_size(out_type));
  });
}

// Blocks with given parameters: the per-run body for each block.
template <typename X>
void quantize_block_runs_any(X x, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  for (size_t b = 0, i = 0; i < n; b++, i += block) {
    quantize<float>(x + i, n - i < block ? n - i : block, scales[b], zps[b], spec, out_type, static_cast<uint8_t*>(out) + i * code_size(out_type));
  }
}

void quantize_block_runs(const float* x, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  quantize_block_runs_any(x, n, block, scales, zps, spec, out_type, out);
}

void quantize_block_runs_half(const uint16_t* x, HalfType t, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec,
                              IntType out_type, void* out) {
  with_half_type(t, x, [&](auto run) { quantize_block_runs_any(run, n, block, scales, zps, spec, out_type, out); });
}

}  // namespace
}  // namespace quantkit::neon
