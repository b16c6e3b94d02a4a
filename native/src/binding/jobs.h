// Kernel calls as chunked jobs: what the binding runs, synchronously or on a worker thread. Plain C++, no Node.
//
// Every job splits its elements into fixed chunks of kChunkElements (never into "one piece per thread"), so the work
// done per chunk, and therefore every result, is the same whatever the thread count:
//   - quantize, dequantize, pack and unpack are element-wise: each chunk writes its own slice of the output;
//   - min/max and abs-max keep one partial result per chunk and fold them in chunk order (exact: min, max and max|x|
//     do not round);
//   - fake-quantize keeps one ErrorSums per chunk (each chunk's kernel call sums its pairs in 8 lanes, combined in a
//     fixed order) and adds them up in chunk order: the summation order of docs/SPEC.md §6, which the TypeScript
//     reference follows too, so every sum is bit-identical to it whatever the thread count.
// Per-axis and blocked jobs run the granularity drivers (../layout/granularity.h) on ranges of their layout:
// quantize / dequantize on whole rows per chunk (a row is `inner` elements; about kChunkElements elements per chunk,
// so a tensor with fewer rows than threads uses fewer threads, and one very long row is one chunk); per-group min/max
// on whole min/max units per chunk (channels, or (outer, block) pairs), so each output slot is written by one chunk
// and folded in the same element order as the reference; blocked quantize with parameters from the data on whole
// blocks per chunk (QuantizeBlocksJob).
//
// Histograms count chunk by chunk into private per-thread arrays, added up at the end (integers: any order is exact).
//
// Inputs are validated by the binding before a job is built (lengths, layout products, group counts); jobs trust them.
// Scalar results (fake-quantize sums, min/max, abs-max) stay in the job; the binding reads them once it has run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "../kernels/kernels.h"
#include "../layout/layout.h"
#include "thread_pool.h"

namespace quantkit {

// Elements per chunk: large enough that a chunk amortises handing it to a thread (~tens of microseconds of work),
// small enough that cancellation is prompt. A multiple of 4 so packed 2- and 4-bit chunks start on a byte.
constexpr size_t kChunkElements = size_t{1} << 16;

// Element types of float data: float32, float64, or half-precision bit patterns (uint16_t; quantize, dequantize,
// min/max and histogram jobs take these, from the binding's *Half entries; fake-quantize and blocked-from-data ones do
// not).
enum class FloatType : int32_t { F32 = 0, F64 = 1, F16 = 2, BF16 = 3 };

inline bool is_half(FloatType t) { return t == FloatType::F16 || t == FloatType::BF16; }
inline HalfType half_type(FloatType t) { return t == FloatType::BF16 ? HalfType::BF16 : HalfType::F16; }

struct FloatInput {
  FloatType type;
  const void* data;
  size_t length;
};

struct FloatOutput {
  FloatType type;
  void* data;
  size_t length;
};

struct IntBuffer {
  IntType type;
  void* data;
  size_t length;
};

// A chunked job; finish() runs once, on the thread that ran the job, after every chunk.
class Job : public ChunkedWork {
 public:
  // Called once before any chunk with the most threads the call may use; returns how many the job will use (<= that).
  virtual unsigned plan_threads(unsigned threads) { return threads; }
  virtual void finish() {}
};

// Runs a job: inline when it has fewer than two chunks or plans one thread, otherwise on the pool. Calls finish() only
// if every chunk ran, and returns whether they did (false: cancelled through *cancel).
bool execute(Job& job, ThreadPool& pool, unsigned threads, const int32_t* cancel);

size_t chunks_for(size_t elements);

// How an element-wise job over `length` elements is cut: element ranges per tensor, whole rows per axis / blocked.
struct ChunkPlan {
  size_t chunks = 0;
  size_t per_chunk = 0;  // elements (Tensor) or rows (Axis, Block) per chunk
  ChunkPlan(const Layout& layout, size_t length);
};

// Quantize x into out: with one scale and zero point (a Tensor layout), or per group (an Axis or Block layout).
class QuantizeJob final : public Job {
 public:
  QuantizeJob(const KernelTable* table, FloatInput x, IntBuffer out, QuantSpec spec, const QuantParams& params)
      : table_(table), x_(x), out_(out), spec_(spec), params_(params), plan_(params.layout, x.length) {}
  size_t chunk_count() const override { return plan_.chunks; }
  void run_chunk(size_t index) override;

