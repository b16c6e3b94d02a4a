// AVX2 GGML block kernels behind table-ready signatures (the scalar set's, kernels/scalar/ggml.h): bit-exact with the
// scalar set, which is bit-exact with upstream ggml. Only for the translation unit compiled with -mavx2 -mf16c
// (ggml_vec.h checks); dispatch must have checked AVX2 and F16C. No allocation; the K-quant quantizers use up to about
// 15 KiB of stack (their lanes of several super-blocks).
#pragma once

#include "ggml_k.h"
#include "ggml_legacy.h"

namespace quantkit::avx2 {
namespace {

void ggml_quantize_row(GgmlFormat f, const float* x, size_t n, uint8_t* out) {
  const size_t nb = n / ggml_block_size(f);
  switch (f) {
    case GgmlFormat::Q4_0: quantize_legacy<quantize_batch_symmetric<8>, quantize_block_q4_0, kQ4_0.bytes>(x, nb, out); return;
    case GgmlFormat::Q4_1: quantize_legacy<quantize_batch_affine<15>, quantize_block_q4_1, kQ4_1.bytes>(x, nb, out); return;
    case GgmlFormat::Q5_0: quantize_legacy<quantize_batch_symmetric<16>, quantize_block_q5_0, kQ5_0.bytes>(x, nb, out); return;
    case GgmlFormat::Q5_1: quantize_legacy<quantize_batch_affine<31>, quantize_block_q5_1, kQ5_1.bytes>(x, nb, out); return;
    case GgmlFormat::Q8_0: quantize_legacy<quantize_batch_q8<kQ8_0>, quantize_block_q8_0, kQ8_0.bytes>(x, nb, out); return;
    case GgmlFormat::Q8_1: quantize_legacy<quantize_batch_q8<kQ8_1>, quantize_block_q8_1, kQ8_1.bytes>(x, nb, out); return;
    case GgmlFormat::Q2_K: quantize_k_row<quantize_superblocks_q2_k_avx2<2>, quantize_superblocks_q2_k_avx2<1>, 2, q2k::kBytes>(x, nb, out); return;
    case GgmlFormat::Q3_K: quantize_k_row<quantize_superblocks_q3_k_avx2<2>, quantize_superblocks_q3_k_avx2<1>, 2, q3k::kBytes>(x, nb, out); return;
    case GgmlFormat::Q4_K: quantize_k_row<quantize_superblocks_q4_k_avx2<4>, quantize_superblocks_q4_k_avx2<1>, 4, q4k::kBytes>(x, nb, out); return;
    case GgmlFormat::Q5_K: quantize_k_row<quantize_superblocks_q5_k_avx2<4>, quantize_superblocks_q5_k_avx2<1>, 4, q5k::kBytes>(x, nb, out); return;
    case GgmlFormat::Q6_K: quantize_k_row<quantize_superblocks_q6_k_avx2<2>, quantize_superblocks_q6_k_avx2<1>, 2, q6k::kBytes>(x, nb, out); return;
  }
}

void ggml_dequantize_row(GgmlFormat f, const uint8_t* blocks, size_t n, float* out) {
  const size_t nb = n / ggml_block_size(f);
  switch (f) {
    case GgmlFormat::Q4_0: dequantize_blocks_loop<dequantize_block_q4_q5_avx2<false, false>, kQ4_0.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q4_1: dequantize_blocks_loop<dequantize_block_q4_q5_avx2<true, false>, kQ4_1.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q5_0: dequantize_blocks_loop<dequantize_block_q4_q5_avx2<false, true>, kQ5_0.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q5_1: dequantize_blocks_loop<dequantize_block_q4_q5_avx2<true, true>, kQ5_1.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q8_0: dequantize_blocks_loop<dequantize_block_q8_avx2<kQ8_0>, kQ8_0.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q8_1: dequantize_blocks_loop<dequantize_block_q8_avx2<kQ8_1>, kQ8_1.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q2_K: dequantize_superblocks_loop<dequantize_superblock_q2_k_avx2, q2k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q3_K: dequantize_superblocks_loop<dequantize_superblock_q3_k_avx2, q3k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q4_K: dequantize_superblocks_loop<dequantize_superblock_q45_k_avx2<false>, q4k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q5_K: dequantize_superblocks_loop<dequantize_superblock_q45_k_avx2<true>, q5k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q6_K: dequantize_superblocks_loop<dequantize_superblock_q6_k_avx2, q6k::kBytes>(blocks, nb, out); return;
  }
}

}  // namespace
}  // namespace quantkit::avx2
