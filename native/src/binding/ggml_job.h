// The job of the ggml* kernels: GGML block quantize / dequantize of whole blocks, in chunks of blocks that threads
// share (each chunk writes only its own blocks). Quantize checks each run of a chunk for NaN / ±Infinity just before
// quantizing it (GGML formats take finite values only): at the first run holding one the chunk stops and records that
// element; the lowest recorded index is the call's badIndex (the outputs are then unspecified, as the kernel table
// says).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../kernels/kernels.h"
#include "jobs.h"

namespace quantkit {

class GgmlJob final : public Job {
 public:
  static constexpr size_t kNoBadIndex = SIZE_MAX;

  // Quantize x[0, n) into out.
  static GgmlJob quantize(const KernelTable* t, GgmlFormat f, const float* x, size_t n, uint8_t* out) { return GgmlJob(t, f, false, x, n, out, nullptr); }
  // Quantize the float32 widening of the half bit patterns x[0, n) of type h into out: each run of a chunk is widened
  // into a stack buffer just before its check and quantize, so the blocks and badIndex are those of the widened x.
  static GgmlJob quantize_half(const KernelTable* t, GgmlFormat f, const uint16_t* x, HalfType h, size_t n, uint8_t* out) {
    GgmlJob job(t, f, false, nullptr, n, out, nullptr);
    job.half_ = x;
    job.half_type_ = h;
    return job;
  }
  // Dequantize n elements' blocks into out.
  static GgmlJob dequantize(const KernelTable* t, GgmlFormat f, const uint8_t* blocks, size_t n, float* out) { return GgmlJob(t, f, true, out, n, const_cast<uint8_t*>(blocks), nullptr); }

  size_t chunk_count() const override { return chunks_; }
  void run_chunk(size_t index) override;
  void finish() override;
  // The first NaN / ±Infinity of x (quantize), or kNoBadIndex.
  size_t bad_index() const { return bad_index_; }

 private:
  GgmlJob(const KernelTable* t, GgmlFormat f, bool dequantize, const float* floats, size_t n, uint8_t* bytes, void*);
  // run_chunk of a half input: quantizes its x[first, first + n), or records its first NaN / ±Infinity and stops.
  void quantize_half_chunk(size_t index, size_t first, size_t n);
  // Quantizes the run x[0, m) (elements start .. start + m of x) when non_finite (its non_finite_bits) is 0; otherwise
  // records its first NaN / ±Infinity for chunk `index` and returns false, writing nothing.
  bool quantize_run(size_t index, size_t start, const float* x, size_t m, uint32_t non_finite);

  const KernelTable* table_;
  GgmlFormat format_;
  bool dequantize_;
  const float* floats_;  // x (quantize) or out (dequantize, written through a cast); nullptr for a half x
  const uint16_t* half_ = nullptr;  // x of quantize_half
  HalfType half_type_ = HalfType::F16;
  size_t n_;
  uint8_t* bytes_;  // out (quantize) or the blocks (dequantize, only read)
  size_t blocks_per_chunk_;
  size_t chunks_;
  std::vector<size_t> bad_;
  size_t bad_index_ = kNoBadIndex;
};

}  // namespace quantkit
