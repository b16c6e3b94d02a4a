#include "jobs.h"

#include <algorithm>
#include <limits>

#include "../kernels/common/params.h"
#include "../layout/granularity.h"
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

ChunkPlan::ChunkPlan(const Layout& layout, size_t length) {
  if (length == 0) return;
  if (layout.kind == Layout::Kind::Tensor) {
    per_chunk = kChunkElements;
    chunks = chunks_for(length);
    return;
  }
  const size_t rows = length / layout.inner;  // inner >= 1 when length > 0
  per_chunk = std::max<size_t>(1, kChunkElements / layout.inner);
  chunks = (rows + per_chunk - 1) / per_chunk;
}

void QuantizeJob::run_chunk(size_t index) {
  const size_t first = index * plan_.per_chunk;
  const bool f32 = x_.type == FloatType::F32;
  const QuantParams& p = params_;
  if (p.layout.kind == Layout::Kind::Tensor) {
    const size_t n = std::min(plan_.per_chunk, x_.length - first);
    void* out = int_at(out_, first);
    if (is_half(x_.type)) table_->quantize_half(static_cast<const uint16_t*>(x_.data) + first, half_type(x_.type), n, static_cast<float>(p.scale), p.zero_point, spec_, out_.type, out);
    else if (f32) table_->quantize_f32(static_cast<const float*>(x_.data) + first, n, static_cast<float>(p.scale), p.zero_point, spec_, out_.type, out);
    else table_->quantize_f64(static_cast<const double*>(x_.data) + first, n, p.scale, p.zero_point, spec_, out_.type, out);
    return;
  }
  const RowRange rows{first, first + plan_.per_chunk};
  if (is_half(x_.type)) quantize_layout(*table_, static_cast<const uint16_t*>(x_.data), half_type(x_.type), p.groups, p.layout, spec_, out_.type, out_.data, rows);
  else if (f32) quantize_layout(*table_, static_cast<const float*>(x_.data), p.groups, p.layout, spec_, out_.type, out_.data, rows);
  else quantize_layout(*table_, static_cast<const double*>(x_.data), p.groups, p.layout, spec_, out_.type, out_.data, rows);
}

// ---- blocked quantize with parameters from the data ------------------------------------------------------------

QuantizeBlocksJob::QuantizeBlocksJob(const KernelTable* table, FloatInput x, IntBuffer out, QuantSpec spec, ParamScheme scheme,
                                     const Layout& layout, void* scales, int32_t* zero_points)
    : table_(table), x_(x), out_(out), spec_(spec), scheme_(scheme), layout_(layout), scales_(scales), zero_points_(zero_points) {
  const Layout& l = layout_;
  if (x.length == 0) {
    mode_ = Mode::Runs;
    return;
  }
  const size_t bs = std::min(l.block_size, l.dim);  // elements of the longest block along dim
  if (l.inner == 1 && (l.dim % l.block_size == 0 || l.outer == 1)) {
    mode_ = Mode::Runs;
    items_ = l.groups();
    per_chunk_ = std::max<size_t>(1, kChunkElements / bs);
  } else if (l.inner == 1) {
    mode_ = Mode::Rows;
    items_ = l.outer;
    per_chunk_ = std::max<size_t>(1, kChunkElements / l.dim);
  } else {
    mode_ = Mode::Units;
    items_ = l.outer * l.blocks();
    per_chunk_ = std::max<size_t>(1, kChunkElements / (bs * l.inner));
  }
  chunks_ = (items_ + per_chunk_ - 1) / per_chunk_;
  bad_.assign(chunks_, kNoBadGroup);
}

namespace {
template <typename F> F* typed(void* p) { return static_cast<F*>(p); }
template <typename F> size_t call_blocks(const KernelTable& t, const F* x, size_t n, size_t block, ParamScheme scheme, QuantSpec spec,
                                         IntType type, F* scales, int32_t* zps, void* out) {
  if constexpr (sizeof(F) == 4) return t.quantize_blocks_f32(x, n, block, scheme, spec, type, scales, zps, out);
  else return t.quantize_blocks_f64(x, n, block, scheme, spec, type, scales, zps, out);
}
}  // namespace

// Blocks [first, last) of a run; returns the first bad group or kNoBadGroup.
template <typename F> size_t QuantizeBlocksJob::run_runs(size_t first, size_t last) {
  const size_t bs = layout_.block_size;
  const size_t start = first * bs;
  const size_t end = std::min(last * bs, x_.length);
  const size_t done = call_blocks(*table_, static_cast<const F*>(x_.data) + start, end - start, bs, scheme_, spec_, out_.type,
                                  typed<F>(scales_) + first, zero_points_ + first, int_at(out_, start));
  return done < last - first ? first + done : kNoBadGroup;
}

