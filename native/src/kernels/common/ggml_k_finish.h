// The last two stages of a K-quant quantizer (common/ggml_k.h), for vector sets whose sub-block fits run on lanes:
// the fits' scales (and mins) quantized into the super-block's header, then each sub-block's final codes from its
// quantized scale, FinalCodes(x, d, dm, L) (dm 0 for q3_K and q6_K), or the fit's own codes, FitCodes(j, L), where that
// scale is 0 (upstream's `if (!d) continue`), and the packing. The same steps, in the same order, as
// quantize_superblock_<fmt>. Internal linkage only (see element.h).
#pragma once

#include "ggml_k.h"

namespace quantkit {
namespace {

template <GgmlFormat F> constexpr int kSubBlock = F == GgmlFormat::Q4_K || F == GgmlFormat::Q5_K ? 32 : 16;

template <GgmlFormat F, typename FitCodes, typename FinalCodes>
inline void finish_superblock(const float* x, const float* scales, const float* mins, uint8_t* y, const FitCodes& fit_codes,
                              const FinalCodes& final_codes) {
  constexpr int kSub = kSubBlock<F>;
  if constexpr (F == GgmlFormat::Q2_K) q2k_write_scales(scales, mins, y);
  else if constexpr (F == GgmlFormat::Q3_K) q3k_write_scales(scales, y);
  else if constexpr (F == GgmlFormat::Q6_K) {
    if (!q6k_write_scales(scales, y)) return;  // every fit below GROUP_MAX_EPS: a zero block
  } else {
    q45k_write_scales(scales, mins, y);
  }
  uint8_t L[kQK_K];
  for (int j = 0; j < kQK_K / kSub; ++j) {
    float dm = 0.0f;
    float d;
    if constexpr (F == GgmlFormat::Q2_K) d = q2k_sub_scale(y, j, &dm);
    else if constexpr (F == GgmlFormat::Q3_K) d = q3k_sub_scale(y, j);
    else if constexpr (F == GgmlFormat::Q6_K) d = q6k_sub_scale(y, j);
    else d = q45k_sub_scale(y, j, &dm);
    if (d == 0) fit_codes(j, L + kSub * j);
    else final_codes(x + kSub * j, d, dm, L + kSub * j);
  }
  if constexpr (F == GgmlFormat::Q2_K) pack_2bit_codes(L, y + q2k::kQs);
  else if constexpr (F == GgmlFormat::Q3_K) q3k_pack(L, y);
  else if constexpr (F == GgmlFormat::Q4_K) q4k_pack(L, y);
  else if constexpr (F == GgmlFormat::Q5_K) q5k_pack(L, y);
  else q6k_pack(L, y);
}

}  // namespace
}  // namespace quantkit
