// Scalar quantize kernels: the portable loops of common/quantize.h behind the table's signatures.
#pragma once

#include "../common/half.h"
#include "../common/params.h"
#include "../common/quantize.h"
#include "../common/reduce.h"

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

// Half inputs: chunks widened to float32 (common/half.h), then the float32 loops.
void quantize_half(const uint16_t* x, HalfType t, size_t n, float scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  const QuantParams<float> p = make_quant_params(scale, zp, spec);
  with_half_type(t, x, [&](auto run) {
    switch (out_type) {
      case IntType::I8: quantize_loop(run, n, p, static_cast<int8_t*>(out)); return;
      case IntType::U8: quantize_loop(run, n, p, static_cast<uint8_t*>(out)); return;
      case IntType::I16: quantize_loop(run, n, p, static_cast<int16_t*>(out)); return;
      case IntType::U16: quantize_loop(run, n, p, static_cast<uint16_t*>(out)); return;
    }
  });
}

template <typename F>
void quantize_groups(const F* x, size_t n, const F* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  quantize_groups_any(x, n, scales, zps, spec, out_type, out);
}

void quantize_groups_half(const uint16_t* x, HalfType t, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type,
                          void* out) {
  with_half_type(t, x, [&](auto run) { quantize_groups_any(run, n, scales, zps, spec, out_type, out); });
}

// Given parameters per block: the per-run loop of each block.
void quantize_block_runs(const float* x, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type,
                         void* out) {
  const size_t code_size = out_type == IntType::I8 || out_type == IntType::U8 ? 1 : 2;
  for (size_t b = 0, i = 0; i < n; b++, i += block) {
    quantize(x + i, n - i < block ? n - i : block, scales[b], zps[b], spec, out_type, static_cast<uint8_t*>(out) + i * code_size);
  }
}

void quantize_block_runs_half(const uint16_t* x, HalfType t, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec,
                              IntType out_type, void* out) {
  const size_t code_size = out_type == IntType::I8 || out_type == IntType::U8 ? 1 : 2;
  for (size_t b = 0, i = 0; i < n; b++, i += block) {
    quantize_half(x + i, t, n - i < block ? n - i : block, scales[b], zps[b], spec, out_type, static_cast<uint8_t*>(out) + i * code_size);
  }
}

template <typename F>
size_t quantize_blocks(const F* x, size_t n, size_t block, ParamScheme scheme, QuantSpec spec, IntType out_type, F* scales, int32_t* zps, void* out) {
  const size_t code_size = out_type == IntType::I8 || out_type == IntType::U8 ? 1 : 2;
  return quantize_blocks_loop(x, n, block, scheme, spec, scales, zps, fold_min_max<F>, [&](const F* xb, size_t len, F scale, int32_t zp, size_t offset) {
    quantize(xb, len, scale, zp, spec, out_type, static_cast<uint8_t*>(out) + offset * code_size);
  });
}

}  // namespace
}  // namespace quantkit::scalar
