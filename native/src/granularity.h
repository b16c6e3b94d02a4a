// Per-axis and blocked quantize / dequantize / min-max, driven on top of the run kernels of a KernelTable.
//
// Layouts are those of packages/quant-core/src/types.ts:
//   AxisLayout  [outer, channels, inner]: element (o, c, i) sits at (o * channels + c) * inner + i and uses group c.
//   BlockLayout [outer, dim, inner] with blocks of block_size along dim (the last block may be partial): element
//               (o, d, i) sits at (o * dim + d) * inner + i and uses group (o * ceil(dim / block_size) + d / block_size)
//               * inner + i, like ONNX QuantizeLinear-21 blocked quantization.
// Results equal the TypeScript reference kernels (quantizeAxis, quantizeBlocked, ...) bit for bit.
//
// Arguments are assumed validated (packages/quant-core/src/kernel-api.ts does it): sizes consistent, scales finite
// and > 0 in the precision used, zero points inside [qmin, qmax] (or inside the code type's range for dequantize).
// Nothing here allocates or keeps state.
//
// Threads: the quantize and dequantize drivers take an optional RowRange, so disjoint row ranges may run on different
// threads and give exactly the result of one call. A row is `inner` consecutive elements: per-axis row r is
// (o, c) = (r / channels, r % channels), blocked row r is (o, d) = (r / dim, r % dim). The min-max drivers write
// per-group results that several rows share, so they always cover the whole tensor in one call.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernels.h"

namespace quantkit {

struct AxisLayout {
  size_t outer;
  size_t channels;
  size_t inner;
};

struct BlockLayout {
  size_t outer;
  size_t dim;
  size_t inner;
  size_t block_size;  // >= 1
};

// One scale per group, as the caller holds them (a Float32Array or a Float64Array). For float32 tensors each scale is
// rounded to float (as Math.fround does in the reference); for float64 tensors it is used as a double.
struct ScaleArray {
  const void* data;
  bool is_f64;  // false: const float*, true: const double*

  double at(size_t i) const {
    return is_f64 ? static_cast<const double*>(data)[i] : static_cast<double>(static_cast<const float*>(data)[i]);
  }
};

// Rows [begin, end) of the tensor; end is clipped to the row count, so the default covers everything.
struct RowRange {
  size_t begin = 0;
  size_t end = SIZE_MAX;
};

// Number of scale groups of a blocked layout: outer * ceil(dim / block_size) * inner.
size_t block_group_count(const BlockLayout& layout);

// Quantize x (layout-sized) into out of out_type; zero_points has one int32 per group.
void quantize_axis(const KernelTable& k, const float* x, ScaleArray scales, const int32_t* zero_points,
                   const AxisLayout& layout, QuantSpec spec, IntType out_type, void* out, RowRange rows = {});
void quantize_axis(const KernelTable& k, const double* x, ScaleArray scales, const int32_t* zero_points,
                   const AxisLayout& layout, QuantSpec spec, IntType out_type, void* out, RowRange rows = {});
void quantize_blocked(const KernelTable& k, const float* x, ScaleArray scales, const int32_t* zero_points,
                      const BlockLayout& layout, QuantSpec spec, IntType out_type, void* out, RowRange rows = {});
void quantize_blocked(const KernelTable& k, const double* x, ScaleArray scales, const int32_t* zero_points,
                      const BlockLayout& layout, QuantSpec spec, IntType out_type, void* out, RowRange rows = {});

// Dequantize q of q_type into out (float or double): (q - zp) * scale in double, rounded once to out's precision.
void dequantize_axis(const KernelTable& k, const void* q, IntType q_type, ScaleArray scales, const int32_t* zero_points,
                     const AxisLayout& layout, float* out, RowRange rows = {});
void dequantize_axis(const KernelTable& k, const void* q, IntType q_type, ScaleArray scales, const int32_t* zero_points,
                     const AxisLayout& layout, double* out, RowRange rows = {});
void dequantize_blocked(const KernelTable& k, const void* q, IntType q_type, ScaleArray scales,
                        const int32_t* zero_points, const BlockLayout& layout, float* out, RowRange rows = {});
void dequantize_blocked(const KernelTable& k, const void* q, IntType q_type, ScaleArray scales,
                        const int32_t* zero_points, const BlockLayout& layout, double* out, RowRange rows = {});

// Per-group min and max (NaN ignored): out_min / out_max have `channels` (axis) or block_group_count (blocked)
// elements. They are overwritten (+inf / -inf for a group without non-NaN elements); the sign of a zero is unspecified.
void min_max_axis(const KernelTable& k, const float* x, const AxisLayout& layout, double* out_min, double* out_max);
void min_max_axis(const KernelTable& k, const double* x, const AxisLayout& layout, double* out_min, double* out_max);
void min_max_blocked(const KernelTable& k, const float* x, const BlockLayout& layout, double* out_min, double* out_max);
void min_max_blocked(const KernelTable& k, const double* x, const BlockLayout& layout, double* out_min, double* out_max);

}  // namespace quantkit
