// The job of the embedding kernels: one kernel of the table over `rows` consecutive rows, cut into chunks of whole
// rows (about kChunkElements values each) that threads share. Every row's result depends on that row alone, so each
// chunk writes only its own rows' outputs and the results are the same whatever the thread count.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../kernels/kernels.h"
#include "jobs.h"

namespace quantkit {

enum class EmbeddingKernel : int32_t {
  QuantizeRows, PackBinary, Hamming, DotI8, DotU8, L2I8, L2U8, DotAsymmetric, L2Asymmetric, DotF32, L2F32,
};

// Everything one call reads. `a` is x (quantize, pack) or the query (scans); `rows` the scanned rows; `row_length` the
// values of one row of `a` / `rows` (dim, or bytesPerRow for Hamming).
struct EmbeddingCall {
  EmbeddingKernel kernel;
  const void* a;
  const void* rows;
  const float* starts = nullptr;
  const float* steps = nullptr;
  size_t count;  // rows
  size_t row_length;
  EmbeddingCodes codes = EmbeddingCodes::U8;
  BitOrder order = BitOrder::Msb;
  BitThreshold threshold = BitThreshold::Positive;
  bool signed_codes = false;
  void* out;
};

class EmbeddingJob final : public Job {
 public:
  EmbeddingJob(const KernelTable* t, const EmbeddingCall& call);

  size_t chunk_count() const override { return chunks_; }
  void run_chunk(size_t index) override;

 private:
  const KernelTable* table_;
  EmbeddingCall call_;
  size_t rows_per_chunk_;
  size_t chunks_;
};

// topKKernel: one chunk (a heap selection is sequential), the kernel of the scores' type; count() is what it wrote.
class TopKJob final : public Job {
 public:
  enum class Type : int32_t { F64, I32, U32 };
  TopKJob(const KernelTable* t, Type type, const void* scores, size_t n, size_t k, bool descending, uint32_t* out)
      : table_(t), type_(type), scores_(scores), n_(n), k_(k), descending_(descending), out_(out) {}

  size_t chunk_count() const override { return 1; }
  unsigned plan_threads(unsigned) override { return 1; }
  void run_chunk(size_t index) override;
  size_t count() const { return count_; }

 private:
  const KernelTable* table_;
  Type type_;
  const void* scores_;
  size_t n_;
  size_t k_;
  bool descending_;
  uint32_t* out_;
  size_t count_ = 0;
};

}  // namespace quantkit
