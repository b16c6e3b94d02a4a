// Quantize, ISA-neutral: the element function (quantize_value) and the portable loops over it. The scalar set is these
// loops; vector sets run them on their tails, so a tail can never drift from the vector body. Internal linkage only
// (see element.h).
#pragma once

#include "element.h"

namespace quantkit {
namespace {

// Per-run constants of a quantize: the divisor (ONNX) or multiplier (PyTorch) and the clamp interval relative to zp.
template <typename F> struct QuantParams {
  F factor;   // scale for ONNX, fl(1 / scale) for PyTorch
  F lo;       // qmin - zp (an integer, exact in F)
  F hi;       // qmax - zp
  int32_t zp;
  bool divide;
};

template <typename F> inline QuantParams<F> make_quant_params(F scale, int32_t zp, QuantSpec spec) {
  QuantParams<F> p;
  p.divide = spec.profile == Profile::Onnx;
  p.factor = p.divide ? scale : F(1) / scale;
  p.lo = static_cast<F>(spec.qmin - zp);
  p.hi = static_cast<F>(spec.qmax - zp);
  p.zp = zp;
  return p;
}

// q - zp: t clamped into [lo, hi] with NaN -> lo (the comparisons are false for NaN), then rounded half to even.
template <typename F> inline int32_t quantize_offset(F x, const QuantParams<F>& p) {
  F t = p.divide ? x / p.factor : x * p.factor;
  t = t > p.lo ? t : p.lo;
  t = t < p.hi ? t : p.hi;
  return static_cast<int32_t>(round_half_even_small(t));
}

template <typename F> inline int32_t quantize_value(F x, const QuantParams<F>& p) {
  return quantize_offset(x, p) + p.zp;
}

// x[0, n) -> out[0, n) with one set of parameters.
template <typename F, typename Code> inline void quantize_loop(const F* x, size_t n, const QuantParams<F>& params, Code* out) {
  const QuantParams<F> p = params;  // a local copy: stores through a byte-sized Code* cannot alias it, so it vectorises
  for (size_t i = 0; i < n; i++) out[i] = static_cast<Code>(quantize_value(x[i], p));
}

// Elements with their own parameters: element i uses scales[i] (of type S, rounded to F as a float32 tensor's scales
// are) and zps[i], through the same make_quant_params + quantize_value as every run. Divide is the profile as a
// compile-time constant, so the loop has no branch left and the compiler vectorises it for the baseline ISA.
template <typename F, typename S, typename Code, bool Divide>
inline void quantize_groups_loop(const F* x, size_t n, const S* scales, const int32_t* zps, QuantSpec spec, Code* out) {
  spec.profile = Divide ? Profile::Onnx : Profile::PyTorch;
  for (size_t i = 0; i < n; i++) {
    const QuantParams<F> p = make_quant_params(static_cast<F>(scales[i]), zps[i], spec);
    out[i] = static_cast<Code>(quantize_value(x[i], p));
  }
}

template <typename F, typename S, bool Divide>
inline void quantize_groups_typed(const F* x, size_t n, const S* scales, const int32_t* zps, QuantSpec spec, IntType t, void* out) {
  switch (t) {
    case IntType::I8: quantize_groups_loop<F, S, int8_t, Divide>(x, n, scales, zps, spec, static_cast<int8_t*>(out)); return;
    case IntType::U8: quantize_groups_loop<F, S, uint8_t, Divide>(x, n, scales, zps, spec, static_cast<uint8_t*>(out)); return;
    case IntType::I16: quantize_groups_loop<F, S, int16_t, Divide>(x, n, scales, zps, spec, static_cast<int16_t*>(out)); return;
    case IntType::U16: quantize_groups_loop<F, S, uint16_t, Divide>(x, n, scales, zps, spec, static_cast<uint16_t*>(out)); return;
  }
}

template <typename F, typename S>
inline void quantize_groups_any(const F* x, size_t n, const S* scales, const int32_t* zps, QuantSpec spec, IntType t, void* out) {
  if (spec.profile == Profile::Onnx) quantize_groups_typed<F, S, true>(x, n, scales, zps, spec, t, out);
  else quantize_groups_typed<F, S, false>(x, n, scales, zps, spec, t, out);
}

}  // namespace
}  // namespace quantkit