// Rows [first, last), each a run of blocks ending in a partial one.
template <typename F> size_t QuantizeBlocksJob::run_rows(size_t first, size_t last) {
  const size_t dim = layout_.dim;
  const size_t nb = layout_.blocks();
  for (size_t r = first; r < last; r++) {
    const size_t done = call_blocks(*table_, static_cast<const F*>(x_.data) + r * dim, dim, layout_.block_size, scheme_, spec_, out_.type,
                                    typed<F>(scales_) + r * nb, zero_points_ + r * nb, int_at(out_, r * dim));
    if (done < nb) return r * nb + done;
  }
  return kNoBadGroup;
}

// (outer, block) units [first, last): unit u owns groups [u * inner, (u + 1) * inner).
template <typename F> size_t QuantizeBlocksJob::run_units(size_t first, size_t last) {
  const Layout& l = layout_;
  const size_t inner = l.inner;
  const size_t nb = l.blocks();
  std::vector<double> lo(inner), hi(inner);
  F* scales = typed<F>(scales_);
  for (size_t u = first; u < last; u++) {
    const size_t o = u / nb;
    const size_t d0 = (u % nb) * l.block_size;
    const size_t rows = std::min(l.block_size, l.dim - d0);
    const size_t base = (o * l.dim + d0) * inner;
    const F* x = static_cast<const F*>(x_.data) + base;
    std::fill(lo.begin(), lo.end(), kInf);
    std::fill(hi.begin(), hi.end(), -kInf);
    if constexpr (sizeof(F) == 4) table_->min_max_rows_f32(x, rows, inner, inner, lo.data(), hi.data());
    else table_->min_max_rows_f64(x, rows, inner, inner, lo.data(), hi.data());
    const size_t g0 = u * inner;
    for (size_t i = 0; i < inner; i++) {
      if (!params_from_range<F>(lo[i], hi[i], scheme_, spec_, scales + g0 + i, zero_points_ + g0 + i)) return g0 + i;
    }
    for (size_t r = 0; r < rows; r++) {
      if constexpr (sizeof(F) == 4) table_->quantize_groups_f32(x + r * inner, inner, scales + g0, zero_points_ + g0, spec_, out_.type, int_at(out_, base + r * inner));
      else table_->quantize_groups_f64(x + r * inner, inner, scales + g0, zero_points_ + g0, spec_, out_.type, int_at(out_, base + r * inner));
    }
  }
  return kNoBadGroup;
}

void QuantizeBlocksJob::run_chunk(size_t index) {
  const size_t first = index * per_chunk_;
  const size_t last = std::min(first + per_chunk_, items_);
  const bool f32 = x_.type == FloatType::F32;
  size_t bad;
  switch (mode_) {
    case Mode::Runs: bad = f32 ? run_runs<float>(first, last) : run_runs<double>(first, last); break;
    case Mode::Rows: bad = f32 ? run_rows<float>(first, last) : run_rows<double>(first, last); break;
    default: bad = f32 ? run_units<float>(first, last) : run_units<double>(first, last); break;
  }
  bad_[index] = bad;
}

void QuantizeBlocksJob::finish() {
  for (size_t b : bad_) {
    if (b != kNoBadGroup) {  // chunks own increasing groups: the first chunk with a bad group has the lowest
      bad_group_ = b;
      return;
    }
  }
}

void DequantizeJob::run_chunk(size_t index) {
  const size_t first = index * plan_.per_chunk;
  const bool f32 = out_.type == FloatType::F32;
  const QuantParams& p = params_;
  if (p.layout.kind == Layout::Kind::Tensor) {
    const size_t n = std::min(plan_.per_chunk, q_.length - first);
    const void* q = int_at(q_, first);
    if (is_half(out_.type)) table_->dequantize_half(q, q_.type, n, p.scale, p.zero_point, half_type(out_.type), static_cast<uint16_t*>(out_.data) + first);
    else if (f32) table_->dequantize_f32(q, q_.type, n, p.scale, p.zero_point, static_cast<float*>(out_.data) + first);
    else table_->dequantize_f64(q, q_.type, n, p.scale, p.zero_point, static_cast<double*>(out_.data) + first);
    return;
  }
  const RowRange rows{first, first + plan_.per_chunk};
  if (is_half(out_.type)) dequantize_layout(*table_, q_.data, q_.type, p.groups, p.layout, half_type(out_.type), static_cast<uint16_t*>(out_.data), rows);
  else if (f32) dequantize_layout(*table_, q_.data, q_.type, p.groups, p.layout, static_cast<float*>(out_.data), rows);
  else dequantize_layout(*table_, q_.data, q_.type, p.groups, p.layout, static_cast<double*>(out_.data), rows);
}

// ---- fake quantize -------------------------------------------------------------------------------------------------

