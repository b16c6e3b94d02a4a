// The K-quant formats (super-blocks of 256), ISA-neutral: one super-block's quantize and dequantize, and the portable
// loops over super-blocks (the scalar set, and the tails of vector sets).
//   quantize_superblock_<fmt>    mirrors quantize_row_<fmt>_ref of ggml-quants.c @ d99724f, one super-block
//   dequantize_superblock_<fmt>  mirrors dequantize_row_<fmt>, one super-block
// A quantizer is three stages: the sub-block fits (common/ggml_k_search.h), the quantization of their scales into the
// block header (<fmt>_write_scales), then the final codes from the quantized scales (<fmt>_sub_scale gives a
// sub-block's float scale; 0 keeps the fit's codes, as upstream's `if (!d) continue`) and their packing (<fmt>_pack).
// Vector sets run their own fits and codes and share the rest. Internal linkage only (see element.h).
#pragma once

#include "ggml_k_search.h"

namespace quantkit {
namespace {

constexpr int kQK_K = 256;

// Byte offsets of the fields of the super-blocks (ggml-common.h).
namespace q2k {
constexpr int kBytes = 84, kScales = 0, kQs = 16, kD = 80, kDmin = 82;
}
namespace q3k {
constexpr int kBytes = 110, kHmask = 0, kQs = 32, kScales = 96, kD = 108;
}
namespace q4k {
constexpr int kBytes = 144, kD = 0, kDmin = 2, kScales = 4, kQs = 16;
}
namespace q5k {
constexpr int kBytes = 176, kD = 0, kDmin = 2, kScales = 4, kQh = 16, kQs = 48;
}
namespace q6k {
constexpr int kBytes = 210, kQl = 0, kQh = 128, kScales = 192, kD = 208;
}

// ---- q2_K: 16 sub-blocks of 16, x ~ d * (sc & 15) * q - dmin * (sc >> 4), q in 0..3 ----------------------------------

// Packs 2-bit codes L[j + l + 32k] into qs[j/4 + l], bits 2k (q2_K, q3_K).
inline void pack_2bit_codes(const uint8_t* L, uint8_t* qs) {
  for (int j = 0; j < kQK_K; j += 128) {
    for (int l = 0; l < 32; ++l) {
      qs[j / 4 + l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
    }
  }
}

// The 4-bit scales and mins of the sub-block fits into scales[16], d and dmin.
inline void q2k_write_scales(const float* scales, const float* mins, uint8_t* y) {
  constexpr float q4scale = 15.f;
  float max_scale = 0;
  float max_min = 0;
  for (int j = 0; j < 16; ++j) {
    if (scales[j] > max_scale) max_scale = scales[j];
    if (mins[j] > max_min) max_min = mins[j];
  }
  if (max_scale > 0) {
    const float iscale = q4scale / max_scale;
    for (int j = 0; j < 16; ++j) y[q2k::kScales + j] = static_cast<uint8_t>(ggml_nearest_int(iscale * scales[j]));
    store_fp16(y + q2k::kD, max_scale / q4scale);
  } else {
    for (int j = 0; j < 16; ++j) y[q2k::kScales + j] = 0;
    store_fp16(y + q2k::kD, 0.f);
  }
  if (max_min > 0) {
    const float iscale = q4scale / max_min;
    for (int j = 0; j < 16; ++j) {
      const uint32_t l = static_cast<uint32_t>(ggml_nearest_int(iscale * mins[j]));
      y[q2k::kScales + j] = static_cast<uint8_t>(y[q2k::kScales + j] | (l << 4));
    }
    store_fp16(y + q2k::kDmin, max_min / q4scale);
  } else {
    store_fp16(y + q2k::kDmin, 0.f);
  }
}

// Sub-block j's d = fp16(d) * (sc & 15) and dm = fp16(dmin) * (sc >> 4) (dm only matters when d != 0).
inline float q2k_sub_scale(const uint8_t* y, int j, float* dm) {
  const uint8_t sc = y[q2k::kScales + j];
  *dm = load_fp16(y + q2k::kDmin) * static_cast<float>(sc >> 4);
  return load_fp16(y + q2k::kD) * static_cast<float>(sc & 0xF);
}

inline void quantize_superblock_q2_k(const float* x, uint8_t* y) {
  uint8_t L[kQK_K];
  float weights[16];
  float mins[16];
  float scales[16];
  for (int j = 0; j < 16; ++j) {
    for (int l = 0; l < 16; ++l) weights[l] = abs_value(x[16 * j + l]);
    scales[j] = make_qkx2_quants(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j], -0.5f, 0.1f, 15, true);
  }
  q2k_write_scales(scales, mins, y);
  for (int j = 0; j < 16; ++j) {
    float dm;
    const float d = q2k_sub_scale(y, j, &dm);
    if (d == 0) continue;
    for (int ii = 0; ii < 16; ++ii) L[16 * j + ii] = static_cast<uint8_t>(clamp_int(ggml_nearest_int((x[16 * j + ii] + dm) / d), 0, 3));
  }
  pack_2bit_codes(L, y + q2k::kQs);
}

inline void dequantize_superblock_q2_k(const uint8_t* y, float* out) {
  const float d = load_fp16(y + q2k::kD);
  const float min = load_fp16(y + q2k::kDmin);
  int is = 0;
  for (int n = 0; n < kQK_K; n += 128) {
    const uint8_t* q = y + q2k::kQs + n / 4;
    for (int shift = 0; shift < 8; shift += 2) {
      for (int half = 0; half < 32; half += 16) {
        const uint8_t sc = y[q2k::kScales + is++];
        const float dl = d * static_cast<float>(sc & 0xF);
        const float ml = min * static_cast<float>(sc >> 4);
        for (int l = 0; l < 16; ++l) *out++ = dl * static_cast<float>((q[half + l] >> shift) & 3) - ml;
      }
    }
  }
}

// ---- q3_K: 16 sub-blocks of 16, x ~ d * (s - 32) * (q - 4), s 6 bits, q 3 bits ----------------------------------------

// The 6-bit scale of sub-block j (0..63): low nibbles in scales[0..7] (j < 8: low half, else high half of j - 8), high
// pairs in scales[8..11]. Equals the kmask word shuffle of dequantize_row_q3_K byte for byte.
inline int32_t q3k_scale6(const uint8_t* s, int j) {
  const int32_t low = j < 8 ? (s[j] & 0xF) : (s[j - 8] >> 4);
  return low | (((s[8 + j % 4] >> (2 * (j / 4))) & 3) << 4);
}

inline void q3k_write_scales(const float* scales, uint8_t* y) {
  uint8_t* s = y + q3k::kScales;
  float max_scale = 0;
  float amax = 0;
  for (int j = 0; j < 16; ++j) {
    const float scale = abs_value(scales[j]);
    if (scale > amax) {
      amax = scale;
      max_scale = scales[j];
    }
  }
  for (int j = 0; j < 12; ++j) s[j] = 0;
  if (max_scale != 0) {
    const float iscale = -32.f / max_scale;
    for (int j = 0; j < 16; ++j) {
      int32_t l = ggml_int8(ggml_nearest_int(iscale * scales[j]));  // `int8_t l = nearest_int(..)`
      l = clamp_int(l, -32, 31) + 32;
      if (j < 8) s[j] = static_cast<uint8_t>(l & 0xF);
      else s[j - 8] = static_cast<uint8_t>(s[j - 8] | ((l & 0xF) << 4));
      l >>= 4;
      s[j % 4 + 8] = static_cast<uint8_t>(s[j % 4 + 8] | (l << (2 * (j / 4))));
    }
    store_fp16(y + q3k::kD, 1 / iscale);
  } else {
    store_fp16(y + q3k::kD, 0.f);
  }
}

inline float q3k_sub_scale(const uint8_t* y, int j) {
  return load_fp16(y + q3k::kD) * static_cast<float>(q3k_scale6(y + q3k::kScales, j) - 32);
}

// Codes 0..7 of L: the high bit of L[j] into hmask[j % 32] bit j / 32 (upstream: `if (L[j] > 3)` sets it and
// subtracts 4), the low two bits packed as q2_K. Branch-free: the codes are random, the branch would mispredict.
inline void q3k_pack(uint8_t* L, uint8_t* y) {
  uint8_t* hmask = y + q3k::kHmask;
  for (int j = 0; j < 32; ++j) hmask[j] = 0;
  for (int j = 0; j < kQK_K; ++j) {
    hmask[j % 32] = static_cast<uint8_t>(hmask[j % 32] | ((L[j] >> 2) << (j / 32)));
    L[j] &= 3;
  }
  pack_2bit_codes(L, y + q3k::kQs);
}

inline void quantize_superblock_q3_k(const float* x, uint8_t* y) {
  int8_t L[kQK_K];
  float scales[16];
  for (int j = 0; j < 16; ++j) scales[j] = make_q3_quants(16, 4, x + 16 * j, L + 16 * j);
  q3k_write_scales(scales, y);
  for (int j = 0; j < 16; ++j) {
    const float d = q3k_sub_scale(y, j);
    if (d == 0) continue;
    for (int ii = 0; ii < 16; ++ii) L[16 * j + ii] = static_cast<int8_t>(clamp_int(ggml_nearest_int(x[16 * j + ii] / d), -4, 3) + 4);
  }
  uint8_t codes[kQK_K];
  for (int j = 0; j < kQK_K; ++j) codes[j] = static_cast<uint8_t>(L[j]);  // 0..7 either way
  q3k_pack(codes, y);
}

inline void dequantize_superblock_q3_k(const uint8_t* y, float* out) {
  const float d_all = load_fp16(y + q3k::kD);
  const uint8_t* hm = y + q3k::kHmask;
  int is = 0;
  uint8_t m = 1;
  for (int n = 0; n < kQK_K; n += 128) {
    const uint8_t* q = y + q3k::kQs + n / 4;
    for (int shift = 0; shift < 8; shift += 2) {
      for (int half = 0; half < 32; half += 16) {
        const float dl = d_all * static_cast<float>(q3k_scale6(y + q3k::kScales, is++) - 32);
        for (int l = 0; l < 16; ++l) {
          const int32_t v = ((q[half + l] >> shift) & 3) - ((hm[half + l] & m) ? 0 : 4);
          *out++ = dl * static_cast<float>(v);
        }
      }
      m = static_cast<uint8_t>(m << 1);
    }
  }
}

// ---- q4_K and q5_K: 8 sub-blocks of 32, x ~ d * sc * q - dmin * m, sc and m 6 bits, q 4 or 5 bits ----------------------

// get_scale_min_k4: sub-block j's 6-bit scale and min from the 12 bytes at q.
inline void get_scale_min_k4(int j, const uint8_t* q, uint8_t* d, uint8_t* m) {
  if (j < 4) {
    *d = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *d = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    *m = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4));
  }
}

