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

}  // namespace quantkit
