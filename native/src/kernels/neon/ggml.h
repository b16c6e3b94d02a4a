// NEON GGML block kernels behind table-ready signatures (those of the scalar set, through common/ggml_dispatch.h):
// bit-exact with the scalar set, which is bit-exact with upstream ggml. Legacy formats in ggml_legacy.h; K-quant
// quantizers in ggml_k.h (their sub-block fits in ggml_k_search.h), dequantizers in ggml_k_dequantize.h. No
// allocation; the K-quant quantizers use up to about 7 KiB of stack (the lanes of their super-blocks).
#pragma once

#include "../common/ggml_dispatch.h"
#include "ggml_k.h"
#include "ggml_k_dequantize.h"
#include "ggml_legacy.h"

namespace quantkit::neon {
namespace {

constexpr GgmlQuantizeRows kNeonGgmlQuantize = {
    .q4_0 = quantize_blocks_loop<quantize_block_symmetric_neon<8>, kQ4_0.bytes>,
    .q4_1 = quantize_blocks_loop<quantize_block_affine_neon<15>, kQ4_1.bytes>,
    .q5_0 = quantize_blocks_loop<quantize_block_symmetric_neon<16>, kQ5_0.bytes>,
    .q5_1 = quantize_blocks_loop<quantize_block_affine_neon<31>, kQ5_1.bytes>,
    .q8_0 = quantize_blocks_loop<quantize_block_q8_neon<kQ8_0>, kQ8_0.bytes>,
    .q8_1 = quantize_blocks_loop<quantize_block_q8_neon<kQ8_1>, kQ8_1.bytes>,
    .q2_k = quantize_k_row<GgmlFormat::Q2_K, 1>,
    .q3_k = quantize_k_row<GgmlFormat::Q3_K, 1>,
    .q4_k = quantize_k_row<GgmlFormat::Q4_K, 2>,
    .q5_k = quantize_k_row<GgmlFormat::Q5_K, 2>,
    .q6_k = quantize_k_row<GgmlFormat::Q6_K, 1>,
};

constexpr GgmlDequantizeRows kNeonGgmlDequantize = {
    .q4_0 = dequantize_blocks_loop<dequantize_block_q4_q5_neon<false, false>, kQ4_0.bytes>,
    .q4_1 = dequantize_blocks_loop<dequantize_block_q4_q5_neon<true, false>, kQ4_1.bytes>,
    .q5_0 = dequantize_blocks_loop<dequantize_block_q4_q5_neon<false, true>, kQ5_0.bytes>,
    .q5_1 = dequantize_blocks_loop<dequantize_block_q4_q5_neon<true, true>, kQ5_1.bytes>,
    .q8_0 = dequantize_blocks_loop<dequantize_block_q8_neon<kQ8_0>, kQ8_0.bytes>,
    .q8_1 = dequantize_blocks_loop<dequantize_block_q8_neon<kQ8_1>, kQ8_1.bytes>,
    .q2_k = dequantize_superblocks_loop<dequantize_superblock_q2_k_neon, q2k::kBytes>,
    .q3_k = dequantize_superblocks_loop<dequantize_superblock_q3_k_neon, q3k::kBytes>,
    .q4_k = dequantize_superblocks_loop<dequantize_superblock_q4_k_neon, q4k::kBytes>,
    .q5_k = dequantize_superblocks_loop<dequantize_superblock_q5_k_neon, q5k::kBytes>,
    .q6_k = dequantize_superblocks_loop<dequantize_superblock_q6_k_neon, q6k::kBytes>,
};

constexpr auto ggml_quantize_row = ggml_quantize_dispatch<kNeonGgmlQuantize>;
constexpr auto ggml_dequantize_row = ggml_dequantize_dispatch<kNeonGgmlDequantize>;

}  // namespace
}  // namespace quantkit::neon
