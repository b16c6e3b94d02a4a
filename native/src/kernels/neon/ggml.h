// NEON GGML block kernels behind table-ready signatures (those of the scalar set): the dequantizers of q4_0, q4_1,
// q8_0 and q8_1 in NEON; every other format (the quantizers, q5_0 / q5_1 and the K-quants) on the portable loops of
// common/ggml_legacy.h and common/ggml_k.h, exactly what the scalar set runs (listed in table.cc). No allocation.
#pragma once

#include "../common/ggml_k.h"
#include "../common/ggml_legacy.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

// 8 codes (int16) -> out[0, 8): float(code) * d, then + m for the affine formats (two roundings, no fusion).
template <bool HasMin> inline void scale_store8(int16x8_t c, float32x4_t d, float32x4_t m, float* out) {
  float32x4_t a = vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(c))), d);
  float32x4_t b = vmulq_f32(vcvtq_f32_s32(vmovl_high_s16(c)), d);
  if constexpr (HasMin) {
    a = vaddq_f32(a, m);
    b = vaddq_f32(b, m);
  }
  vst1q_f32(out, a);
  vst1q_f32(out + 4, b);
}

// dequantize_block_q4_q5<HasMin, false> of common/ggml_legacy.h: low nibbles are elements 0-15, high nibbles 16-31.
template <bool HasMin> inline void dequantize_block_q4(const uint8_t* y, float* out) {
  constexpr LegacyLayout kLayout = HasMin ? kQ4_1 : kQ4_0;
  const float32x4_t d = vdupq_n_f32(load_fp16(y));
  const float32x4_t m = vdupq_n_f32(HasMin ? load_fp16(y + 2) : 0.0f);
  const int16x8_t offset = vdupq_n_s16(HasMin ? 0 : 8);
  const uint8x16_t qs = vld1q_u8(y + kLayout.qs);
  const uint8x16_t lo = vandq_u8(qs, vdupq_n_u8(0x0f));
  const uint8x16_t hi = vshrq_n_u8(qs, 4);
  scale_store8<HasMin>(vsubq_s16(vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(lo))), offset), d, m, out);
  scale_store8<HasMin>(vsubq_s16(vreinterpretq_s16_u16(vmovl_high_u8(lo)), offset), d, m, out + 8);
  scale_store8<HasMin>(vsubq_s16(vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(hi))), offset), d, m, out + 16);
  scale_store8<HasMin>(vsubq_s16(vreinterpretq_s16_u16(vmovl_high_u8(hi)), offset), d, m, out + 24);
}

// dequantize_block_q8<Layout>: qs[j] * d.
template <LegacyLayout Layout> inline void dequantize_block_q8_neon(const uint8_t* y, float* out) {
  const float32x4_t d = vdupq_n_f32(load_fp16(y));
  const float32x4_t unused = vdupq_n_f32(0.0f);
  for (int h = 0; h < 2; h++) {
    const int8x16_t q = vld1q_s8(reinterpret_cast<const int8_t*>(y + Layout.qs + 16 * h));
    scale_store8<false>(vmovl_s8(vget_low_s8(q)), d, unused, out + 16 * h);
    scale_store8<false>(vmovl_high_s8(q), d, unused, out + 16 * h + 8);
  }
}

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
    case GgmlFormat::Q4_0: dequantize_blocks_loop<dequantize_block_q4<false>, kQ4_0.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q4_1: dequantize_blocks_loop<dequantize_block_q4<true>, kQ4_1.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q5_0: dequantize_blocks_loop<dequantize_block_q4_q5<false, true>, kQ5_0.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q5_1: dequantize_blocks_loop<dequantize_block_q4_q5<true, true>, kQ5_1.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q8_0: dequantize_blocks_loop<dequantize_block_q8_neon<kQ8_0>, kQ8_0.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q8_1: dequantize_blocks_loop<dequantize_block_q8_neon<kQ8_1>, kQ8_1.bytes>(blocks, nb, out); return;
    case GgmlFormat::Q2_K: dequantize_superblocks_loop<dequantize_superblock_q2_k, q2k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q3_K: dequantize_superblocks_loop<dequantize_superblock_q3_k, q3k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q4_K: dequantize_superblocks_loop<dequantize_superblock_q4_k, q4k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q5_K: dequantize_superblocks_loop<dequantize_superblock_q5_k, q5k::kBytes>(blocks, nb, out); return;
    case GgmlFormat::Q6_K: dequantize_superblocks_loop<dequantize_superblock_q6_k, q6k::kBytes>(blocks, nb, out); return;
  }
}

}  // namespace
}  // namespace quantkit::neon