FakeQuantizeJob::FakeQuantizeJob(const KernelTable* table, FloatInput x, FloatOutput out, QuantSpec spec, double scale, int32_t zero_point, bool with_sums)
    : table_(table), x_(x), out_(out), spec_(spec), scale_(scale), zero_point_(zero_point), with_sums_(with_sums), chunks_(chunks_for(x.length)) {
  if (chunks_ > 1 && with_sums_) others_.resize(chunks_ - 1);
}

void FakeQuantizeJob::run_chunk(size_t index) {
  const size_t start = index * kChunkElements;
  const size_t n = std::min(kChunkElements, x_.length - start);
  ErrorSums* sums = nullptr;  // values only
  if (with_sums_) {
    sums = index == 0 ? &first_ : &others_[index - 1];
    *sums = ErrorSums{};
  }
  if (x_.type == FloatType::F32) {
    table_->fake_quantize_f32(static_cast<const float*>(x_.data) + start, n, static_cast<float>(scale_), zero_point_, spec_, static_cast<float*>(out_.data) + start, sums);
  } else {
    table_->fake_quantize_f64(static_cast<const double*>(x_.data) + start, n, scale_, zero_point_, spec_, static_cast<double*>(out_.data) + start, sums);
  }
}

void FakeQuantizeJob::finish() {
  total_ = chunks_ > 0 && with_sums_ ? first_ : ErrorSums{};
  for (const ErrorSums& s : others_) merge_sums(total_, s);
}

// ---- whole-tensor reductions ---------------------------------------------------------------------------------------

ReduceJob::ReduceJob(const KernelTable* table, FloatInput x, Kind kind)
    : table_(table), x_(x), kind_(kind), chunks_(chunks_for(x.length)), first_{kind == Kind::MinMax ? kInf : 0, -kInf}, total_(first_) {
  if (chunks_ > 1) others_.resize(chunks_ - 1);
}

void ReduceJob::run_chunk(size_t index) {
  const size_t start = index * kChunkElements;
  const size_t n = std::min(kChunkElements, x_.length - start);
  Partial& p = partial(index);
  const bool f32 = x_.type == FloatType::F32;
  if (kind_ == Kind::MinMax) {
    p = {kInf, -kInf};
    if (is_half(x_.type)) table_->min_max_half(static_cast<const uint16_t*>(x_.data) + start, half_type(x_.type), n, &p.a, &p.b);
    else if (f32) table_->min_max_f32(static_cast<const float*>(x_.data) + start, n, &p.a, &p.b);
    else table_->min_max_f64(static_cast<const double*>(x_.data) + start, n, &p.a, &p.b);
  } else {
    p = {0, 0};
    if (is_half(x_.type)) table_->abs_max_half(static_cast<const uint16_t*>(x_.data) + start, half_type(x_.type), n, &p.a);
    else if (f32) table_->abs_max_f32(static_cast<const float*>(x_.data) + start, n, &p.a);
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
  total_ = acc;
}

// ---- per-group min/max ---------------------------------------------------------------------------------------------

GroupMinMaxJob::GroupMinMaxJob(const KernelTable* table, FloatInput x, const Layout& layout, double* out_min, double* out_max)
    : table_(table), x_(x), layout_(layout), out_min_(out_min), out_max_(out_max), units_(layout.min_max_units()) {
  units_per_chunk_ = std::max<size_t>(1, kChunkElements / std::max<size_t>(1, layout.min_max_unit_elements()));
  // Along the last axis (inner == 1) a channel has one element per row: chunks of channels would each read every row
  // (a strided, cache-line-wasting pass per chunk). One chunk streams the rows once (min_max_rows), on one thread.
  if (layout.kind == Layout::Kind::Axis && layout.inner == 1) units_per_chunk_ = std::max<size_t>(1, units_);
  chunks_ = (units_ + units_per_chunk_ - 1) / units_per_chunk_;
}

void GroupMinMaxJob::run_chunk(size_t index) {
  const size_t first = index * units_per_chunk_;
  const UnitRange units{first, first + units_per_chunk_};
  if (is_half(x_.type)) min_max_layout(*table_, static_cast<const uint16_t*>(x_.data), half_type(x_.type), layout_, out_min_, out_max_, units);
  else if (x_.type == FloatType::F32) min_max_layout(*table_, static_cast<const float*>(x_.data), layout_, out_min_, out_max_, units);
  else min_max_layout(*table_, static_cast<const double*>(x_.data), layout_, out_min_, out_max_, units);
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
  if (is_half(x_.type)) {
    const uint16_t* x = static_cast<const uint16_t*>(x_.data) + start;
    (abs_ ? table_->abs_histogram_half : table_->histogram_half)(x, half_type(x_.type), n, min_, max_, counts, bins);
  } else if (x_.type == FloatType::F32) {
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