 private:
  const KernelTable* table_;
  FloatInput x_;
  IntBuffer out_;
  QuantSpec spec_;
  QuantParams params_;
  ChunkPlan plan_;
};

// Blocked quantize with parameters from the data (quantizeBlockedMinMax): every block's min/max (NaN ignored), its
// scale and zero point (params_from_range, the reference's float64 arithmetic) into scales / zero_points, then its
// codes. Cut into chunks of whole blocks, each the only writer of its groups:
//   Runs   inner == 1 with every block whole but possibly the tensor's last (dim % block_size == 0, or one row): the
//          tensor is one run of blocks, chunks of ~kChunkElements elements through the table's quantize_blocks kernel;
//   Rows   inner == 1 with a partial block ending every row: chunks of whole rows, quantize_blocks per row;
//   Units  inner > 1: chunks of (outer, block) units; a unit's rows fold into per-column min/max (min_max_rows), the
//          parameters of its `inner` groups follow, then quantize_groups writes its rows.
// A group whose range has no parameters (±Inf in the data, a float64 scale that overflows) stops its chunk; after a
// complete run bad_group() is the lowest such group (the one the reference reports), or kNoBadGroup.
class QuantizeBlocksJob final : public Job {
 public:
  static constexpr size_t kNoBadGroup = SIZE_MAX;
  // scales: float* for a float32 x, double* for a float64 x (the tensor's precision); layout.groups() of them.
  QuantizeBlocksJob(const KernelTable* table, FloatInput x, IntBuffer out, QuantSpec spec, ParamScheme scheme, const Layout& layout,
                    void* scales, int32_t* zero_points);
  size_t chunk_count() const override { return chunks_; }
  void run_chunk(size_t index) override;
  void finish() override;
  size_t bad_group() const { return bad_group_; }

 private:
  enum class Mode { Runs, Rows, Units };
  template <typename F> size_t run_runs(size_t first, size_t last);
  template <typename F> size_t run_rows(size_t first, size_t last);
  template <typename F> size_t run_units(size_t first, size_t last);
  const KernelTable* table_;
  FloatInput x_;
  IntBuffer out_;
  QuantSpec spec_;
  ParamScheme scheme_;
  Layout layout_;
  void* scales_;
  int32_t* zero_points_;
  Mode mode_;
  size_t items_ = 0;      // blocks (Runs), rows (Rows) or units (Units)
  size_t per_chunk_ = 1;  // items per chunk
  size_t chunks_ = 0;
  std::vector<size_t> bad_;  // per chunk: its first group without parameters, or kNoBadGroup
  size_t bad_group_ = kNoBadGroup;
};

// Dequantize q into out: with one scale and zero point (a Tensor layout), or per group (an Axis or Block layout).
class DequantizeJob final : public Job {
 public:
  DequantizeJob(const KernelTable* table, IntBuffer q, FloatOutput out, const QuantParams& params)
      : table_(table), q_(q), out_(out), params_(params), plan_(params.layout, q.length) {}
  size_t chunk_count() const override { return plan_.chunks; }
  void run_chunk(size_t index) override;

 private:
  const KernelTable* table_;
  IntBuffer q_;
  FloatOutput out_;
  QuantParams params_;
  ChunkPlan plan_;
};

// Per-tensor quantize -> dequantize of x into out (same element type), with the error sums of every element, or
// (with_sums false: fakeQuantizeTensorValues) the values only, the kernels called with sums == nullptr.
class FakeQuantizeJob final : public Job {
 public:
  FakeQuantizeJob(const KernelTable* table, FloatInput x, FloatOutput out, QuantSpec spec, double scale, int32_t zero_point, bool with_sums = true);
  size_t chunk_count() const override { return chunks_; }
  void run_chunk(size_t index) override;
  void finish() override;
  // After a complete run.
  const ErrorSums& sums() const { return total_; }

