#include "embedding_job.h"

#include <algorithm>

namespace quantkit {

EmbeddingJob::EmbeddingJob(const KernelTable* t, const EmbeddingCall& call) : table_(t), call_(call) {
  rows_per_chunk_ = std::max<size_t>(1, kChunkElements / std::max<size_t>(1, call.row_length));
  chunks_ = (call.count + rows_per_chunk_ - 1) / rows_per_chunk_;
}

void EmbeddingJob::run_chunk(size_t index) {
  const EmbeddingCall& c = call_;
  const KernelTable& t = *table_;
  const size_t first = index * rows_per_chunk_;
  const size_t n = std::min(rows_per_chunk_, c.count - first);
  const size_t at = first * c.row_length;  // the chunk's first value of x / rows
  const auto bytes = [&](const void* p) { return static_cast<const uint8_t*>(p); };
  const auto floats = [&](const void* p) { return static_cast<const float*>(p); };
  switch (c.kernel) {
    case EmbeddingKernel::QuantizeRows:
      return t.quantize_embedding_rows_f32(floats(c.a) + at, n, c.row_length, c.starts, c.steps, c.codes, static_cast<uint8_t*>(c.out) + at);
    case EmbeddingKernel::PackBinary: {
      const size_t row_bytes = (c.row_length + 7) / 8;
      return t.pack_binary_rows_f32(floats(c.a) + at, n, c.row_length, c.order, c.threshold, c.signed_codes, static_cast<uint8_t*>(c.out) + first * row_bytes);
    }
    case EmbeddingKernel::Hamming:
      return t.hamming_scan(bytes(c.a), bytes(c.rows) + at, n, c.row_length, static_cast<uint32_t*>(c.out) + first);
    case EmbeddingKernel::DotI8:
      return t.dot_scan_i8(static_cast<const int8_t*>(c.a), static_cast<const int8_t*>(c.rows) + at, n, c.row_length, static_cast<int32_t*>(c.out) + first);
    case EmbeddingKernel::DotU8:
      return t.dot_scan_u8(bytes(c.a), bytes(c.rows) + at, n, c.row_length, static_cast<uint32_t*>(c.out) + first);
    case EmbeddingKernel::L2I8:
      return t.l2_scan_i8(static_cast<const int8_t*>(c.a), static_cast<const int8_t*>(c.rows) + at, n, c.row_length, static_cast<uint32_t*>(c.out) + first);
    case EmbeddingKernel::L2U8:
      return t.l2_scan_u8(bytes(c.a), bytes(c.rows) + at, n, c.row_length, static_cast<uint32_t*>(c.out) + first);
    case EmbeddingKernel::DotAsymmetric:
      return t.dot_scan_asymmetric(floats(c.a), bytes(c.rows) + at, n, c.row_length, c.starts, c.steps, c.codes, static_cast<double*>(c.out) + first);
    case EmbeddingKernel::L2Asymmetric:
      return t.l2_scan_asymmetric(floats(c.a), bytes(c.rows) + at, n, c.row_length, c.starts, c.steps, c.codes, static_cast<double*>(c.out) + first);
    case EmbeddingKernel::DotF32:
      return t.dot_scan_f32(floats(c.a), floats(c.rows) + at, n, c.row_length, static_cast<double*>(c.out) + first);
    case EmbeddingKernel::L2F32:
      return t.l2_scan_f32(floats(c.a), floats(c.rows) + at, n, c.row_length, static_cast<double*>(c.out) + first);
  }
}

void TopKJob::run_chunk(size_t) {
  switch (type_) {
    case Type::F64:
      count_ = table_->top_k_f64(static_cast<const double*>(scores_), n_, k_, descending_, out_);
      return;
    case Type::I32:
      count_ = table_->top_k_i32(static_cast<const int32_t*>(scores_), n_, k_, descending_, out_);
      return;
    case Type::U32:
      count_ = table_->top_k_u32(static_cast<const uint32_t*>(scores_), n_, k_, descending_, out_);
      return;
  }
}

}  // namespace quantkit
