#include "jobs.h"

#include <algorithm>
#include <limits>

#include "../granularity.h"
#include "../kernels/kernel_common.h"
#include "histogram_counts.h"

namespace quantkit {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

size_t int_size(IntType t) { return t == IntType::I8 || t == IntType::U8 ? 1 : 2; }

void* int_at(const IntBuffer& b, size_t i) { return static_cast<uint8_t*>(b.data) + i * int_size(b.type); }

void merge_sums(ErrorSums& acc, const ErrorSums& s) {
  acc.sum_sq += s.sum_sq;
  acc.sum_abs += s.sum_abs;
  // Same rule as accumulating element by element: a NaN, once seen, stays.
  if (s.max_abs > acc.max_abs || s.max_abs != s.max_abs) acc.max_abs = s.max_abs;
  acc.sum_ref2 += s.sum_ref2;
  acc.sum_approx2 += s.sum_approx2;
  acc.dot += s.dot;
}

// Rows of `inner` elements, element i of every row in group i; `stride` elements from one row to the next.
template <typename F> void fold_rows_per_element(const F* x, size_t rows, size_t inner, size_t stride, double* min, double* max) {
  for (size_t r = 0; r < rows; r++, x += stride) fold_min_max_elementwise(x, inner, min, max);
}

}  // namespace

size_t chunks_for(size_t elements) { return (elements + kChunkElements - 1) / kChunkElements; }

bool execute(Job& job, ThreadPool& pool, unsigned threads, const int32_t* cancel) {
  const size_t chunks = job.chunk_count();
  threads = job.plan_threads(threads);
  bool complete = true;
  if (chunks < 2 || threads < 2) {
    for (size_t i = 0; i < chunks; i++) {
      if (cancel_requested(cancel)) {
        complete = false;
        break;
      }
      job.run_chunk(i);
    }
  } else {
    complete = pool.run(job, threads, cancel);
  }
  if (complete) job.finish();
  return complete;
}

// ---- quantize / dequantize -----------------------------------------------------------------------------------------

ChunkPlan::ChunkPlan(const GroupLayout& layout, size_t length) {
  if (length == 0) return;
  if (layout.kind == GroupLayout::Kind::Tensor) {
    per_chunk = kChunkElements;
    chunks = chunks_for(length);
    return;
  }
  const size_t rows = length / layout.inner;  // inner >= 1 when length > 0
  per_chunk = std::max<size_t>(1, kChunkElements / layout.inner);
  chunks = (rows + per_chunk - 1) / per_chunk;
}

namespace {

AxisLayout axis_layout(const GroupLayout& l) { return AxisLayout{l.outer, l.dim, l.inner}; }
BlockLayout block_layout(const GroupLayout& l) { return BlockLayout{l.outer, l.dim, l.inner, l.block_size}; }
ScaleArray scale_array(const GroupParams& p) { return ScaleArray{p.scales, p.scales_type == FloatType::F64}; }

}  // namespace

void QuantizeJob::run_chunk(size_t index) {
  const size_t first = index * plan_.per_chunk;
  if (layout_.kind == GroupLayout::Kind::Tensor) {
    const size_t n = std::min(plan_.per_chunk, x_.length - first);
    void* out = int_at(out_, first);
    if (x_.type == FloatType::F32) {
      table_->quantize_f32(static_cast<const float*>(x_.data) + first, n, static_cast<float>(params_.scale), params_.zero_point, spec_, out_.type, out);
    } else {
      table_->quantize_f64(static_cast<const double*>(x_.data) + first, n, params_.scale, params_.zero_point, spec_, out_.type, out);
    }
    return;
  }
  const RowRange rows{first, first + plan_.per_chunk};
  const ScaleArray scales = scale_array(params_);
  const bool f32 = x_.type == FloatType::F32;
  if (layout_.kind == GroupLayout::Kind::Axis) {
    const AxisLayout l = axis_layout(layout_);
    if (f32) quantize_axis(*table_, static_cast<const float*>(x_.data), scales, params_.zero_points, l, spec_, out_.type, out_.data, rows);
    else quantize_axis(*table_, static_cast<const double*>(x_.data), scales, params_.zero_points, l, spec_, out_.type, out_.data, rows);
  } else {
    const BlockLayout l = block_layout(layout_);
    if (f32) quantize_blocked(*table_, static_cast<const float*>(x_.data), scales, params_.zero_points, l, spec_, out_.type, out_.data, rows);
    else quantize_blocked(*table_, static_cast<const double*>(x_.data), scales, params_.zero_points, l, spec_, out_.type, out_.data, rows);
  }
}

