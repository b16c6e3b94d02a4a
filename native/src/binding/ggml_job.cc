#include "ggml_job.h"

#include <algorithm>

namespace quantkit {

GgmlJob::GgmlJob(const KernelTable* t, GgmlFormat f, bool dequantize, const float* floats, size_t n, uint8_t* bytes, void*)
    : table_(t), format_(f), dequantize_(dequantize), floats_(floats), n_(n), bytes_(bytes) {
  const size_t block = ggml_block_size(f);
  blocks_per_chunk_ = std::max<size_t>(1, kChunkElements / block);
  const size_t blocks = n / block;
  chunks_ = (blocks + blocks_per_chunk_ - 1) / blocks_per_chunk_;
  if (!dequantize) bad_.assign(chunks_, kNoBadIndex);
}

void GgmlJob::run_chunk(size_t index) {
  const size_t block = ggml_block_size(format_);
  const size_t first = index * blocks_per_chunk_ * block;
  const size_t n = std::min(blocks_per_chunk_ * block, n_ - first);
  const size_t at = ggml_row_bytes(format_, first);
  if (dequantize_) {
    table_->ggml_dequantize(format_, bytes_ + at, n, const_cast<float*>(floats_) + first);
    return;
  }
  const float* x = floats_ + first;
  // NaN or ±Infinity: x - x is NaN for both and 0 for every finite x. A loop without an early exit vectorises; the
  // element is looked for only when there is one.
  int non_finite = 0;
  for (size_t i = 0; i < n; i++) non_finite |= !(x[i] - x[i] == 0.0f);
  if (non_finite != 0) {
    size_t i = 0;
    while (x[i] - x[i] == 0.0f) i++;
    bad_[index] = first + i;
    return;
  }
  table_->ggml_quantize(format_, x, n, bytes_ + at);
}

void GgmlJob::finish() {
  for (size_t b : bad_) {
    if (b != kNoBadIndex) {  // chunks own increasing elements: the first chunk with a bad one has the lowest
      bad_index_ = b;
      return;
    }
  }
}

}  // namespace quantkit