// The q4_K / q5_K weights of a sub-block of 32: av_x + |x|, av_x = sqrtf(sum x^2 / 32).
inline void q45k_weights(const float* x, float* weights) {
  float sum_x2 = 0;
  for (int l = 0; l < 32; ++l) sum_x2 += x[l] * x[l];
  const float av_x = __builtin_sqrtf(sum_x2 / 32.0f);
  for (int l = 0; l < 32; ++l) weights[l] = av_x + abs_value(x[l]);
}

// The 6-bit scales and mins (scales[12]), d and dmin of q4_K and q5_K (the same header at the same offsets).
inline void q45k_write_scales(const float* scales, const float* mins, uint8_t* y) {
  float max_scale = 0;
  float max_min = 0;
  for (int j = 0; j < 8; ++j) {
    if (scales[j] > max_scale) max_scale = scales[j];
    if (mins[j] > max_min) max_min = mins[j];
  }
  const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
  const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
  uint8_t* s = y + q4k::kScales;
  for (int j = 0; j < 8; ++j) {
    uint8_t ls = static_cast<uint8_t>(ggml_nearest_int(inv_scale * scales[j]));
    uint8_t lm = static_cast<uint8_t>(ggml_nearest_int(inv_min * mins[j]));
    ls = ls < 63 ? ls : 63;
    lm = lm < 63 ? lm : 63;
    if (j < 4) {
      s[j] = ls;
      s[j + 4] = lm;
    } else {
      s[j + 4] = static_cast<uint8_t>((ls & 0xF) | ((lm & 0xF) << 4));
      s[j - 4] = static_cast<uint8_t>(s[j - 4] | ((ls >> 4) << 6));
      s[j - 0] = static_cast<uint8_t>(s[j - 0] | ((lm >> 4) << 6));
    }
  }
  store_fp16(y + q4k::kD, max_scale / 63.f);
  store_fp16(y + q4k::kDmin, max_min / 63.f);
}