void DequantizeJob::run_chunk(size_t index) {
  const size_t first = index * plan_.per_chunk;
  if (layout_.kind == GroupLayout::Kind::Tensor) {
    const size_t n = std::min(plan_.per_chunk, q_.length - first);
    const void* q = int_at(q_, first);
    if (out_.type == FloatType::F32) {
      table_->dequantize_f32(q, q_.type, n, params_.scale, params_.zero_point, static_cast<float*>(out_.data) + first);
    } else {
      table_->dequantize_f64(q, q_.type, n, params_.scale, params_.zero_point, static_cast<double*>(out_.data) + first);
    }
    return;
  }
  const RowRange rows{first, first + plan_.per_chunk};
  const ScaleArray scales = scale_array(params_);
  const bool f32 = out_.type == FloatType::F32;
  if (layout_.kind == GroupLayout::Kind::Axis) {
    const AxisLayout l = axis_layout(layout_);
    if (f32) dequantize_axis(*table_, q_.data, q_.type, scales, params_.zero_points, l, static_cast<float*>(out_.data), rows);
    else dequantize_axis(*table_, q_.data, q_.type, scales, params_.zero_points, l, static_cast<double*>(out_.data), rows);
  } else {
    const BlockLayout l = block_layout(layout_);
    if (f32) dequantize_blocked(*table_, q_.data, q_.type, scales, params_.zero_points, l, static_cast<float*>(out_.data), rows);
    else dequantize_blocked(*table_, q_.data, q_.type, scales, params_.zero_points, l, static_cast<double*>(out_.data), rows);
  }
}

// ---- fake quantize -------------------------------------------------------------------------------------------------

FakeQuantizeJob::FakeQuantizeJob(const KernelTable* table, FloatInput x, FloatOutput out, double scale, int32_t zp, QuantSpec spec, double* result)
    : table_(table), x_(x), out_(out), scale_(scale), zp_(zp), spec_(spec), result_(result), chunks_(chunks_for(x.length)) {
  if (chunks_ > 1) others_.resize(chunks_ - 1);
}

void FakeQuantizeJob::run_chunk(size_t index) {
  const size_t start = index * kChunkElements;
  const size_t n = std::min(kChunkElements, x_.length - start);
  ErrorSums& sums = index == 0 ? first_ : others_[index - 1];
  sums = ErrorSums{};
  if (x_.type == FloatType::F32) {
    table_->fake_quantize_f32(static_cast<const float*>(x_.data) + start, n, static_cast<float>(scale_), zp_, spec_, static_cast<float*>(out_.data) + start, &sums);
  } else {
    table_->fake_quantize_f64(static_cast<const double*>(x_.data) + start, n, scale_, zp_, spec_, static_cast<double*>(out_.data) + start, &sums);
  }
}

void FakeQuantizeJob::finish() {
  ErrorSums total = chunks_ > 0 ? first_ : ErrorSums{};
  for (const ErrorSums& s : others_) merge_sums(total, s);
  result_[0] = total.sum_sq;
  result_[1] = total.sum_abs;
  result_[2] = total.max_abs;
  result_[3] = total.sum_ref2;
  result_[4] = total.sum_approx2;
  result_[5] = total.dot;
}

// ---- whole-tensor reductions ---------------------------------------------------------------------------------------

ReduceJob::ReduceJob(const KernelTable* table, FloatInput x, Kind kind, double* result)
    : table_(table), x_(x), kind_(kind), result_(result), chunks_(chunks_for(x.length)), first_{kind == Kind::MinMax ? kInf : 0, -kInf} {
  if (chunks_ > 1) others_.resize(chunks_ - 1);
}

