// Scalar GGML block kernels: the portable loops of common/ggml_legacy.h and common/ggml_k.h behind table-ready
// signatures. n is the number of elements, a multiple of ggml_block_size(f) (the caller validates it, and that x is
// finite); out holds ggml_row_bytes(f, n) bytes (quantize) or n floats (dequantize). No allocation.
#pragma once

#include "../common/ggml_k.h"
#include "../common/ggml_legacy.h"

namespace quantkit::scalar {
namespace {

void ggml_quantize_row(GgmlFormat f, const float* x, size_t n, uint8_t* out) {
  const size_t nb = n / ggml_block_size(f);
  switch (f) {
    case GgmlFormat::Q4_0: quantize_blocks_loop<quantize_block_q4_0, kQ4_0.bytes>(x, nb, out); return;
    case GgmlFormat::Q4_1: quantize_blocks_loop<quantize_block_q4_1, kQ4_1.bytes>(x, nb, out); return;
    case GgmlFormat::Q5_0: quantize_blocks_loop<quantize_block_q5_0, kQ5_0.bytes>(x, nb, out); return;
    case GgmlFormat::Q5_1: quantize_blocks_loop<quantize_block_q5_1, kQ5_1.bytes>(x, nb, out); return;
    case GgmlFormat::Q8_0: quantize_blocks_loop<quantize_block_q8_0, kQ8_0.bytes>(x, nb, out); return;
    case GgmlFormat::Q8_1: quantize_blocks_loop<quantize_block_q8_1, kQ8_1.bytes>(x, nb, out); return;
    case GgmlFormat::Q2_K: quantize_superblocks_loop<quantize_superblock_q2_k, q2k::kBytes>(x, nb, out); return;
    case GgmlFormat::Q3_K: quantize_superblocks_loop<quantize_superblock_q3_k, q3k::kBytes>(x, nb, out); return;
    case GgmlFormat::Q4_K: quantize_superblocks_loop<quantize_superblock_q4_k, q4k::kBytes>(x, nb, out); return;
    case GgmlFormat::Q5_K: quantize_superblocks_loop<quantize_superblock_q5_k, q5k::kBytes>(x, nb, out); return;
    case GgmlFormat::Q6_K: quantize_superblocks_loop<quantize_superblock_q6_k, q6k::kBytes>(x, nb, out); return;
  }
}

void ggml_dequantize_row(GgmlFormat f, const uint8_t* blocks, size_t n, float* out) {
  const size_t nb = n / ggml_block_size(f);
  switch (f) {
    case GgmlFormat::Q4_0: dequantize_blocks_loop<dequantize_block_q4_q5<false, false>, kQ4_0.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q4_1: dequantize_blocks_loop<dequantize_block_q4_q5<true, false>, kQ4_1.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q5_0: dequantize_blocks_loop<dequantize_block_q4_q5<false, true>, kQ5_0.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q5_1: dequantize_blocks_loop<dequantize_block_q4_q5<true, true>, kQ5_1.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q8_0: dequantize_blocks_loop<dequantize_block_q8<kQ8_0>, kQ8_0.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q8_1: dequantize_blocks_loop<dequantize_block_q8<kQ8_1>, kQ8_1.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q2_K: dequantize_superblocks_loop<dequantize_superblock_q2_k, q2k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q3_K: dequantize_superblocks_loop<dequantize_superblock_q3_k, q3k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q4_K: dequantize_superblocks_loop<dequantize_superblock_q4_k, q4k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q5_K: dequantize_superblocks_loop<dequantize_superblock_q5_k, q5k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q6_K: dequantize_superblocks_loop<dequantize_superblock_q6_k, q6k::kBytes>(blocks, nb, out); return;
  }
}

}  // namespace
}  // namespace quantkit::scalar
