// Portable kernels: loops over the element functions of kernel_common.h. Compiled for the baseline ISA; they are the
// fallback on CPUs without AVX2 and the oracle the AVX2 kernels are tested against.
#include "kernel_common.h"
#include "kernels.h"

namespace quantkit {
namespace {

template <typename F, typename Out> void quantize_loop(const F* x, size_t n, const QuantParams<F>& p, Out* out) {
  for (size_t i = 0; i < n; i++) out[i] = static_cast<Out>(quantize_value(x[i], p));
}

template <typename F> void quantize_any(const F* x, size_t n, F scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  const QuantParams<F> p = make_quant_params(scale, zp, spec);
  switch (out_type) {
    case IntType::I8: quantize_loop(x, n, p, static_cast<int8_t*>(out)); return;
    case IntType::U8: quantize_loop(x, n, p, static_cast<uint8_t*>(out)); return;
    case IntType::I16: quantize_loop(x, n, p, static_cast<int16_t*>(out)); return;
    case IntType::U16: quantize_loop(x, n, p, static_cast<uint16_t*>(out)); return;
  }
}

void quantize_f32(const float* x, size_t n, float scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  quantize_any(x, n, scale, zp, spec, out_type, out);
}
void quantize_f64(const double* x, size_t n, double scale, int32_t zp, QuantSpec spec, IntType out_type, void* out) {
  quantize_any(x, n, scale, zp, spec, out_type, out);
}

void quantize_groups_f32(const float* x, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  quantize_groups_any(x, n, scales, zps, spec, out_type, out);
}
void quantize_groups_f64(const double* x, size_t n, const double* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out) {
  quantize_groups_any(x, n, scales, zps, spec, out_type, out);
}

template <typename Q> void dequantize_loop_f32(const Q* q, size_t n, double scale, int32_t zp, float* out) {
  if (scale_is_float(scale)) {
    const float s = static_cast<float>(scale);
    for (size_t i = 0; i < n; i++) out[i] = dequantize_value_f32_fast(q[i], zp, s);
  } else {
    for (size_t i = 0; i < n; i++) out[i] = dequantize_value_f32(q[i], zp, scale);
  }
}

template <typename Q> void dequantize_loop_f64(const Q* q, size_t n, double scale, int32_t zp, double* out) {
  for (size_t i = 0; i < n; i++) out[i] = dequantize_value_f64(q[i], zp, scale);
}

void dequantize_f32(const void* q, IntType q_type, size_t n, double scale, int32_t zp, float* out) {
  switch (q_type) {
    case IntType::I8: dequantize_loop_f32(static_cast<const int8_t*>(q), n, scale, zp, out); return;
    case IntType::U8: dequantize_loop_f32(static_cast<const uint8_t*>(q), n, scale, zp, out); return;
    case IntType::I16: dequantize_loop_f32(static_cast<const int16_t*>(q), n, scale, zp, out); return;
    case IntType::U16: dequantize_loop_f32(static_cast<const uint16_t*>(q), n, scale, zp, out); return;
  }
}

void dequantize_f64(const void* q, IntType q_type, size_t n, double scale, int32_t zp, double* out) {
  switch (q_type) {
    case IntType::I8: dequantize_loop_f64(static_cast<const int8_t*>(q), n, scale, zp, out); return;
    case IntType::U8: dequantize_loop_f64(static_cast<const uint8_t*>(q), n, scale, zp, out); return;
    case IntType::I16: dequantize_loop_f64(static_cast<const int16_t*>(q), n, scale, zp, out); return;
    case IntType::U16: dequantize_loop_f64(static_cast<const uint16_t*>(q), n, scale, zp, out); return;
  }
}

// (q - zp) * scale for a float scale: the float multiply is the exact double product rounded once (kernel_common.h).
void fake_quantize_f32(const float* x, size_t n, float scale, int32_t zp, QuantSpec spec, float* out, ErrorSums* sums) {
  const QuantParams<float> p = make_quant_params(scale, zp, spec);
  ErrorAccumulator acc(*sums);
  for (size_t i = 0; i < n; i++) {
    out[i] = static_cast<float>(quantize_offset(x[i], p)) * scale;
    acc.add(x[i], out[i]);
  }
  *sums = acc.finish();
}

void fake_quantize_f64(const double* x, size_t n, double scale, int32_t zp, QuantSpec spec, double* out, ErrorSums* sums) {
  const QuantParams<double> p = make_quant_params(scale, zp, spec);
  ErrorAccumulator acc(*sums);
  for (size_t i = 0; i < n; i++) {
    out[i] = static_cast<double>(quantize_offset(x[i], p)) * scale;
    acc.add(x[i], out[i]);
  }
  *sums = acc.finish();
}

void min_max_f32(const float* x, size_t n, double* min, double* max) { fold_min_max(x, n, min, max); }
void min_max_f64(const double* x, size_t n, double* min, double* max) { fold_min_max(x, n, min, max); }
void abs_max_f32(const float* x, size_t n, double* abs_max) { fold_abs_max(x, n, abs_max); }
void abs_max_f64(const double* x, size_t n, double* abs_max) { fold_abs_max(x, n, abs_max); }

void pack(const uint8_t* q, size_t n, int bits, uint8_t* out) { pack_scalar(q, n, bits, out); }
void unpack(const uint8_t* packed, size_t n, int bits, bool is_signed, uint8_t* out) {
  unpack_scalar(packed, n, bits, is_signed, out);
}

template <bool Abs, typename F> void histogram_any(const F* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_scalar<Abs>(x, n, make_histogram_params(min, max, bins), counts);
}

void histogram_f32(const float* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_any<false>(x, n, min, max, counts, bins);
}
void histogram_f64(const double* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_any<false>(x, n, min, max, counts, bins);
}
void abs_histogram_f32(const float* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_any<true>(x, n, min, max, counts, bins);
}
void abs_histogram_f64(const double* x, size_t n, double min, double max, uint32_t* counts, size_t bins) {
  histogram_any<true>(x, n, min, max, counts, bins);
}

}  // namespace

const KernelTable kScalarKernels = {
    "scalar",      quantize_f32, quantize_f64, quantize_groups_f32, quantize_groups_f64,
    dequantize_f32, dequantize_f64, fake_quantize_f32, fake_quantize_f64,
    min_max_f32,   min_max_f64,  abs_max_f32,  abs_max_f64,    pack,           unpack,
    histogram_f32, histogram_f64, abs_histogram_f32, abs_histogram_f64,
};

}  // namespace quantkit
