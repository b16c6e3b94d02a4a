// AVX2 GGML block kernels behind table-ready signatures (common/ggml_dispatch.h, as the scalar set): bit-exact with the
// scalar set, which is bit-exact with upstream ggml. Only for the translation unit compiled with -mavx2 -mf16c
// (ggml_vec.h checks); dispatch must have checked AVX2 and F16C. No allocation; the K-quant quantizers use up to about
// 15 KiB of stack (their lanes of several super-blocks).
#pragma once

#include "../common/ggml_dispatch.h"
#include "ggml_k.h"
#include "ggml_legacy.h"

namespace quantkit::avx2 {
namespace {

constexpr GgmlQuantizeRows kAvx2GgmlQuantize = {
    .q4_0 = quantize_legacy<quantize_batch_symmetric<8>, quantize_block_q4_0, kQ4_0.bytes>,
    .q4_1 = quantize_legacy<quantize_batch_affine<15>, quantize_block_q4_1, kQ4_1.bytes>,
    .q5_0 = quantize_legacy<quantize_batch_symmetric<16>, quantize_block_q5_0, kQ5_0.bytes>,
    .q5_1 = quantize_legacy<quantize_batch_affine<31>, quantize_block_q5_1, kQ5_1.bytes>,
    .q8_0 = quantize_legacy<quantize_batch_q8<kQ8_0>, quantize_block_q8_0, kQ8_0.bytes>,
    .q8_1 = quantize_legacy<quantize_batch_q8<kQ8_1>, quantize_block_q8_1, kQ8_1.bytes>,
    .q2_k = quantize_k_row<quantize_superblocks_q2_k_avx2<2>, quantize_superblocks_q2_k_avx2<1>, 2, q2k::kBytes>,
    .q3_k = quantize_k_row<quantize_superblocks_q3_k_avx2<2>, quantize_superblocks_q3_k_avx2<1>, 2, q3k::kBytes>,
    .q4_k = quantize_k_row<quantize_superblocks_q4_k_avx2<4>, quantize_superblocks_q4_k_avx2<1>, 4, q4k::kBytes>,
    .q5_k = quantize_k_row<quantize_superblocks_q5_k_avx2<4>, quantize_superblocks_q5_k_avx2<1>, 4, q5k::kBytes>,
    .q6_k = quantize_k_row<quantize_superblocks_q6_k_avx2<2>, quantize_superblocks_q6_k_avx2<1>, 2, q6k::kBytes>,
};

constexpr GgmlDequantizeRows kAvx2GgmlDequantize = {
    .q4_0 = dequantize_blocks_loop<dequantize_block_q4_q5_avx2<false, false>, kQ4_0.bytes>,
    .q4_1 = dequantize_blocks_loop<dequantize_block_q4_q5_avx2<true, false>, kQ4_1.bytes>,
    .q5_0 = dequantize_blocks_loop<dequantize_block_q4_q5_avx2<false, true>, kQ5_0.bytes>,
    .q5_1 = dequantize_blocks_loop<dequantize_block_q4_q5_avx2<true, true>, kQ5_1.bytes>,
    .q8_0 = dequantize_blocks_loop<dequantize_block_q8_avx2<kQ8_0>, kQ8_0.bytes>,
    .q8_1 = dequantize_blocks_loop<dequantize_block_q8_avx2<kQ8_1>, kQ8_1.bytes>,
    .q2_k = dequantize_superblocks_loop<dequantize_superblock_q2_k_avx2, q2k::kBytes>,
    .q3_k = dequantize_superblocks_loop<dequantize_superblock_q3_k_avx2, q3k::kBytes>,
    .q4_k = dequantize_superblocks_loop<dequantize_superblock_q45_k_avx2<false>, q4k::kBytes>,
    .q5_k = dequantize_superblocks_loop<dequantize_superblock_q45_k_avx2<true>, q5k::kBytes>,
    .q6_k = dequantize_superblocks_loop<dequantize_superblock_q6_k_avx2, q6k::kBytes>,
};

constexpr auto ggml_quantize_row = ggml_quantize_dispatch<kAvx2GgmlQuantize>;
constexpr auto ggml_dequantize_row = ggml_dequantize_dispatch<kAvx2GgmlDequantize>;

}  // namespace
}  // namespace quantkit::avx2