inline float q45k_sub_scale(const uint8_t* y, int j, float* dm) {
  uint8_t sc, m;
  get_scale_min_k4(j, y + q4k::kScales, &sc, &m);
  *dm = load_fp16(y + q4k::kDmin) * static_cast<float>(m);
  return load_fp16(y + q4k::kD) * static_cast<float>(sc);
}

// Final codes of sub-block j: clamp(nearest_int((x + dm) / d), 0, nmax), or the fit's codes when d == 0.
inline void q45k_codes(const float* x, const uint8_t* y, int nmax, uint8_t* L) {
  for (int j = 0; j < 8; ++j) {
    float dm;
    const float d = q45k_sub_scale(y, j, &dm);
    if (d == 0) continue;
    for (int ii = 0; ii < 32; ++ii) L[32 * j + ii] = static_cast<uint8_t>(clamp_int(ggml_nearest_int((x[32 * j + ii] + dm) / d), 0, nmax));
  }
}

inline void q4k_pack(const uint8_t* L, uint8_t* y) {
  uint8_t* q = y + q4k::kQs;
  for (int j = 0; j < kQK_K; j += 64) {
    for (int l = 0; l < 32; ++l) q[l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 4));
    q += 32;
  }
}

// Codes 0..31: low nibbles as q4_K, the fifth bit of L[n + j] into qh[j] bit 2 * (n / 64) (+1 for L[n + j + 32]).
// Upstream tests `l > 15` and subtracts 16; the same, branch-free.
inline void q5k_pack(const uint8_t* L, uint8_t* y) {
  uint8_t* qh = y + q5k::kQh;
  uint8_t* ql = y + q5k::kQs;
  for (int j = 0; j < 32; ++j) qh[j] = 0;
  for (int n = 0, shift = 0; n < kQK_K; n += 64, shift += 2) {
    for (int j = 0; j < 32; ++j) {
      const int32_t l1 = L[n + j], l2 = L[n + j + 32];
      qh[j] = static_cast<uint8_t>(qh[j] | ((l1 >> 4) << shift) | ((l2 >> 4) << (shift + 1)));
      ql[j] = static_cast<uint8_t>((l1 & 0xF) | ((l2 & 0xF) << 4));
    }
    ql += 32;
  }
}

