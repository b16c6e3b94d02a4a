// Scalar dequantize kernels: the portable loops of common/dequantize.h behind the table's signatures.
#pragma once

#include "../common/dequantize.h"

namespace quantkit::scalar {
namespace {

template <typename Q> void dequantize_codes(const Q* q, size_t n, double scale, int32_t zp, float* out) {
  if (scale_is_float(scale)) dequantize_loop_fast(q, n, static_cast<float>(scale), zp, out);
  else dequantize_loop(q, n, scale, zp, out);
}

template <typename Q> void dequantize_codes(const Q* q, size_t n, double scale, int32_t zp, double* out) {
  dequantize_loop(q, n, scale, zp, out);
}

template <typename F> void dequantize(const void* q, IntType q_type, size_t n, double scale, int32_t zp, F* out) {
  switch (q_type) {
    case IntType::I8: dequantize_codes(static_cast<const int8_t*>(q), n, scale, zp, out); return;
    case IntType::U8: dequantize_codes(static_cast<const uint8_t*>(q), n, scale, zp, out); return;
    case IntType::I16: dequantize_codes(static_cast<const int16_t*>(q), n, scale, zp, out); return;
    case IntType::U16: dequantize_codes(static_cast<const uint16_t*>(q), n, scale, zp, out); return;
  }
}

}  // namespace
}  // namespace quantkit::scalar
