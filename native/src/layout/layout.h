// The layout vocabulary of the native code: how scale groups map onto a flattened tensor, the per-group parameters
// and the ranges that split a layout's work across threads. Used by the binding, the jobs, the granularity drivers
// (granularity.h) and the tests. Plain C++, no Node.
//
// Layouts are those of packages/quant-core/src/types.ts:
//   Tensor                 one scale and zero point for every element.
//   Axis   [outer, dim, inner], dim = channels: element (o, c, i) sits at (o * dim + c) * inner + i and uses group c.
//   Block  [outer, dim, inner] with blocks of block_size along dim (the last block may be partial): element (o, d, i)
//          sits at (o * dim + d) * inner + i and uses group (o * blocks() + d / block_size) * inner + i, like ONNX
//          QuantizeLinear-21 blocked quantization.
// A row is `inner` consecutive elements sharing (o, d): row r is (o, d) = (r / dim, r % dim).
//
// A layout is valid for `length` elements when outer * dim * inner == length and outer * dim does not overflow (the
// binding checks both); everything below assumes a valid layout.
#pragma once

#include <cstddef>
#include <cstdint>

namespace quantkit {

struct Layout {
  enum class Kind : int32_t { Tensor, Axis, Block };

  Kind kind = Kind::Tensor;
  size_t outer = 1;
  size_t dim = 0;         // Axis: the channel count; Block: the blocked dimension
  size_t inner = 1;
  size_t block_size = 1;  // Block: >= 1

  static Layout axis(size_t outer, size_t channels, size_t inner) { return Layout{Kind::Axis, outer, channels, inner, 1}; }
  static Layout blocked(size_t outer, size_t dim, size_t inner, size_t block_size) {
    return Layout{Kind::Block, outer, dim, inner, block_size};
  }

  size_t rows() const { return outer * dim; }
  // Blocks along dim (Block).
  size_t blocks() const { return (dim + block_size - 1) / block_size; }
  // Scale groups: dim (Axis) or outer * blocks() * inner (Block; <= outer * dim * inner, so no overflow).
  size_t groups() const { return kind == Kind::Axis ? dim : outer * blocks() * inner; }
  // Units of per-group min/max, each the only writer of its groups: channels (Axis), or (outer, block) pairs (Block),
  // pair p owning groups [p * inner, (p + 1) * inner). A blocked layout with inner == 0 has no groups and no units.
  size_t min_max_units() const {
    if (kind == Kind::Axis) return dim;
    return inner == 0 ? 0 : outer * blocks();
  }
  // Elements of one min/max unit (at most; the last block of a slice may be shorter).
  size_t min_max_unit_elements() const {
    if (kind == Kind::Axis) return dim == 0 ? 0 : outer * inner;
    return (block_size < dim ? block_size : dim) * inner;
  }
};

// One scale per group, as the caller holds them (a Float32Array or a Float64Array). For float32 tensors each scale is
// rounded to float (as Math.fround does in the reference); for float64 tensors it is used as a double.
struct ScaleArray {
  const void* data = nullptr;
  bool is_f64 = false;  // false: const float*, true: const double*

  double at(size_t i) const {
    return is_f64 ? static_cast<const double*>(data)[i] : static_cast<double>(static_cast<const float*>(data)[i]);
  }
};

// The parameters of an Axis or Block layout: groups() scales and groups() zero points.
struct GroupParams {
  ScaleArray scales;
  const int32_t* zero_points = nullptr;
};

// The quantization parameters of a quantize or dequantize call: one scale and zero point for a Tensor layout, one per
// group (groups) for an Axis or Block layout.
struct QuantParams {
  Layout layout;
  double scale = 1;        // Tensor
  int32_t zero_point = 0;  // Tensor
  GroupParams groups;      // Axis, Block

  static QuantParams tensor(double scale, int32_t zero_point) { return QuantParams{Layout{}, scale, zero_point, GroupParams{}}; }
  static QuantParams grouped(const Layout& layout, GroupParams groups) { return QuantParams{layout, 1, 0, groups}; }
};

// Rows [begin, end) of a layout; end is clipped to rows(), so the default covers everything.
struct RowRange {
  size_t begin = 0;
  size_t end = SIZE_MAX;
};

// Min/max units [begin, end) of a layout; end is clipped to min_max_units(), so the default covers everything.
struct UnitRange {
  size_t begin = 0;
  size_t end = SIZE_MAX;
};

}  // namespace quantkit
