// Dequantize, ISA-neutral: the element functions and the portable loops over them (the scalar set, and the tails of
// vector sets). Internal linkage only (see element.h).
//
// (q - zp) * scale in double, rounded once to the output precision. For a float output and a scale that is exactly a
// float, the double product of the small integer q - zp (|q - zp| < 2^17) and the 24-bit scale is exact, so rounding
// it to float equals the float multiply of dequantize_value_f32_fast bit for bit.
#pragma once

#include "element.h"

namespace quantkit {
namespace {

inline bool scale_is_float(double scale) { return static_cast<double>(static_cast<float>(scale)) == scale; }

inline float dequantize_value_f32(int32_t q, int32_t zp, double scale) {
  return static_cast<float>(static_cast<double>(q - zp) * scale);
}
inline float dequantize_value_f32_fast(int32_t q, int32_t zp, float scale) {
  return static_cast<float>(q - zp) * scale;
}
inline double dequantize_value_f64(int32_t q, int32_t zp, double scale) {
  return static_cast<double>(q - zp) * scale;
}

// Codes q[0, n) (of storage type Q) -> out[0, n).
template <typename Q> inline void dequantize_loop_fast(const Q* q, size_t n, float scale, int32_t zp, float* out) {
  for (size_t i = 0; i < n; i++) out[i] = dequantize_value_f32_fast(q[i], zp, scale);
}
template <typename Q> inline void dequantize_loop(const Q* q, size_t n, double scale, int32_t zp, float* out) {
  for (size_t i = 0; i < n; i++) out[i] = dequantize_value_f32(q[i], zp, scale);
}
template <typename Q> inline void dequantize_loop(const Q* q, size_t n, double scale, int32_t zp, double* out) {
  for (size_t i = 0; i < n; i++) out[i] = dequantize_value_f64(q[i], zp, scale);
}

}  // namespace
}  // namespace quantkit
