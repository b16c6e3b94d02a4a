// Granularity drivers: contiguous runs that share one scale go through the kernel table, and so do rows whose elements
// each have their own parameters (per-channel on the last axis, blocked with inner > 1: quantize_groups); short runs
// and the rarer cases go through the element functions and loops of kernel_common.h. All are the same arithmetic, so
// the path taken never changes a result.
#include "granularity.h"

#include "kernels/kernel_common.h"

namespace quantkit {
namespace {

// Below this many elements a kernel call (indirect call, vector setup) costs more than the scalar loop.
constexpr size_t kMinKernelRun = 16;

size_t row_count_end(RowRange rows, size_t total) { return rows.end < total ? rows.end : total; }

size_t code_size(IntType t) { return t == IntType::I8 || t == IntType::U8 ? 1 : 2; }

void* code_ptr(void* base, IntType t, size_t i) { return static_cast<uint8_t*>(base) + i * code_size(t); }
const void* code_ptr(const void* base, IntType t, size_t i) { return static_cast<const uint8_t*>(base) + i * code_size(t); }

// A group's scale in the precision of the tensor.
template <typename F> F scale_as(ScaleArray s, size_t g);
template <> float scale_as<float>(ScaleArray s, size_t g) { return static_cast<float>(s.at(g)); }
template <> double scale_as<double>(ScaleArray s, size_t g) { return s.at(g); }

void quantize_run(const KernelTable& k, const float* x, size_t n, float scale, int32_t zp, QuantSpec spec, IntType t, void* out) {
  k.quantize_f32(x, n, scale, zp, spec, t, out);
}
void quantize_run(const KernelTable& k, const double* x, size_t n, double scale, int32_t zp, QuantSpec spec, IntType t, void* out) {
  k.quantize_f64(x, n, scale, zp, spec, t, out);
}
void dequantize_run(const KernelTable& k, const void* q, IntType t, size_t n, double scale, int32_t zp, float* out) {
  k.dequantize_f32(q, t, n, scale, zp, out);
}
void dequantize_run(const KernelTable& k, const void* q, IntType t, size_t n, double scale, int32_t zp, double* out) {
  k.dequantize_f64(q, t, n, scale, zp, out);
}
void min_max_run(const KernelTable& k, const float* x, size_t n, double* min, double* max) { k.min_max_f32(x, n, min, max); }
void min_max_run(const KernelTable& k, const double* x, size_t n, double* min, double* max) { k.min_max_f64(x, n, min, max); }

float dequantize_element(int32_t q, int32_t zp, double scale, float*) { return dequantize_value_f32(q, zp, scale); }
double dequantize_element(int32_t q, int32_t zp, double scale, double*) { return dequantize_value_f64(q, zp, scale); }

// x[0, n) with one scale: a kernel call, or the element loop for short runs.
template <typename F>
void quantize_span(const KernelTable& k, const F* x, size_t n, F scale, int32_t zp, QuantSpec spec, IntType t, void* out) {
  if (n >= kMinKernelRun) {
    quantize_run(k, x, n, scale, zp, spec, t, out);
    return;
  }
  const QuantParams<F> p = make_quant_params(scale, zp, spec);
  for (size_t i = 0; i < n; i++) store_code(out, t, i, quantize_value(x[i], p));
}

template <typename F>
void dequantize_span(const KernelTable& k, const void* q, IntType t, size_t n, double scale, int32_t zp, F* out) {
  if (n >= kMinKernelRun) {
    dequantize_run(k, q, t, n, scale, zp, out);
    return;
  }
  for (size_t i = 0; i < n; i++) out[i] = dequantize_element(load_code(q, t, i), zp, scale, out);
}

template <typename F> void min_max_span(const KernelTable& k, const F* x, size_t n, double* min, double* max) {
  if (n >= kMinKernelRun) {
    min_max_run(k, x, n, min, max);
  } else {
    fold_min_max(x, n, min, max);
  }
}

// Rows whose every element has its own scale and zero point: per-channel along the last axis (inner == 1), and
// blocked layouts with inner > 1. Element i of the row uses group g + i. Scales held in the tensor's precision (the
// usual case) go to the table's quantize_groups kernel; others (a Float64Array of scales for a float32 tensor) to the
// same loop with the rounding of each scale to float (kernel_common.h). A kernel call or a type switch per element ran
// ~20x slower.
void quantize_params_row(const KernelTable& k, const float* x, size_t n, ScaleArray scales, size_t g, const int32_t* zps,
                         QuantSpec spec, IntType t, void* out) {
  if (scales.is_f64) quantize_groups_any(x, n, static_cast<const double*>(scales.data) + g, zps + g, spec, t, out);
  else k.quantize_groups_f32(x, n, static_cast<const float*>(scales.data) + g, zps + g, spec, t, out);
}
void quantize_params_row(const KernelTable& k, const double* x, size_t n, ScaleArray scales, size_t g, const int32_t* zps,
                         QuantSpec spec, IntType t, void* out) {
  if (scales.is_f64) k.quantize_groups_f64(x, n, static_cast<const double*>(scales.data) + g, zps + g, spec, t, out);
  else quantize_groups_any(x, n, static_cast<const float*>(scales.data) + g, zps + g, spec, t, out);
}

// (q - zp) * scale rounded once to the output precision (dequantize_element); with a float scale and a float output
// the float multiply is that value exactly (kernel_common.h).
inline float dequantize_param(int32_t d, float scale, float*) { return static_cast<float>(d) * scale; }
inline float dequantize_param(int32_t d, double scale, float*) { return static_cast<float>(static_cast<double>(d) * scale); }
template <typename S> inline double dequantize_param(int32_t d, S scale, double*) { return static_cast<double>(d) * static_cast<double>(scale); }

template <typename Code, typename S, typename F>
void dequantize_params_row(const Code* q, size_t n, const S* scales, const int32_t* zps, F* out) {
  for (size_t i = 0; i < n; i++) out[i] = dequantize_param(static_cast<int32_t>(q[i]) - zps[i], scales[i], out);
}

template <typename S, typename F>
void dequantize_params_row_as(const void* q, IntType t, size_t n, const S* scales, const int32_t* zps, F* out) {
  switch (t) {
    case IntType::I8: dequantize_params_row(static_cast<const int8_t*>(q), n, scales, zps, out); return;
    case IntType::U8: dequantize_params_row(static_cast<const uint8_t*>(q), n, scales, zps, out); return;
    case IntType::I16: dequantize_params_row(static_cast<const int16_t*>(q), n, scales, zps, out); return;
    case IntType::U16: dequantize_params_row(static_cast<const uint16_t*>(q), n, scales, zps, out); return;
  }
}

// q[0, n) where element i uses group g + i.
template <typename F>
void dequantize_params_row(const void* q, IntType t, size_t n, ScaleArray scales, size_t g, const int32_t* zps, F* out) {
  if (scales.is_f64) dequantize_params_row_as(q, t, n, static_cast<const double*>(scales.data) + g, zps + g, out);
  else dequantize_params_row_as(q, t, n, static_cast<const float*>(scales.data) + g, zps + g, out);
}

// Per-axis rows [r, end) along the last axis (inner == 1): each element is one row, of channel r % channels. Yields
// runs that stay inside one pass over the channels.
size_t last_axis_run(const AxisLayout& l, size_t r, size_t end) {
  const size_t left = l.channels - r % l.channels;
  return left < end - r ? left : end - r;
}

// Blocked rows with inner == 1 share a scale along a block: yields maximal runs [r, r + len) inside one block.
struct BlockRun {
  size_t group;
  size_t len;
};
BlockRun block_run(const BlockLayout& l, size_t blocks, size_t r, size_t end) {
  const size_t o = r / l.dim;
  const size_t d = r % l.dim;
  const size_t block = d / l.block_size;
  const size_t block_end = (block + 1) * l.block_size < l.dim ? (block + 1) * l.block_size : l.dim;
  const size_t len = block_end - d < end - r ? block_end - d : end - r;
  return {o * blocks + block, len};
}

size_t blocks_of(const BlockLayout& l) { return (l.dim + l.block_size - 1) / l.block_size; }

// First scale group of blocked row r (element i of the row uses group + i).
size_t block_row_group(const BlockLayout& l, size_t blocks, size_t r) {
  return ((r / l.dim) * blocks + (r % l.dim) / l.block_size) * l.inner;
}

template <typename F>
void quantize_axis_impl(const KernelTable& k, const F* x, ScaleArray scales, const int32_t* zps, const AxisLayout& l,
                        QuantSpec spec, IntType t, void* out, RowRange rows) {
  const size_t end = row_count_end(rows, l.outer * l.channels);
  if (l.inner == 1) {
    for (size_t r = rows.begin; r < end;) {
      const size_t len = last_axis_run(l, r, end);
      quantize_params_row(k, x + r, len, scales, r % l.channels, zps, spec, t, code_ptr(out, t, r));
      r += len;
    }
    return;
  }
  for (size_t r = rows.begin; r < end; r++) {
    const size_t c = r % l.channels;
    const size_t off = r * l.inner;
    quantize_span(k, x + off, l.inner, scale_as<F>(scales, c), zps[c], spec, t, code_ptr(out, t, off));
  }
}

template <typename F>
void quantize_blocked_impl(const KernelTable& k, const F* x, ScaleArray scales, const int32_t* zps, const BlockLayout& l,
                           QuantSpec spec, IntType t, void* out, RowRange rows) {
  const size_t end = row_count_end(rows, l.outer * l.dim);
  const size_t blocks = blocks_of(l);
  if (l.inner == 1) {
    for (size_t r = rows.begin; r < end;) {
      const BlockRun run = block_run(l, blocks, r, end);
      quantize_span(k, x + r, run.len, scale_as<F>(scales, run.group), zps[run.group], spec, t, code_ptr(out, t, r));
      r += run.len;
    }
    return;
  }
  for (size_t r = rows.begin; r < end; r++) {
    const size_t off = r * l.inner;
    quantize_params_row(k, x + off, l.inner, scales, block_row_group(l, blocks, r), zps, spec, t, code_ptr(out, t, off));
  }
}

template <typename F>
void dequantize_axis_impl(const KernelTable& k, const void* q, IntType t, ScaleArray scales, const int32_t* zps,
                          const AxisLayout& l, F* out, RowRange rows) {
  const size_t end = row_count_end(rows, l.outer * l.channels);
  if (l.inner == 1) {
    for (size_t r = rows.begin; r < end;) {
      const size_t len = last_axis_run(l, r, end);
      dequantize_params_row(code_ptr(q, t, r), t, len, scales, r % l.channels, zps, out + r);
      r += len;
    }
    return;
  }
  for (size_t r = rows.begin; r < end; r++) {
    const size_t c = r % l.channels;
    const size_t off = r * l.inner;
    dequantize_span(k, code_ptr(q, t, off), t, l.inner, scales.at(c), zps[c], out + off);
  }
}

template <typename F>
void dequantize_blocked_impl(const KernelTable& k, const void* q, IntType t, ScaleArray scales, const int32_t* zps,
                             const BlockLayout& l, F* out, RowRange rows) {
  const size_t end = row_count_end(rows, l.outer * l.dim);
  const size_t blocks = blocks_of(l);
  if (l.inner == 1) {
    for (size_t r = rows.begin; r < end;) {
      const BlockRun run = block_run(l, blocks, r, end);
      dequantize_span(k, code_ptr(q, t, r), t, run.len, scales.at(run.group), zps[run.group], out + r);
      r += run.len;
    }
    return;
  }
  for (size_t r = rows.begin; r < end; r++) {
    const size_t off = r * l.inner;
    dequantize_params_row(code_ptr(q, t, off), t, l.inner, scales, block_row_group(l, blocks, r), zps, out + off);
  }
}

template <typename F>
void min_max_axis_impl(const KernelTable& k, const F* x, const AxisLayout& l, double* out_min, double* out_max) {
  for (size_t c = 0; c < l.channels; c++) {
    out_min[c] = __builtin_inf();
    out_max[c] = -__builtin_inf();
  }
  if (l.inner == 1) {
    for (size_t o = 0; o < l.outer; o++) fold_min_max_elementwise(x + o * l.channels, l.channels, out_min, out_max);
    return;
  }
  const size_t rows = l.outer * l.channels;
  for (size_t r = 0; r < rows; r++) {
    const size_t c = r % l.channels;
    min_max_span(k, x + r * l.inner, l.inner, out_min + c, out_max + c);
  }
}

template <typename F>
void min_max_blocked_impl(const KernelTable& k, const F* x, const BlockLayout& l, double* out_min, double* out_max) {
  const size_t groups = block_group_count(l);
  for (size_t g = 0; g < groups; g++) {
    out_min[g] = __builtin_inf();
    out_max[g] = -__builtin_inf();
  }
  const size_t rows = l.outer * l.dim;
  const size_t blocks = blocks_of(l);
  if (l.inner == 1) {
    for (size_t r = 0; r < rows;) {
      const BlockRun run = block_run(l, blocks, r, rows);
      min_max_span(k, x + r, run.len, out_min + run.group, out_max + run.group);
      r += run.len;
    }
    return;
  }
  for (size_t r = 0; r < rows; r++) {
    const size_t group = block_row_group(l, blocks, r);
    fold_min_max_elementwise(x + r * l.inner, l.inner, out_min + group, out_max + group);
  }
}

}  // namespace

size_t block_group_count(const BlockLayout& layout) { return layout.outer * blocks_of(layout) * layout.inner; }

void quantize_axis(const KernelTable& k, const float* x, ScaleArray scales, const int32_t* zero_points,
                   const AxisLayout& layout, QuantSpec spec, IntType out_type, void* out, RowRange rows) {
  quantize_axis_impl(k, x, scales, zero_points, layout, spec, out_type, out, rows);
}
void quantize_axis(const KernelTable& k, const double* x, ScaleArray scales, const int32_t* zero_points,
                   const AxisLayout& layout, QuantSpec spec, IntType out_type, void* out, RowRange rows) {
  quantize_axis_impl(k, x, scales, zero_points, layout, spec, out_type, out, rows);
}
void quantize_blocked(const KernelTable& k, const float* x, ScaleArray scales, const int32_t* zero_points,
                      const BlockLayout& layout, QuantSpec spec, IntType out_type, void* out, RowRange rows) {
  quantize_blocked_impl(k, x, scales, zero_points, layout, spec, out_type, out, rows);
}
void quantize_blocked(const KernelTable& k, const double* x, ScaleArray scales, const int32_t* zero_points,
                      const BlockLayout& layout, QuantSpec spec, IntType out_type, void* out, RowRange rows) {
  quantize_blocked_impl(k, x, scales, zero_points, layout, spec, out_type, out, rows);
}

void dequantize_axis(const KernelTable& k, const void* q, IntType q_type, ScaleArray scales, const int32_t* zero_points,
                     const AxisLayout& layout, float* out, RowRange rows) {
  dequantize_axis_impl(k, q, q_type, scales, zero_points, layout, out, rows);
}
void dequantize_axis(const KernelTable& k, const void* q, IntType q_type, ScaleArray scales, const int32_t* zero_points,
                     const AxisLayout& layout, double* out, RowRange rows) {
  dequantize_axis_impl(k, q, q_type, scales, zero_points, layout, out, rows);
}
void dequantize_blocked(const KernelTable& k, const void* q, IntType q_type, ScaleArray scales,
                        const int32_t* zero_points, const BlockLayout& layout, float* out, RowRange rows) {
  dequantize_blocked_impl(k, q, q_type, scales, zero_points, layout, out, rows);
}
void dequantize_blocked(const KernelTable& k, const void* q, IntType q_type, ScaleArray scales,
                        const int32_t* zero_points, const BlockLayout& layout, double* out, RowRange rows) {
  dequantize_blocked_impl(k, q, q_type, scales, zero_points, layout, out, rows);
}

void min_max_axis(const KernelTable& k, const float* x, const AxisLayout& layout, double* out_min, double* out_max) {
  min_max_axis_impl(k, x, layout, out_min, out_max);
}
void min_max_axis(const KernelTable& k, const double* x, const AxisLayout& layout, double* out_min, double* out_max) {
  min_max_axis_impl(k, x, layout, out_min, out_max);
}
void min_max_blocked(const KernelTable& k, const float* x, const BlockLayout& layout, double* out_min, double* out_max) {
  min_max_blocked_impl(k, x, layout, out_min, out_max);
}
void min_max_blocked(const KernelTable& k, const double* x, const BlockLayout& layout, double* out_min, double* out_max) {
  min_max_blocked_impl(k, x, layout, out_min, out_max);
}

}  // namespace quantkit
