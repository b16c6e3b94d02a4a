// Scalar dequantize kernels: the portable loops of common/dequantize.h behind the table's signatures.
#pragma once

#include "../common/dequantize.h"
#include "../common/half.h"

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

template <HalfType H> void dequantize_half_typed(const void* q, IntType q_type, size_t n, double scale, int32_t zp, uint16_t* out) {
  switch (q_type) {
    case IntType::I8: dequantize_half_loop<H>(static_cast<const int8_t*>(q), n, scale, zp, out); return;
    case IntType::U8: dequantize_half_loop<H>(static_cast<const uint8_t*>(q), n, scale, zp, out); return;
    case IntType::I16: dequantize_half_loop<H>(static_cast<const int16_t*>(q), n, scale, zp, out); return;
    case IntType::U16: dequantize_half_loop<H>(static_cast<const uint16_t*>(q), n, scale, zp, out); return;
  }
}

// Half outputs: each product rounded by half_from_double (common/half.h), in integer arithmetic.
void dequantize_half(const void* q, IntType q_type, size_t n, double scale, int32_t zp, HalfType t, uint16_t* out) {
  if (t == HalfType::F16) dequantize_half_typed<HalfType::F16>(q, q_type, n, scale, zp, out);
  else dequantize_half_typed<HalfType::BF16>(q, q_type, n, scale, zp, out);
}

}  // namespace
}  // namespace quantkit::scalar