 private:
  const KernelTable* table_;
  FloatInput x_;
  FloatOutput out_;
  QuantSpec spec_;
  double scale_;
  int32_t zero_point_;
  bool with_sums_;
  size_t chunks_;
  ErrorSums first_;                // chunk 0 (the only one for small inputs: no allocation)
  std::vector<ErrorSums> others_;  // chunks 1..
  ErrorSums total_;
};

// min and max, or abs-max, of a whole tensor (NaN ignored; min = +inf, max = -inf, abs-max = 0 without elements).
class ReduceJob final : public Job {
 public:
  enum class Kind { MinMax, AbsMax };
  ReduceJob(const KernelTable* table, FloatInput x, Kind kind);
  size_t chunk_count() const override { return chunks_; }
  void run_chunk(size_t index) override;
  void finish() override;
  // After a complete run: min() and max() for MinMax, abs_max() for AbsMax.
  double min() const { return total_.a; }
  double max() const { return total_.b; }
  double abs_max() const { return total_.a; }

 private:
  struct Partial {
    double a;  // min, or abs-max
    double b;  // max
  };
  Partial& partial(size_t index) { return index == 0 ? first_ : others_[index - 1]; }
  const KernelTable* table_;
  FloatInput x_;
  Kind kind_;
  size_t chunks_;
  Partial first_;
  std::vector<Partial> others_;
  Partial total_;
};

// Per-group min/max of an Axis or Block layout into out_min / out_max (layout.groups() slots each), by ranges of
// min/max units (min_max_layout in ../layout/granularity.h).
class GroupMinMaxJob final : public Job {
 public:
  GroupMinMaxJob(const KernelTable* table, FloatInput x, const Layout& layout, double* out_min, double* out_max);
  size_t chunk_count() const override { return chunks_; }
  void run_chunk(size_t index) override;

 private:
  const KernelTable* table_;
  FloatInput x_;
  Layout layout_;
  double* out_min_;
  double* out_max_;
  size_t units_;
  size_t units_per_chunk_;
  size_t chunks_;
};

// The caller's histogram counts: a Uint32Array or a Float64Array of `bins` >= 1 elements.
struct HistogramCounts {
  enum class Type { U32, F64 } type;
  void* data;
  size_t bins;
};

// Histogram of x (of |x| when abs) over [min, max], ADDED to the caller's counts as the TypeScript loop adds to them
// (histogram_counts.h: modulo 2^32 for a Uint32Array, one rounded + 1 per element for a Float64Array). Each thread
// running chunks takes a private uint32 array (a slot) for them, and finish() adds the slots to the counts; a slot
// about to pass 2^32 - 1 elements is added first, so no private count wraps. A single-threaded run on a Uint32Array
// counts straight into it. Threads are limited so that each has at least 8 elements per bin to count.
class HistogramJob final : public Job {
 public:
  HistogramJob(const KernelTable* table, FloatInput x, bool abs, double min, double max, HistogramCounts counts)
      : table_(table), x_(x), abs_(abs), min_(min), max_(max), counts_(counts), chunks_(chunks_for(x.length)) {}
  size_t chunk_count() const override { return chunks_; }
  unsigned plan_threads(unsigned threads) override;
  void run_chunk(size_t index) override;
  void finish() override;

 private:
  struct Slot {
    std::vector<uint32_t> counts;
    uint64_t elements = 0;  // counted since the last add_slot
  };
  Slot* acquire(size_t elements);
  void release(Slot* slot);
  void add_slot(Slot& slot);
  void count(size_t start, size_t n, uint32_t* counts) const;

  const KernelTable* table_;
  FloatInput x_;
  bool abs_;
  double min_;
  double max_;
  HistogramCounts counts_;
  size_t chunks_;
  bool direct_ = false;  // count into counts_ itself (Uint32Array, one thread)
  std::mutex mutex_;     // guards slots_, free_ and, while chunks run, counts_
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> free_;
};

// Sub-byte packing (pack: codes -> bytes) or unpacking (bytes -> codes) of `count` elements.
class PackJob final : public Job {
 public:
  PackJob(const KernelTable* table, bool unpack, const uint8_t* in, size_t count, int bits, bool is_signed, uint8_t* out)
      : table_(table), unpack_(unpack), in_(in), count_(count), bits_(bits), signed_(is_signed), out_(out) {}
  size_t chunk_count() const override { return chunks_for(count_); }
  void run_chunk(size_t index) override;

 private:
  const KernelTable* table_;
  bool unpack_;
  const uint8_t* in_;
  size_t count_;
  int bits_;
  bool signed_;
  uint8_t* out_;
};

}  // namespace quantkit