// quantize_row_q4_K_ref (nmax 15, make_qkx2_quants rmin -1, nstep 20) and quantize_row_q5_K_ref (31, -0.5, 15).
template <int Nmax> inline void quantize_superblock_q45_k(const float* x, uint8_t* y) {
  constexpr float kRmin = Nmax == 15 ? -1.f : -0.5f;
  constexpr int kNstep = Nmax == 15 ? 20 : 15;
  uint8_t L[kQK_K];
  float weights[32];
  float mins[8];
  float scales[8];
  for (int j = 0; j < 8; ++j) {
    q45k_weights(x + 32 * j, weights);
    scales[j] = make_qkx2_quants(32, Nmax, x + 32 * j, weights, L + 32 * j, &mins[j], kRmin, 0.1f, kNstep, false);
  }
  q45k_write_scales(scales, mins, y);
  q45k_codes(x, y, Nmax, L);
  if constexpr (Nmax == 15) q4k_pack(L, y);
  else q5k_pack(L, y);
}

inline void quantize_superblock_q4_k(const float* x, uint8_t* y) { quantize_superblock_q45_k<15>(x, y); }
inline void quantize_superblock_q5_k(const float* x, uint8_t* y) { quantize_superblock_q45_k<31>(x, y); }

// dequantize_row_q4_K (FifthBits false) and dequantize_row_q5_K: d_j * q - m_j, two roundings.
template <bool FifthBits> inline void dequantize_superblock_q45_k(const uint8_t* y, float* out) {
  const float d = load_fp16(y + q4k::kD);
  const float min = load_fp16(y + q4k::kDmin);
  const uint8_t* ql = y + (FifthBits ? q5k::kQs : q4k::kQs);
  const uint8_t* qh = y + q5k::kQh;
  uint8_t u1 = 1, u2 = 2;
  for (int is = 0; is < 8; is += 2) {
    uint8_t sc, m;
    get_scale_min_k4(is + 0, y + q4k::kScales, &sc, &m);
    const float d1 = d * static_cast<float>(sc);
    const float m1 = min * static_cast<float>(m);
    get_scale_min_k4(is + 1, y + q4k::kScales, &sc, &m);
    const float d2 = d * static_cast<float>(sc);
    const float m2 = min * static_cast<float>(m);
    for (int l = 0; l < 32; ++l) {
      const int32_t q = (ql[l] & 0xF) + (FifthBits && (qh[l] & u1) ? 16 : 0);
      *out++ = d1 * static_cast<float>(q) - m1;
    }
    for (int l = 0; l < 32; ++l) {
      const int32_t q = (ql[l] >> 4) + (FifthBits && (qh[l] & u2) ? 16 : 0);
      *out++ = d2 * static_cast<float>(q) - m2;
    }
    ql += 32;
    u1 = static_cast<uint8_t>(u1 << 2);
    u2 = static_cast<uint8_t>(u2 << 2);
  }
}

