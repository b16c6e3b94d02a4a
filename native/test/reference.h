// Test oracle: a literal transcription of the TypeScript reference (packages/quant-core/src/kernels/*.ts and
// metrics.ts), written independently of src/kernels/common/. Like the TS code it computes in double and rounds to
// float32 where TS calls Math.fround, and it rounds with std::nearbyint instead of the kernels' magic-number trick.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../src/kernels/kernels.h"

namespace quantkit_test {

using quantkit::ErrorSums;
using quantkit::IntType;
using quantkit::Profile;
using quantkit::QuantSpec;

inline double fround(double v) { return static_cast<double>(static_cast<float>(v)); }

// quantize.ts runFactor + RUN_SOURCE; `single` selects Math.fround (Float32Array input).
inline int32_t ref_quantize(double x, double scale, int32_t zp, QuantSpec spec, bool single) {
  const double s = single ? fround(scale) : scale;
  const double f = spec.profile == Profile::Onnx ? s : (single ? fround(1 / s) : 1 / s);
  double t = spec.profile == Profile::Onnx ? x / f : x * f;
  if (single) t = fround(t);
  const double lo = spec.qmin - zp;
  const double hi = spec.qmax - zp;
  t = t > lo ? t : lo;
  t = t < hi ? t : hi;
  return static_cast<int32_t>(std::nearbyint(t)) + zp;
}

// dequantize.ts: (q - zp) * scale in double, then the store rounds to the output precision.
inline double ref_dequantize(int32_t q, int32_t zp, double scale, bool single) {
  const double v = static_cast<double>(q - zp) * scale;
  return single ? fround(v) : v;
}

// metrics.ts ErrorAccumulator, written out literally: the error sums of one kernel call (one block of SPEC §6, the
// binding's chunk). Pair i of the call (counted from the call's first element) goes to lane i mod 8, each lane an
// ErrorSums of its own adding its terms in element order from +0 (the TS accumulateError of old, per lane); add_to()
// combines the lanes as ((L0 + L4) + (L1 + L5)) + ((L2 + L6) + (L3 + L7)) and adds the result to *total, with the TS
// rule for maxAbs (a NaN |d| sticks).
struct RefErrorBlock {
  ErrorSums lanes[8];
  size_t count = 0;

  void add(double reference, double approx) {
    ErrorSums* s = &lanes[count++ % 8];
    const double d = reference - approx;
    const double a = std::fabs(d);
    s->sum_sq += d * d;
    s->sum_abs += a;
    if (a > s->max_abs || a != a) s->max_abs = a;
    s->sum_ref2 += reference * reference;
    s->sum_approx2 += approx * approx;
    s->dot += reference * approx;
  }

  static double combine(const ErrorSums* l, double ErrorSums::* f) {
    return ((l[0].*f + l[4].*f) + (l[1].*f + l[5].*f)) + ((l[2].*f + l[6].*f) + (l[3].*f + l[7].*f));
  }