void ReduceJob::run_chunk(size_t index) {
  const size_t start = index * kChunkElements;
  const size_t n = std::min(kChunkElements, x_.length - start);
  Partial& p = partial(index);
  const bool f32 = x_.type == FloatType::F32;
  if (kind_ == Kind::MinMax) {
    p = {kInf, -kInf};
    if (f32) table_->min_max_f32(static_cast<const float*>(x_.data) + start, n, &p.a, &p.b);
    else table_->min_max_f64(static_cast<const double*>(x_.data) + start, n, &p.a, &p.b);
  } else {
    p = {0, 0};
    if (f32) table_->abs_max_f32(static_cast<const float*>(x_.data) + start, n, &p.a);
    else table_->abs_max_f64(static_cast<const double*>(x_.data) + start, n, &p.a);
  }
}

void ReduceJob::finish() {
  Partial acc = first_;
  for (const Partial& p : others_) {
    if (kind_ == Kind::MinMax) {
      if (p.a < acc.a) acc.a = p.a;
      if (p.b > acc.b) acc.b = p.b;
    } else if (p.a > acc.a) {
      acc.a = p.a;
    }
  }
  result_[0] = acc.a;
  if (kind_ == Kind::MinMax) result_[1] = acc.b;
}

// ---- per-group min/max ---------------------------------------------------------------------------------------------

GroupMinMaxJob::GroupMinMaxJob(const KernelTable* table, FloatInput x, GroupLayout layout, double* out_min, double* out_max)
    : table_(table), x_(x), layout_(layout), out_min_(out_min), out_max_(out_max) {
  size_t unit_elements;
  if (layout.kind == GroupLayout::Kind::Axis) {
    units_ = layout.dim;
    unit_elements = layout.outer * layout.inner;
  } else {
    units_ = layout.outer * layout.blocks();
    unit_elements = std::min(layout.block_size, layout.dim) * layout.inner;
  }
  units_per_chunk_ = std::max<size_t>(1, kChunkElements / std::max<size_t>(1, unit_elements));
  chunks_ = (units_ + units_per_chunk_ - 1) / units_per_chunk_;
}

void GroupMinMaxJob::run_chunk(size_t index) {
  const size_t first = index * units_per_chunk_;
  const size_t last = std::min(first + units_per_chunk_, units_);
  if (layout_.kind == GroupLayout::Kind::Axis && layout_.inner == 1) {
    run_last_axis_channels(first, last);
    return;
  }
  for (size_t u = first; u < last; u++) {
    if (layout_.kind == GroupLayout::Kind::Axis) run_channel(u);
    else run_block(u);
  }
}

// Channels [c0, c1) of a layout whose channels are the last axis (inner == 1): row by row, each element into its own
// channel (a column at a time would read one element per row and call a kernel for it).
void GroupMinMaxJob::run_last_axis_channels(size_t c0, size_t c1) {
  std::fill(out_min_ + c0, out_min_ + c1, kInf);
  std::fill(out_max_ + c0, out_max_ + c1, -kInf);
  const size_t channels = layout_.dim;
  if (x_.type == FloatType::F32) {
    fold_rows_per_element(static_cast<const float*>(x_.data) + c0, layout_.outer, c1 - c0, channels, out_min_ + c0, out_max_ + c0);
  } else {
    fold_rows_per_element(static_cast<const double*>(x_.data) + c0, layout_.outer, c1 - c0, channels, out_min_ + c0, out_max_ + c0);
  }
}

// Channel c: the rows (o, c) for o = 0..outer-1, in order.
void GroupMinMaxJob::run_channel(size_t c) {
  double min = kInf;
  double max = -kInf;
  const size_t inner = layout_.inner;
  for (size_t o = 0; o < layout_.outer; o++) {
    const size_t start = (o * layout_.dim + c) * inner;
    if (x_.type == FloatType::F32) table_->min_max_f32(static_cast<const float*>(x_.data) + start, inner, &min, &max);
    else table_->min_max_f64(static_cast<const double*>(x_.data) + start, inner, &min, &max);
  }
  out_min_[c] = min;
  out_max_[c] = max;
}