inline void dequantize_superblock_q4_k(const uint8_t* y, float* out) { dequantize_superblock_q45_k<false>(y, out); }
inline void dequantize_superblock_q5_k(const uint8_t* y, float* out) { dequantize_superblock_q45_k<true>(y, out); }

// ---- q6_K: 16 sub-blocks of 16, x ~ d * scales[j] * (q - 32), scales int8, q 6 bits ---------------------------------

// The int8 scales and d of the sub-block fits. Returns false when every fit is below GROUP_MAX_EPS: the whole block is
// then zeros (d = fp16(0) too), as upstream's memset.
inline bool q6k_write_scales(const float* scales, uint8_t* y) {
  float max_scale = 0;
  float max_abs_scale = 0;
  for (int ib = 0; ib < 16; ++ib) {
    const float abs_scale = abs_value(scales[ib]);
    if (abs_scale > max_abs_scale) {
      max_abs_scale = abs_scale;
      max_scale = scales[ib];
    }
  }
  if (max_abs_scale < kGgmlGroupMaxEps) {
    for (int k = 0; k < q6k::kBytes; ++k) y[k] = 0;
    return false;
  }
  const float iscale = -128.f / max_scale;
  store_fp16(y + q6k::kD, 1 / iscale);
  for (int ib = 0; ib < 16; ++ib) {
    const int32_t l = ggml_nearest_int(iscale * scales[ib]);
    y[q6k::kScales + ib] = static_cast<uint8_t>(l < 127 ? l : 127);
  }
  return true;
}

