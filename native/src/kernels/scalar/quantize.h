// Scalar quantize kernels: the portable loops of common/quantize.h behind the table's signatures.
#pragma once

#include "../common/quantize.h"

namespace quantkit::scalar {
namespace {

template <typename F> void quantize(const F* x, size_t n, F scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  const QuantParams<F> p = make_quant_params(scale, zp, spec);
  switch (out_type) {
    case IntType::I8: quantize_loop(x, n, p, static_cast<int8_t*>(out)); return;
    case IntType::U8: quantize_loop(x, n, p, static_cast<uint8_t*>(out)); return;
    case IntType::I16: quantize_loop(x, n, p, static_cast<int16_t*>(out)); return;
    case IntType::U16: quantize_loop(x, n, p, static_cast<uint16_t*>(out)); return;
  }
}

template <typename F>
void quantize_groups(const F* x, size_t n, const F* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  quantize_groups_any(x, n, scales, zps, spec, out_type, out);
}

}  // namespace
}  // namespace quantkit::scalar
