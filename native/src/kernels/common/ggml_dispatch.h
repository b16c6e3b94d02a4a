// The format switch of the GGML slots (KernelTable::ggml_quantize / ggml_dequantize), written once: a kernel set names
// its row function of each format in a GgmlQuantizeRows / GgmlDequantizeRows (designated initialisers: a misnamed
// format does not compile, and the dispatchers static_assert that none is left out) and instantiates
// ggml_quantize_dispatch / ggml_dequantize_dispatch on it. kPortableGgml* are the portable loops of
// common/ggml_legacy.h and common/ggml_k.h (the scalar set, and the formats a vector set leaves to them).
// Internal linkage only (see element.h).
#pragma once

#include "ggml_k.h"
#include "ggml_legacy.h"

namespace quantkit {
namespace {

using GgmlQuantizeRow = void (*)(const float* x, size_t nb, uint8_t* out);      // nb blocks of the format
using GgmlDequantizeRow = void (*)(const uint8_t* blocks, size_t nb, float* out);

template <typename Row> struct GgmlRows {
  Row q4_0, q4_1, q5_0, q5_1, q8_0, q8_1, q2_k, q3_k, q4_k, q5_k, q6_k;
};
using GgmlQuantizeRows = GgmlRows<GgmlQuantizeRow>;
using GgmlDequantizeRows = GgmlRows<GgmlDequantizeRow>;

template <typename Row> constexpr Row ggml_row_of(const GgmlRows<Row>& rows, GgmlFormat f) {
  switch (f) {
    case GgmlFormat::Q4_0: return rows.q4_0;
    case GgmlFormat::Q4_1: return rows.q4_1;
    case GgmlFormat::Q5_0: return rows.q5_0;
    case GgmlFormat::Q5_1: return rows.q5_1;
    case GgmlFormat::Q8_0: return rows.q8_0;
    case GgmlFormat::Q8_1: return rows.q8_1;
    case GgmlFormat::Q2_K: return rows.q2_k;
    case GgmlFormat::Q3_K: return rows.q3_k;
    case GgmlFormat::Q4_K: return rows.q4_k;
    case GgmlFormat::Q5_K: return rows.q5_k;
    case GgmlFormat::Q6_K: return rows.q6_k;
  }
  return nullptr;
}

template <typename Row> constexpr bool ggml_rows_complete(const GgmlRows<Row>& r) {
  return r.q4_0 && r.q4_1 && r.q5_0 && r.q5_1 && r.q8_0 && r.q8_1 && r.q2_k && r.q3_k && r.q4_k && r.q5_k && r.q6_k;
}

// The slots' signatures: n elements, a multiple of ggml_block_size(f) (the caller validates it, and that x is finite).
template <const GgmlQuantizeRows& Rows> void ggml_quantize_dispatch(GgmlFormat f, const float* x, size_t n, uint8_t* out) {
  static_assert(ggml_rows_complete(Rows), "a format without its quantize row function");
  ggml_row_of(Rows, f)(x, n / ggml_block_size(f), out);
}
template <const GgmlDequantizeRows& Rows> void ggml_dequantize_dispatch(GgmlFormat f, const uint8_t* blocks, size_t n, float* out) {
  static_assert(ggml_rows_complete(Rows), "a format without its dequantize row function");
  ggml_row_of(Rows, f)(blocks, n / ggml_block_size(f), out);
}

constexpr GgmlQuantizeRows kPortableGgmlQuantize = {
    .q4_0 = quantize_blocks_loop<quantize_block_q4_0, kQ4_0.bytes>,
    .q4_1 = quantize_blocks_loop<quantize_block_q4_1, kQ4_1.bytes>,
    .q5_0 = quantize_blocks_loop<quantize_block_q5_0, kQ5_0.bytes>,
    .q5_1 = quantize_blocks_loop<quantize_block_q5_1, kQ5_1.bytes>,
    .q8_0 = quantize_blocks_loop<quantize_block_q8_0, kQ8_0.bytes>,
    .q8_1 = quantize_blocks_loop<quantize_block_q8_1, kQ8_1.bytes>,
    .q2_k = quantize_superblocks_loop<quantize_superblock_q2_k, q2k::kBytes>,
    .q3_k = quantize_superblocks_loop<quantize_superblock_q3_k, q3k::kBytes>,
    .q4_k = quantize_superblocks_loop<quantize_superblock_q4_k, q4k::kBytes>,
    .q5_k = quantize_superblocks_loop<quantize_superblock_q5_k, q5k::kBytes>,
    .q6_k = quantize_superblocks_loop<quantize_superblock_q6_k, q6k::kBytes>,
};

constexpr GgmlDequantizeRows kPortableGgmlDequantize = {
    .q4_0 = dequantize_blocks_loop<dequantize_block_q4_q5<false, false>, kQ4_0.bytes>,
    .q4_1 = dequantize_blocks_loop<dequantize_block_q4_q5<true, false>, kQ4_1.bytes>,
    .q5_0 = dequantize_blocks_loop<dequantize_block_q4_q5<false, true>, kQ5_0.bytes>,
    .q5_1 = dequantize_blocks_loop<dequantize_block_q4_q5<true, true>, kQ5_1.bytes>,
    .q8_0 = dequantize_blocks_loop<dequantize_block_q8<kQ8_0>, kQ8_0.bytes>,
    .q8_1 = dequantize_blocks_loop<dequantize_block_q8<kQ8_1>, kQ8_1.bytes>,
    .q2_k = dequantize_superblocks_loop<dequantize_superblock_q2_k, q2k::kBytes>,
    .q3_k = dequantize_superblocks_loop<dequantize_superblock_q3_k, q3k::kBytes>,
    .q4_k = dequantize_superblocks_loop<dequantize_superblock_q4_k, q4k::kBytes>,
    .q5_k = dequantize_superblocks_loop<dequantize_superblock_q5_k, q5k::kBytes>,
    .q6_k = dequantize_superblocks_loop<dequantize_superblock_q6_k, q6k::kBytes>,
};

}  // namespace
}  // namespace quantkit