inline float q6k_sub_scale(const uint8_t* y, int j) {
  return load_fp16(y + q6k::kD) * static_cast<float>(ggml_int8(y[q6k::kScales + j]));
}

inline void q6k_pack(const uint8_t* L, uint8_t* y) {
  uint8_t* ql = y + q6k::kQl;
  uint8_t* qh = y + q6k::kQh;
  for (int j = 0; j < kQK_K; j += 128) {
    for (int l = 0; l < 32; ++l) {
      const uint8_t q1 = L[j + l + 0] & 0xF;
      const uint8_t q2 = L[j + l + 32] & 0xF;
      const uint8_t q3 = L[j + l + 64] & 0xF;
      const uint8_t q4 = L[j + l + 96] & 0xF;
      ql[l + 0] = static_cast<uint8_t>(q1 | (q3 << 4));
      ql[l + 32] = static_cast<uint8_t>(q2 | (q4 << 4));
      qh[l] = static_cast<uint8_t>((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6));
    }
    ql += 64;
    qh += 32;
  }
}

inline void quantize_superblock_q6_k(const float* x, uint8_t* y) {
  int8_t L[kQK_K];
  float scales[16];
  for (int ib = 0; ib < 16; ++ib) scales[ib] = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib);
  if (!q6k_write_scales(scales, y)) return;
  for (int j = 0; j < 16; ++j) {
    const float d = q6k_sub_scale(y, j);
    if (d == 0) continue;
    for (int ii = 0; ii < 16; ++ii) L[16 * j + ii] = static_cast<int8_t>(clamp_int(ggml_nearest_int(x[16 * j + ii] / d), -32, 31) + 32);
  }
  uint8_t codes[kQK_K];
  for (int j = 0; j < kQK_K; ++j) codes[j] = static_cast<uint8_t>(L[j]);  // 0..63 either way
  q6k_pack(codes, y);
}

inline void dequantize_superblock_q6_k(const uint8_t* y, float* out) {
  const float d = load_fp16(y + q6k::kD);
  const uint8_t* ql = y + q6k::kQl;
  const uint8_t* qh = y + q6k::kQh;
  const uint8_t* sc = y + q6k::kScales;
  for (int n = 0; n < kQK_K; n += 128) {
    for (int l = 0; l < 32; ++l) {
      const int is = l / 16;
      const int32_t q1 = ((ql[l + 0] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
      const int32_t q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
      const int32_t q3 = ((ql[l + 0] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
      const int32_t q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
      // d * sc[is] * q1: (d * float(sc)) * float(q1), two roundings.
      out[l + 0] = d * static_cast<float>(ggml_int8(sc[is + 0])) * static_cast<float>(q1);
      out[l + 32] = d * static_cast<float>(ggml_int8(sc[is + 2])) * static_cast<float>(q2);
      out[l + 64] = d * static_cast<float>(ggml_int8(sc[is + 4])) * static_cast<float>(q3);
      out[l + 96] = d * static_cast<float>(ggml_int8(sc[is + 6])) * static_cast<float>(q4);
    }
    out += 128;
    ql += 64;
    qh += 32;
    sc += 8;
  }
}

// ---- the portable loops over nb super-blocks ----------------------------------------------------------------------

template <void (*Block)(const float*, uint8_t*), int Bytes> inline void quantize_superblocks_loop(const float* x, size_t nb, uint8_t* y) {
  for (size_t i = 0; i < nb; i++) Block(x + i * kQK_K, y + i * Bytes);
}

template <void (*Block)(const uint8_t*, float*), int Bytes> inline void dequantize_superblocks_loop(const uint8_t* y, size_t nb, float* out) {
  for (size_t i = 0; i < nb; i++) Block(y + i * Bytes, out + i * kQK_K);
}

}  // namespace
}  // namespace quantkit
