// NEON quantizers of the K-quants (super-blocks of 256), bit-exact with common/ggml_k.h: the sub-block fits on lanes
// (ggml_k_search.h) for S super-blocks per pass, then common/ggml_k_finish.h (the scales' quantization, the codes of
// sub-blocks whose quantized scale is 0, the packing) with the final codes 16 elements at a time (their divisions are
// elementwise). Internal linkage only.
#pragma once

#include <type_traits>

#include "../common/ggml_k_finish.h"
#include "ggml_k_search_q36.h"

namespace quantkit::neon {
namespace {

// L[0, Count) = clamp(nearest_int((x + dm) / d), lo, hi) + offset, or of x / d without Dm (q3_K, q6_K).
template <int Count, bool Dm> inline void final_codes(const float* x, float d, float dm, int32_t lo, int32_t hi, int32_t offset, uint8_t* L) {
  for (int b = 0; b < Count; b += 16) {
    int32x4_t c[4];
    for (int k = 0; k < 4; k++) {
      float32x4_t v = vld1q_f32(x + b + 4 * k);
      if constexpr (Dm) v = vaddq_f32(v, vdupq_n_f32(dm));
      c[k] = vaddq_s32(clamp4(nearest_int4(vdivq_f32(v, vdupq_n_f32(d))), lo, hi), vdupq_n_s32(offset));
    }
    vst1q_u8(L + b, low_bytes16(c[0], c[1], c[2], c[3]));
  }
}

// The first Count / 4 vectors of lanes of a fit as Count floats, in sub-block order.
template <int Count> inline void lanes_to_floats(const float32x4_t* lanes, float* out) {
  for (int h = 0; h < Count / 4; h++) vst1q_f32(out + 4 * h, lanes[h]);
}

// final_codes as finish_superblock's FinalCodes.
template <int Count, bool Dm, int32_t Lo, int32_t Hi, int32_t Offset> struct FinalCodes {
  void operator()(const float* x, float d, float dm, uint8_t* L) const { final_codes<Count, Dm>(x, d, dm, Lo, Hi, Offset, L); }
};

// S super-blocks of q2_K (16 sub-blocks of 16 each, four vectors of lanes per super-block), q4_K / q5_K (8 of 32,
// two vectors each): the make_qkx2_quants fits with weights |x| (q2_K) or av_x + |x| (q45k_weights).
template <GgmlFormat F, int S> inline void quantize_superblocks_qkx2_neon(const float* x, uint8_t* y) {
  constexpr int kSub = kSubBlock<F>, kPerVector = kQK_K / kSub / 4;  // vectors of lanes per super-block: 4 (q2_K) or 2
  constexpr int V = kPerVector * S;
  constexpr int kNmax = F == GgmlFormat::Q2_K ? 3 : (F == GgmlFormat::Q4_K ? 15 : 31);
  constexpr int kBytes = static_cast<int>(ggml_block_bytes(F));
  SubBlockLanes<kSub, V> X, W;
  load_lanes(x, X);
  for (int g = 0; g < V; g++) {
    if constexpr (F == GgmlFormat::Q2_K) {
      for (int i = 0; i < kSub; i++) W.v[i][g] = vabsq_f32(X.v[i][g]);
    } else {  // q45k_weights per lane: sum x^2 in element order, sqrtf(sum / 32), av_x + |x|
      float32x4_t sum_x2 = vdupq_n_f32(0.0f);
      for (int i = 0; i < kSub; i++) sum_x2 = vaddq_f32(sum_x2, vmulq_f32(X.v[i][g], X.v[i][g]));
      const float32x4_t av_x = vsqrtq_f32(vdivq_f32(sum_x2, vdupq_n_f32(32.0f)));
      for (int i = 0; i < kSub; i++) W.v[i][g] = vaddq_f32(av_x, vabsq_f32(X.v[i][g]));
    }
  }
  Qkx2Fit<V> fit;
  if constexpr (F == GgmlFormat::Q2_K) qkx2_fit_lanes<kSub, V, true>(X, W, kNmax, -0.5f, 0.1f, 15, fit);
  else if constexpr (F == GgmlFormat::Q4_K) qkx2_fit_lanes<kSub, V, false>(X, W, kNmax, -1.0f, 0.1f, 20, fit);
  else qkx2_fit_lanes<kSub, V, false>(X, W, kNmax, -0.5f, 0.1f, 15, fit);
  for (int sb = 0; sb < S; sb++) {
    const float* xb = x + sb * kQK_K;
    float scales[kQK_K / kSub], mins[kQK_K / kSub];
    lanes_to_floats<kQK_K / kSub>(fit.scale + kPerVector * sb, scales);
    lanes_to_floats<kQK_K / kSub>(fit.the_min + kPerVector * sb, mins);
    const auto fit_codes = [&](int j, uint8_t* L) { qkx2_lane_codes(fit, kPerVector * sb + j / 4, j % 4, xb + kSub * j, kSub, kNmax, L); };
    finish_superblock<F>(xb, scales, mins, y + sb * kBytes, fit_codes, FinalCodes<kSub, true, 0, kNmax, 0>());
  }
}

// S super-blocks of q3_K (make_q3_quants, codes 0..7) or q6_K (make_qx_quants, codes 0..63): 16 sub-blocks of 16
// each, four vectors of lanes per super-block.
template <GgmlFormat F, int S> inline void quantize_superblocks_q36_k_neon(const float* x, uint8_t* y) {
  constexpr int V = 4 * S;
  constexpr int kNmax = F == GgmlFormat::Q3_K ? 4 : 32;
  constexpr int kBytes = static_cast<int>(ggml_block_bytes(F));
  SubBlockLanes<16, V> X;
  load_lanes(x, X);
  std::conditional_t<F == GgmlFormat::Q3_K, Q3Fit<16, V>, QxFit<V>> fit;
  if constexpr (F == GgmlFormat::Q3_K) q3_fit_lanes(X, kNmax, fit);
  else qx_fit_lanes(X, kNmax, fit);
  for (int sb = 0; sb < S; sb++) {
    const float* xb = x + sb * kQK_K;
    float scales[16];
    lanes_to_floats<16>(fit.scale + 4 * sb, scales);
    const auto fit_codes = [&](int j, uint8_t* L) {
      if constexpr (F == GgmlFormat::Q3_K) {
        for (int i = 0; i < 16; i++) L[i] = static_cast<uint8_t>(lane_of(fit.codes.v[i][4 * sb + j / 4], j % 4));
      } else {
        qx_lane_codes(fit, 4 * sb + j / 4, j % 4, xb + 16 * j, 16, kNmax, L);
      }
    };
    finish_superblock<F>(xb, scales, nullptr, y + sb * kBytes, fit_codes, FinalCodes<16, false, -kNmax, kNmax - 1, kNmax>());
  }
}

// A row of nb super-blocks of format F, S at a time, then one by one. S: 2 for q4_K / q5_K (a pass then has four
// vectors of lanes, as the others with one super-block).
template <GgmlFormat F, int S> inline void quantize_k_row(const float* x, size_t nb, uint8_t* y) {
  constexpr size_t kBytes = ggml_block_bytes(F);
  constexpr bool kQkx2 = F == GgmlFormat::Q2_K || F == GgmlFormat::Q4_K || F == GgmlFormat::Q5_K;
  size_t i = 0;
  for (; i + S <= nb; i += S) {
    if constexpr (kQkx2) quantize_superblocks_qkx2_neon<F, S>(x + i * kQK_K, y + i * kBytes);
    else quantize_superblocks_q36_k_neon<F, S>(x + i * kQK_K, y + i * kBytes);
  }
  for (; i < nb; i++) {
    if constexpr (kQkx2) quantize_superblocks_qkx2_neon<F, 1>(x + i * kQK_K, y + i * kBytes);
    else quantize_superblocks_q36_k_neon<F, 1>(x + i * kQK_K, y + i * kBytes);
  }
}

}  // namespace
}  // namespace quantkit::neon