  // *total += this block's sums (a zeroed *total gives +0 + S).
  void add_to(ErrorSums* total) const {
    total->sum_sq += combine(lanes, &ErrorSums::sum_sq);
    total->sum_abs += combine(lanes, &ErrorSums::sum_abs);
    total->sum_ref2 += combine(lanes, &ErrorSums::sum_ref2);
    total->sum_approx2 += combine(lanes, &ErrorSums::sum_approx2);
    total->dot += combine(lanes, &ErrorSums::dot);
    for (const ErrorSums& l : lanes) {
      if (l.max_abs > total->max_abs || l.max_abs != l.max_abs) total->max_abs = l.max_abs;
    }
  }
};

// backend.ts referenceFakeQuantizeTensor, one element, its error added to the block it belongs to.
inline double ref_fake_quantize(double x, double scale, int32_t zp, QuantSpec spec, bool single, RefErrorBlock* block) {
  const double s = single ? fround(scale) : scale;
  const int32_t q = ref_quantize(x, scale, zp, spec, single);
  double out = static_cast<double>(q - zp) * s;
  if (single) out = fround(out);
  block->add(x, out);
  return out;
}

// reduce.ts minMaxRun / absMax folds.
template <typename F> void ref_min_max(const F* x, size_t n, double* min, double* max) {
  for (size_t i = 0; i < n; i++) {
    const double v = x[i];
    if (v < *min) *min = v;
    if (v > *max) *max = v;
  }
}

template <typename F> void ref_abs_max(const F* x, size_t n, double* m) {
  for (size_t i = 0; i < n; i++) {
    const double a = std::fabs(static_cast<double>(x[i]));
    if (a > *m) *m = a;
  }
}

// pack.ts.
inline void ref_pack(const uint8_t* q, size_t n, int bits, uint8_t* out) {
  const size_t per_byte = 8 / bits;
  const int mask = (1 << bits) - 1;
  const size_t bytes = (n + per_byte - 1) / per_byte;
  for (size_t b = 0, i = 0; b < bytes; b++) {
    int byte = 0;
    for (size_t k = 0; k < per_byte && i < n; k++, i++) byte |= (q[i] & mask) << (k * bits);
    out[b] = static_cast<uint8_t>(byte);
  }
}

inline void ref_unpack(const uint8_t* packed, size_t n, int bits, bool is_signed, int8_t* signed_out, uint8_t* unsigned_out) {
  const size_t per_byte = 8 / bits;
  const int mask = (1 << bits) - 1;
  const int sign_bit = 1 << (bits - 1);
  for (size_t i = 0; i < n; i++) {
    const int field = (packed[i / per_byte] >> ((i % per_byte) * bits)) & mask;
    const int v = is_signed && (field & sign_bit) ? field - (1 << bits) : field;
    if (is_signed) {
      signed_out[i] = static_cast<int8_t>(v);
    } else {
      unsigned_out[i] = static_cast<uint8_t>(v);
    }
  }
}

// JavaScript's `v | 0` (ToInt32): NaN and infinities -> 0, otherwise truncated and wrapped modulo 2^32.
inline int32_t js_int32(double v) {
  if (!std::isfinite(v)) return 0;
  double m = std::fmod(std::trunc(v), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

// calibrate/histogram.ts HISTOGRAM_SOURCE on Uint32Array counts: `counts[k] += 1` wraps modulo 2^32, and a store at
// a negative index does nothing (it cannot happen with validated arguments; transcribed all the same).
template <typename F> void ref_histogram(const F* x, size_t length, double min, double max, bool abs, uint32_t* counts, size_t bins) {
  const double n = static_cast<double>(bins);
  const double f = max > min ? n / (max - min) : 0;
  const double last = n - 1;
  for (size_t i = 0; i < length; i++) {
    const double v = abs ? std::fabs(static_cast<double>(x[i])) : static_cast<double>(x[i]);
    if (v >= min && v <= max) {
      const double k = js_int32((v - min) * f);
      const double index = k < last ? k : last;
      if (index >= 0) counts[static_cast<size_t>(index)] += 1;
    }
  }
}

// ---- half precision (half.ts), written out from the IEEE field layouts, independently of src/kernels/common/half.h ----

using quantkit::HalfType;

inline int ref_half_mantissa_bits(HalfType t) { return t == HalfType::F16 ? 10 : 7; }
inline int ref_half_bias(HalfType t) { return t == HalfType::F16 ? 15 : 127; }
// +Inf's pattern: the all-ones exponent field.
inline uint16_t ref_half_inf(HalfType t) {
  return static_cast<uint16_t>(((1 << (15 - ref_half_mantissa_bits(t))) - 1) << ref_half_mantissa_bits(t));
}

// The magnitude of the non-negative pattern h <= +Inf's by its fields, as half.ts f16BitsToF32Slow computes it:
// m * 2^(1 - bias - M) for exponent field 0, (2^M + m) * 2^(e - bias - M) otherwise, the all-ones field included
// (+Inf's pattern stands for 2^(emax + 1): the patterns 0 .. +Inf are then ordered as these values).
inline double ref_half_magnitude(uint16_t h, HalfType t) {
  const int mb = ref_half_mantissa_bits(t);
  const int e = h >> mb;
  const int m = h & ((1 << mb) - 1);
  if (e == 0) return std::ldexp(static_cast<double>(m), 1 - ref_half_bias(t) - mb);
  return std::ldexp(static_cast<double>((1 << mb) + m), e - ref_half_bias(t) - mb);
}

// The value of a half bit pattern (exact in float32 and in double); NaN for the NaN patterns.
inline double ref_half_value(uint16_t h, HalfType t) {
  const uint16_t mag = h & 0x7fff;
  const uint16_t inf = ref_half_inf(t);
  if (mag > inf) return std::nan("");
  const double a = mag == inf ? HUGE_VAL : ref_half_magnitude(mag, t);
  return (h & 0x8000) != 0 ? -a : a;
}

// v rounded once to the half type, to nearest with ties to the even pattern, by search: the largest magnitude pattern
// lo whose value is <= |v| (bisection over 0 .. +Inf's pattern, ordered as their values) and hi = lo + 1 are the
// candidates, and |v| against their midpoint (exact: at most 13 significant bits) picks one; from the midpoint of the
// largest finite value and 2^(emax + 1) on, that is +Inf. The sign is v's (a zero keeps its sign). NaN gives a NaN.
inline uint16_t ref_round_half(double v, HalfType t) {
  const uint16_t inf = ref_half_inf(t);
  const uint16_t sign = std::signbit(v) ? 0x8000 : 0;
  if (std::isnan(v)) return static_cast<uint16_t>(sign | inf | (1 << (ref_half_mantissa_bits(t) - 1)));
  const double a = std::fabs(v);
  if (a >= ref_half_magnitude(inf, t)) return static_cast<uint16_t>(sign | inf);
  uint32_t lo = 0, hi = inf;  // value(lo) <= a < value(hi)
  while (hi - lo > 1) {
    const uint32_t mid = (lo + hi) / 2;
    if (ref_half_magnitude(static_cast<uint16_t>(mid), t) <= a) lo = mid;
    else hi = mid;
  }
  const double midpoint = (ref_half_magnitude(static_cast<uint16_t>(lo), t) + ref_half_magnitude(static_cast<uint16_t>(hi), t)) / 2;
  const uint32_t pick = a < midpoint ? lo : a > midpoint ? hi : (lo % 2 == 0 ? lo : hi);
  return static_cast<uint16_t>(sign | pick);
}

inline size_t code_bytes(IntType t) { return t == IntType::I8 || t == IntType::U8 ? 1 : 2; }

inline int32_t read_code(const void* q, IntType t, size_t i) {
  switch (t) {
    case IntType::I8: return static_cast<const int8_t*>(q)[i];
    case IntType::U8: return static_cast<const uint8_t*>(q)[i];
    case IntType::I16: return static_cast<const int16_t*>(q)[i];
    case IntType::U16: return static_cast<const uint16_t*>(q)[i];
  }
  return 0;
}

inline void write_code(void* q, IntType t, size_t i, int32_t v) {
  switch (t) {
    case IntType::I8: static_cast<int8_t*>(q)[i] = static_cast<int8_t>(v); return;
    case IntType::U8: static_cast<uint8_t*>(q)[i] = static_cast<uint8_t>(v); return;
    case IntType::I16: static_cast<int16_t*>(q)[i] = static_cast<int16_t>(v); return;
    case IntType::U16: static_cast<uint16_t*>(q)[i] = static_cast<uint16_t>(v); return;
  }
}

inline int32_t type_min(IntType t) {
  switch (t) {
    case IntType::I8: return -128;
    case IntType::U8: return 0;
    case IntType::I16: return -32768;
    case IntType::U16: return 0;
  }
  return 0;
}

inline int32_t type_max(IntType t) {
  switch (t) {
    case IntType::I8: return 127;
    case IntType::U8: return 255;
    case IntType::I16: return 32767;
    case IntType::U16: return 65535;
  }
  return 0;
}

inline const char* type_name(IntType t) {
  switch (t) {
    case IntType::I8: return "i8";
    case IntType::U8: return "u8";
    case IntType::I16: return "i16";
    case IntType::U16: return "u16";
  }
  return "?";
}

}  // namespace quantkit_test