// Block pair p = (o, b): rows d in [b * block_size, min(dim, (b + 1) * block_size)) of outer slice o, which own the
// groups p * inner .. p * inner + inner - 1.
void GroupMinMaxJob::run_block(size_t pair) {
  const size_t blocks = layout_.blocks();
  const size_t o = pair / blocks;
  const size_t d0 = (pair % blocks) * layout_.block_size;
  const size_t rows = std::min(layout_.block_size, layout_.dim - d0);
  const size_t inner = layout_.inner;
  const size_t start = (o * layout_.dim + d0) * inner;
  double* min = out_min_ + pair * inner;
  double* max = out_max_ + pair * inner;
  std::fill(min, min + inner, kInf);
  std::fill(max, max + inner, -kInf);
  if (inner == 1) {
    if (x_.type == FloatType::F32) table_->min_max_f32(static_cast<const float*>(x_.data) + start, rows, min, max);
    else table_->min_max_f64(static_cast<const double*>(x_.data) + start, rows, min, max);
  } else if (x_.type == FloatType::F32) {
    fold_rows_per_element(static_cast<const float*>(x_.data) + start, rows, inner, inner, min, max);
  } else {
    fold_rows_per_element(static_cast<const double*>(x_.data) + start, rows, inner, inner, min, max);
  }
}

// ---- histograms ----------------------------------------------------------------------------------------------------

unsigned HistogramJob::plan_threads(unsigned threads) {
  // A thread costs an array of `bins` counts, zeroed and added up: worth it only with enough elements per bin.
  const size_t useful = std::max<size_t>(1, x_.length / 8 / counts_.bins);
  const unsigned planned = static_cast<unsigned>(std::min<size_t>({threads, useful, std::max<size_t>(1, chunks_)}));
  direct_ = planned <= 1 && counts_.type == HistogramCounts::Type::U32;
  return std::max(1u, planned);
}

void HistogramJob::count(size_t start, size_t n, uint32_t* counts) const {
  const size_t bins = counts_.bins;
  if (x_.type == FloatType::F32) {
    const float* x = static_cast<const float*>(x_.data) + start;
    (abs_ ? table_->abs_histogram_f32 : table_->histogram_f32)(x, n, min_, max_, counts, bins);
  } else {
    const double* x = static_cast<const double*>(x_.data) + start;
    (abs_ ? table_->abs_histogram_f64 : table_->histogram_f64)(x, n, min_, max_, counts, bins);
  }
}

// A free slot (a new one when none is), emptied into the counts first if `elements` more could wrap its counts.
HistogramJob::Slot* HistogramJob::acquire(size_t elements) {
  std::lock_guard<std::mutex> lock(mutex_);
  Slot* slot;
  if (free_.empty()) {
    slots_.push_back(std::make_unique<Slot>());
    slot = slots_.back().get();
    slot->counts.assign(counts_.bins, 0);
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  if (slot->elements + elements > UINT32_MAX) add_slot(*slot);
  slot->elements += elements;
  return slot;
}

void HistogramJob::release(Slot* slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(slot);
}

// Adds a slot's counts to the caller's and empties it (mutex held, or no chunk running).
void HistogramJob::add_slot(Slot& slot) {
  const size_t bins = counts_.bins;
  uint32_t* c = slot.counts.data();
  if (counts_.type == HistogramCounts::Type::U32) {
    uint32_t* out = static_cast<uint32_t*>(counts_.data);
    for (size_t b = 0; b < bins; b++) out[b] = add_ones(out[b], c[b]);
  } else {
    double* out = static_cast<double*>(counts_.data);
    for (size_t b = 0; b < bins; b++) {
      if (c[b] != 0) out[b] = add_ones(out[b], c[b]);
    }
  }
  std::fill(c, c + bins, 0u);
  slot.elements = 0;
}

void HistogramJob::run_chunk(size_t index) {
  const size_t start = index * kChunkElements;
  const size_t n = std::min(kChunkElements, x_.length - start);
  if (direct_) {
    count(start, n, static_cast<uint32_t*>(counts_.data));
    return;
  }
  Slot* slot = acquire(n);
  count(start, n, slot->counts.data());
  release(slot);
}

void HistogramJob::finish() {
  for (auto& slot : slots_) add_slot(*slot);
}

// ---- packing -------------------------------------------------------------------------------------------------------

void PackJob::run_chunk(size_t index) {
  const size_t start = index * kChunkElements;
  const size_t n = std::min(kChunkElements, count_ - start);
  const size_t byte_start = start / static_cast<size_t>(8 / bits_);  // exact: chunks start on a byte
  if (unpack_) table_->unpack(in_ + byte_start, n, bits_, signed_, out_ + start);
  else table_->pack(in_ + start, n, bits_, out_ + byte_start);
}

}  // namespace quantkit
