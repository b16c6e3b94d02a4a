// Granularity drivers: contiguous runs that share one scale go through the kernel table, and so do rows whose elements
// each have their own parameters (per-channel on the last axis, blocked with inner > 1: quantize_groups); short runs
// and the rarer cases go through the element functions and loops of kernel_common.h. All are the same arithmetic, so
// the path taken never changes a result.
#include "granularity.h"

#include <algorithm>

#include "../kernels/kernel_common.h"

namespace quantkit {
namespace {

// Below this many elements a kernel call (indirect call, vector setup) costs more than the scalar loop.
constexpr size_t kMinKernelRun = 16;

constexpr double kInf = __builtin_inf();

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
void min_max_rows(const KernelTable& k, const float* x, size_t rows, size_t stride, size_t n, double* min, double* max) {
  k.min_max_rows_f32(x, rows, stride, n, min, max);
}
void min_max_rows(const KernelTable& k, const double* x, size_t rows, size_t stride, size_t n, double* min, double* max) {
  k.min_max_rows_f64(x, rows, stride, n, min, max);
}

float dequantize_element(int32_t q, int32_t zp, double scale, float*) { return dequantize_value_f32(q, zp, scale); }
double dequantize_element(int32_t q, int32_t zp, double scale, double*) { return dequantize_value_f64(q, zp, scale); }

// Half-precision data (SPEC §12): inputs are HalfRun<H> (common/half.h), outputs HalfOut<H>; both stand where the
// float code has a pointer, and the overloads below send them to the table's *_half kernels. A half input quantizes
// as its float32 widening with float32 scales, so its element type (ValueOf) is float.
template <HalfType H> struct HalfOut {
  uint16_t* p;
  HalfOut operator+(size_t i) const { return HalfOut{p + i}; }
};

template <typename X> struct ValueOf;
template <> struct ValueOf<const float*> { using type = float; };
template <> struct ValueOf<const double*> { using type = double; };
template <HalfType H> struct ValueOf<HalfRun<H>> { using type = float; };
template <typename X> using value_t = typename ValueOf<X>::type;

template <typename F> F element_at(const F* x, size_t i) { return x[i]; }
template <HalfType H> float element_at(HalfRun<H> x, size_t i) { return half_to_float<H>(x.p[i]); }

template <HalfType H>
void quantize_run(const KernelTable& k, HalfRun<H> x, size_t n, float scale, int32_t zp, QuantSpec spec, IntType t, void* out) {
  k.quantize_half(x.p, H, n, scale, zp, spec, t, out);
}
template <HalfType H> void dequantize_run(const KernelTable& k, const void* q, IntType t, size_t n, double scale, int32_t zp, HalfOut<H> out) {
  k.dequantize_half(q, t, n, scale, zp, H, out.p);
}
template <HalfType H> void min_max_run(const KernelTable& k, HalfRun<H> x, size_t n, double* min, double* max) { k.min_max_half(x.p, H, n, min, max); }
template <HalfType H>
void min_max_rows(const KernelTable& k, HalfRun<H> x, size_t rows, size_t stride, size_t n, double* min, double* max) {
  k.min_max_rows_half(x.p, H, rows, stride, n, min, max);
}
template <HalfType H> uint16_t dequantize_element(int32_t q, int32_t zp, double scale, HalfOut<H>) { return dequantize_value_half<H>(q, zp, scale); }

// Stores a dequantized value at out[i].
template <typename F> void put(F* out, size_t i, F v) { out[i] = v; }
template <HalfType H> void put(HalfOut<H> out, size_t i, uint16_t v) { out.p[i] = v; }

// x[0, n) with one scale: a kernel call, or the element loop for short runs.
template <typename X>
void quantize_span(const KernelTable& k, X x, size_t n, value_t<X> scale, int32_t zp, QuantSpec spec, IntType t, void* out) {
  if (n >= kMinKernelRun) {
    quantize_run(k, x, n, scale, zp, spec, t, out);
    return;
  }
  const QuantParams<value_t<X>> p = make_quant_params(scale, zp, spec);
  for (size_t i = 0; i < n; i++) store_code(out, t, i, quantize_value(element_at(x, i), p));
}

template <typename O>
void dequantize_span(const KernelTable& k, const void* q, IntType t, size_t n, double scale, int32_t zp, O out) {
  if (n >= kMinKernelRun) {
    dequantize_run(k, q, t, n, scale, zp, out);
    return;
  }
  for (size_t i = 0; i < n; i++) put(out, i, dequantize_element(load_code(q, t, i), zp, scale, out));
}

// Folds x[0, n) into one group's *min / *max.
template <typename X> void min_max_span(const KernelTable& k, X x, size_t n, double* min, double* max) {
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
void quantize_params_row(const KernelTable& k, const float* x, size_t n, GroupParams p, size_t g, QuantSpec spec, IntType t,
                         void* out) {
  if (p.scales.is_f64) quantize_groups_any(x, n, static_cast<const double*>(p.scales.data) + g, p.zero_points + g, spec, t, out);
  else k.quantize_groups_f32(x, n, static_cast<const float*>(p.scales.data) + g, p.zero_points + g, spec, t, out);
}
void quantize_params_row(const KernelTable& k, const double* x, size_t n, GroupParams p, size_t g, QuantSpec spec, IntType t,
                         void* out) {
  if (p.scales.is_f64) k.quantize_groups_f64(x, n, static_cast<const double*>(p.scales.data) + g, p.zero_points + g, spec, t, out);
  else quantize_groups_any(x, n, static_cast<const float*>(p.scales.data) + g, p.zero_points + g, spec, t, out);
}
template <HalfType H>
void quantize_params_row(const KernelTable& k, HalfRun<H> x, size_t n, GroupParams p, size_t g, QuantSpec spec, IntType t, void* out) {
  if (!p.scales.is_f64) {
    k.quantize_groups_half(x.p, H, n, static_cast<const float*>(p.scales.data) + g, p.zero_points + g, spec, t, out);
    return;
  }
  // Float64 scales (rounded to float per element, as for a float32 tensor): the portable loop on widened chunks.
  const size_t size = code_size(t);
  const double* scales = static_cast<const double*>(p.scales.data) + g;
  for_each_widened(x, n, [&](const float* v, size_t len, size_t start) {
    quantize_groups_any(v, len, scales + start, p.zero_points + g + start, spec, t, static_cast<uint8_t*>(out) + start * size);
  });
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
// Half outputs: the exact double product rounded once to the half type.
template <typename Code, typename S, HalfType H>
void dequantize_params_row(const Code* q, size_t n, const S* scales, const int32_t* zps, HalfOut<H> out) {
  for (size_t i = 0; i < n; i++) out.p[i] = half_from_double<H>(static_cast<double>(static_cast<int32_t>(q[i]) - zps[i]) * static_cast<double>(scales[i]));
}

template <typename S, typename F>
void dequantize_params_row_as(const void* q, IntType t, size_t n, const S* scales, const int32_t* zps, F out) {
  switch (t) {
    case IntType::I8: dequantize_params_row(static_cast<const int8_t*>(q), n, scales, zps, out); return;
    case IntType::U8: dequantize_params_row(static_cast<const uint8_t*>(q), n, scales, zps, out); return;
    case IntType::I16: dequantize_params_row(static_cast<const int16_t*>(q), n, scales, zps, out); return;
    case IntType::U16: dequantize_params_row(static_cast<const uint16_t*>(q), n, scales, zps, out); return;
  }
}

// q[0, n) where element i uses group g + i.
template <typename O>
void dequantize_params_row(const void* q, IntType t, size_t n, GroupParams p, size_t g, O out) {
  if (p.scales.is_f64) dequantize_params_row_as(q, t, n, static_cast<const double*>(p.scales.data) + g, p.zero_points + g, out);
  else dequantize_params_row_as(q, t, n, static_cast<const float*>(p.scales.data) + g, p.zero_points + g, out);
}

// Per-axis rows [r, end) along the last axis (inner == 1): each element is one row, of channel r % dim. Yields runs
// that stay inside one pass over the channels.
size_t last_axis_run(const Layout& l, size_t r, size_t end) { return std::min(l.dim - r % l.dim, end - r); }

// Blocked rows with inner == 1 share a scale along a block: yields maximal runs [r, r + len) inside one block.
struct BlockRun {
  size_t group;
  size_t len;
};
BlockRun block_run(const Layout& l, size_t blocks, size_t r, size_t end) {
  const size_t o = r / l.dim;
  const size_t d = r % l.dim;
  const size_t block = d / l.block_size;
  const size_t block_end = std::min((block + 1) * l.block_size, l.dim);
  return {o * blocks + block, std::min(block_end - d, end - r)};
}

// First scale group of blocked row r (element i of the row uses group + i).
size_t block_row_group(const Layout& l, size_t blocks, size_t r) {
  return ((r / l.dim) * blocks + (r % l.dim) / l.block_size) * l.inner;
}

// ---- quantize ------------------------------------------------------------------------------------------------------

template <typename X>
void quantize_axis(const KernelTable& k, X x, GroupParams p, const Layout& l, QuantSpec spec, IntType t, void* out,
                   size_t begin, size_t end) {
  if (l.inner == 1) {
    for (size_t r = begin; r < end;) {
      const size_t len = last_axis_run(l, r, end);
      quantize_params_row(k, x + r, len, p, r % l.dim, spec, t, code_ptr(out, t, r));
      r += len;
    }
    return;
  }
  for (size_t r = begin; r < end; r++) {
    const size_t c = r % l.dim;
    const size_t off = r * l.inner;
    quantize_span(k, x + off, l.inner, scale_as<value_t<X>>(p.scales, c), p.zero_points[c], spec, t, code_ptr(out, t, off));
  }
}

// Whole blocks of a row x[0, n) (from a block boundary; the last one may be short), block b with group g + b, by the
// table's block-run kernel: one call per row. Float32 scales only (others: false, and the caller goes block by block).
bool quantize_block_row(const KernelTable& k, const float* x, size_t n, size_t block, GroupParams p, size_t g, QuantSpec spec,
                        IntType t, void* out) {
  if (p.scales.is_f64) return false;
  k.quantize_block_runs_f32(x, n, block, static_cast<const float*>(p.scales.data) + g, p.zero_points + g, spec, t, out);
  return true;
}
template <HalfType H>
bool quantize_block_row(const KernelTable& k, HalfRun<H> x, size_t n, size_t block, GroupParams p, size_t g, QuantSpec spec, IntType t,
                        void* out) {
  if (p.scales.is_f64) return false;
  k.quantize_block_runs_half(x.p, H, n, block, static_cast<const float*>(p.scales.data) + g, p.zero_points + g, spec, t, out);
  return true;
}
bool quantize_block_row(const KernelTable&, const double*, size_t, size_t, GroupParams, size_t, QuantSpec, IntType, void*) { return false; }

template <typename X>
void quantize_blocked(const KernelTable& k, X x, GroupParams p, const Layout& l, QuantSpec spec, IntType t, void* out,
                      size_t begin, size_t end) {
  const size_t blocks = l.blocks();
  if (l.inner == 1) {
    for (size_t r = begin; r < end;) {
      const BlockRun run = block_run(l, blocks, r, end);
      const size_t d = r % l.dim;
      // From a block boundary, the rest of the row (up to `end`) in one call when its blocks are short enough that a
      // call per block would cost more than their codes.
      const size_t rest = std::min(l.dim - d, end - r);
      if (d % l.block_size == 0 && l.block_size < 256 && rest > l.block_size &&
          quantize_block_row(k, x + r, rest, l.block_size, p, run.group, spec, t, code_ptr(out, t, r))) {
        r += rest;
        continue;
      }
      quantize_span(k, x + r, run.len, scale_as<value_t<X>>(p.scales, run.group), p.zero_points[run.group], spec, t, code_ptr(out, t, r));
      r += run.len;
    }
    return;
  }
  for (size_t r = begin; r < end; r++) {
    const size_t off = r * l.inner;
    quantize_params_row(k, x + off, l.inner, p, block_row_group(l, blocks, r), spec, t, code_ptr(out, t, off));
  }
}

template <typename X>
void quantize_layout_impl(const KernelTable& k, X x, GroupParams p, const Layout& l, QuantSpec spec, IntType t,
                          void* out, RowRange rows) {
  if (l.inner == 0) return;  // no elements (and rows() may be anything)
  const size_t end = std::min(rows.end, l.rows());
  if (l.kind == Layout::Kind::Axis) quantize_axis(k, x, p, l, spec, t, out, rows.begin, end);
  else if (l.kind == Layout::Kind::Block) quantize_blocked(k, x, p, l, spec, t, out, rows.begin, end);
}

// ---- dequantize ----------------------------------------------------------------------------------------------------

template <typename O>
void dequantize_axis(const KernelTable& k, const void* q, IntType t, GroupParams p, const Layout& l, O out, size_t begin,
                     size_t end) {
  if (l.inner == 1) {
    for (size_t r = begin; r < end;) {
      const size_t len = last_axis_run(l, r, end);
      dequantize_params_row(code_ptr(q, t, r), t, len, p, r % l.dim, out + r);
      r += len;
    }
    return;
  }
  for (size_t r = begin; r < end; r++) {
    const size_t c = r % l.dim;
    const size_t off = r * l.inner;
    dequantize_span(k, code_ptr(q, t, off), t, l.inner, p.scales.at(c), p.zero_points[c], out + off);
  }
}

template <typename O>
void dequantize_blocked(const KernelTable& k, const void* q, IntType t, GroupParams p, const Layout& l, O out, size_t begin,
                        size_t end) {
  const size_t blocks = l.blocks();
  if (l.inner == 1) {
    for (size_t r = begin; r < end;) {
      const BlockRun run = block_run(l, blocks, r, end);
      dequantize_span(k, code_ptr(q, t, r), t, run.len, p.scales.at(run.group), p.zero_points[run.group], out + r);
      r += run.len;
    }
    return;
  }
  for (size_t r = begin; r < end; r++) {
    const size_t off = r * l.inner;
    dequantize_params_row(code_ptr(q, t, off), t, l.inner, p, block_row_group(l, blocks, r), out + off);
  }
}

template <typename O>
void dequantize_layout_impl(const KernelTable& k, const void* q, IntType t, GroupParams p, const Layout& l, O out,
                            RowRange rows) {
  if (l.inner == 0) return;
  const size_t end = std::min(rows.end, l.rows());
  if (l.kind == Layout::Kind::Axis) dequantize_axis(k, q, t, p, l, out, rows.begin, end);
  else if (l.kind == Layout::Kind::Block) dequantize_blocked(k, q, t, p, l, out, rows.begin, end);
}

// ---- min / max -----------------------------------------------------------------------------------------------------

// Channels [c0, c1). Along the last axis (inner == 1) row by row, each element into its own channel (a column at a
// time would read one element per row and call a kernel for it); otherwise slice by slice, each (o, c) row of
// `inner` elements into channel c. Either way a channel's elements are folded in element order.
template <typename X>
void min_max_axis(const KernelTable& k, X x, const Layout& l, double* out_min, double* out_max, size_t c0, size_t c1) {
  std::fill(out_min + c0, out_min + c1, kInf);
  std::fill(out_max + c0, out_max + c1, -kInf);
  if (l.inner == 0) return;  // no elements (and outer may be anything)
  if (l.inner == 1) {
    min_max_rows(k, x + c0, l.outer, l.dim, c1 - c0, out_min + c0, out_max + c0);
    return;
  }
  for (size_t o = 0; o < l.outer; o++) {
    const X slice = x + o * l.dim * l.inner;
    for (size_t c = c0; c < c1; c++) min_max_span(k, slice + c * l.inner, l.inner, out_min + c, out_max + c);
  }
}

// (outer, block) pairs [p0, p1). Pair p = (o, b) covers rows d in [b * block_size, min(dim, (b + 1) * block_size)) of
// slice o, and owns groups [p * inner, (p + 1) * inner): with inner == 1 one run into one group, otherwise row by row,
// element i of each row into group p * inner + i.
template <typename X>
void min_max_blocked(const KernelTable& k, X x, const Layout& l, double* out_min, double* out_max, size_t p0, size_t p1) {
  const size_t blocks = l.blocks();
  const size_t inner = l.inner;
  std::fill(out_min + p0 * inner, out_min + p1 * inner, kInf);
  std::fill(out_max + p0 * inner, out_max + p1 * inner, -kInf);
  for (size_t p = p0; p < p1; p++) {
    const size_t o = p / blocks;
    const size_t d0 = (p % blocks) * l.block_size;
    const size_t rows = std::min(l.block_size, l.dim - d0);
    const X start = x + (o * l.dim + d0) * inner;
    double* min = out_min + p * inner;
    double* max = out_max + p * inner;
    if (inner == 1) {
      min_max_span(k, start, rows, min, max);
    } else {
      min_max_rows(k, start, rows, inner, inner, min, max);
    }
  }
}

template <typename X>
void min_max_layout_impl(const KernelTable& k, X x, const Layout& l, double* out_min, double* out_max, UnitRange units) {
  const size_t end = std::min(units.end, l.min_max_units());
  if (units.begin >= end) return;
  if (l.kind == Layout::Kind::Axis) min_max_axis(k, x, l, out_min, out_max, units.begin, end);
  else if (l.kind == Layout::Kind::Block) min_max_blocked(k, x, l, out_min, out_max, units.begin, end);
}

}  // namespace

void quantize_layout(const KernelTable& k, const float* x, GroupParams params, const Layout& layout, QuantSpec spec,
                     IntType out_type, void* out, RowRange rows) {
  quantize_layout_impl(k, x, params, layout, spec, out_type, out, rows);
}
void quantize_layout(const KernelTable& k, const double* x, GroupParams params, const Layout& layout, QuantSpec spec,
                     IntType out_type, void* out, RowRange rows) {
  quantize_layout_impl(k, x, params, layout, spec, out_type, out, rows);
}

void dequantize_layout(const KernelTable& k, const void* q, IntType q_type, GroupParams params, const Layout& layout,
                       float* out, RowRange rows) {
  dequantize_layout_impl(k, q, q_type, params, layout, out, rows);
}
void dequantize_layout(const KernelTable& k, const void* q, IntType q_type, GroupParams params, const Layout& layout,
                       double* out, RowRange rows) {
  dequantize_layout_impl(k, q, q_type, params, layout, out, rows);
}

void min_max_layout(const KernelTable& k, const float* x, const Layout& layout, double* out_min, double* out_max, UnitRange units) {
  min_max_layout_impl(k, x, layout, out_min, out_max, units);
}
void min_max_layout(const KernelTable& k, const double* x, const Layout& layout, double* out_min, double* out_max, UnitRange units) {
  min_max_layout_impl(k, x, layout, out_min, out_max, units);
}

void quantize_layout(const KernelTable& k, const uint16_t* x, HalfType half, GroupParams params, const Layout& layout,
                     QuantSpec spec, IntType out_type, void* out, RowRange rows) {
  with_half_type(half, x, [&](auto run) { quantize_layout_impl(k, run, params, layout, spec, out_type, out, rows); });
}

void dequantize_layout(const KernelTable& k, const void* q, IntType q_type, GroupParams params, const Layout& layout,
                       HalfType half, uint16_t* out, RowRange rows) {
  if (half == HalfType::F16) dequantize_layout_impl(k, q, q_type, params, layout, HalfOut<HalfType::F16>{out}, rows);
  else dequantize_layout_impl(k, q, q_type, params, layout, HalfOut<HalfType::BF16>{out}, rows);
}

void min_max_layout(const KernelTable& k, const uint16_t* x, HalfType half, const Layout& layout, double* out_min, double* out_max,
                    UnitRange units) {
  with_half_type(half, x, [&](auto run) { min_max_layout_impl(k, run, layout, out_min, out_max, units); });
}

}  // namespace quantkit
