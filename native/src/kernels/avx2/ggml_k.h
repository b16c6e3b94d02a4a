// AVX2 kernels of the K-quants (super-blocks of 256), bit-exact with common/ggml_k.h. Quantize: the sub-block fits on
// lanes (ggml_k_search.h) for several super-blocks per pass (their sums are long dependency chains; more independent
// lanes keep the vector units busy), the scales' quantization of common/ggml_k.h, then the final codes 8 elements at a
// time (their divisions are elementwise). Dequantize: vectors of 8 codes, as scalar per element. Internal linkage only.
#pragma once

#include "../common/ggml_k.h"
#include "ggml_k_search.h"

namespace quantkit::avx2 {
namespace {

// L[0, Count) = clamp(nearest_int((x + dm) / d), lo, hi) + offset, or of x / d without Dm (q3_K, q6_K).
template <int Count, bool Dm> inline void final_codes(const float* x, float d, float dm, int32_t lo, int32_t hi, int32_t offset, uint8_t* L) {
  __m256i c[Count / 8];
  for (int k = 0; k < Count / 8; k++) {
    __m256 v = _mm256_loadu_ps(x + 8 * k);
    if constexpr (Dm) v = _mm256_add_ps(v, _mm256_set1_ps(dm));
    c[k] = _mm256_add_epi32(clamp8(nearest_int8(_mm256_div_ps(v, _mm256_set1_ps(d))), lo, hi), _mm256_set1_epi32(offset));
  }
  if constexpr (Count == 32) _mm256_storeu_si256(reinterpret_cast<__m256i*>(L), pack_low_bytes_4x8(c[0], c[1], c[2], c[3]));
  else _mm_storeu_si128(reinterpret_cast<__m128i*>(L), pack_low_bytes_2x8(c[0], c[1]));
}

// ---- quantize ------------------------------------------------------------------------------------------------------

// S super-blocks of q2_K: 16 sub-blocks of 16 each, two vectors of lanes per super-block.
template <int S> inline void quantize_superblocks_q2_k_avx2(const float* x, uint8_t* y) {
  constexpr int V = 2 * S;
  Lanes<16, V> X, W;
  load_lanes(x, X);
  for (int i = 0; i < 16; i++) for (int g = 0; g < V; g++) W.v[i][g] = abs8(X.v[i][g]);
  Qkx2Fit<V> fit;
  qkx2_fit_lanes<16, V, true>(X, W, 3, -0.5f, 0.1f, 15, fit);
  for (int sb = 0; sb < S; sb++) {
    const float* xb = x + sb * kQK_K;
    uint8_t* yb = y + sb * q2k::kBytes;
    alignas(32) float scales[16], mins[16];
    for (int h = 0; h < 2; h++) {
      _mm256_store_ps(scales + 8 * h, fit.scale[2 * sb + h]);
      _mm256_store_ps(mins + 8 * h, fit.the_min[2 * sb + h]);
    }
    q2k_write_scales(scales, mins, yb);
    uint8_t L[kQK_K];
    for (int j = 0; j < 16; ++j) {
      float dm;
      const float d = q2k_sub_scale(yb, j, &dm);
      if (d == 0) qkx2_lane_codes(fit, 2 * sb + j / 8, j % 8, xb + 16 * j, 16, 3, L + 16 * j);
      else final_codes<16, true>(xb + 16 * j, d, dm, 0, 3, 0, L + 16 * j);
    }
    pack_2bit_codes(L, yb + q2k::kQs);
  }
}

// S super-blocks of q3_K.
template <int S> inline void quantize_superblocks_q3_k_avx2(const float* x, uint8_t* y) {
  constexpr int V = 2 * S;
  Lanes<16, V> X;
  load_lanes(x, X);
  Q3Fit<16, V> fit;
  q3_fit_lanes(X, 4, fit);
  for (int sb = 0; sb < S; sb++) {
    const float* xb = x + sb * kQK_K;
    uint8_t* yb = y + sb * q3k::kBytes;
    alignas(32) float scales[16];
    alignas(32) float fit_codes[16][2][8];  // [element][vector][lane]
    for (int h = 0; h < 2; h++) {
      _mm256_store_ps(scales + 8 * h, fit.scale[2 * sb + h]);
      for (int i = 0; i < 16; i++) _mm256_store_ps(fit_codes[i][h], fit.codes.v[i][2 * sb + h]);
    }
    q3k_write_scales(scales, yb);
    uint8_t L[kQK_K];
    for (int j = 0; j < 16; ++j) {
      const float d = q3k_sub_scale(yb, j);
      if (d == 0) {
        for (int i = 0; i < 16; i++) L[16 * j + i] = static_cast<uint8_t>(fit_codes[i][j / 8][j % 8]);
      } else {
        final_codes<16, false>(xb + 16 * j, d, 0, -4, 3, 4, L + 16 * j);
      }
    }
    q3k_pack(L, yb);
  }
}

// S super-blocks of q4_K (Nmax 15) or q5_K (31): 8 sub-blocks of 32 each, one vector of lanes per super-block.
template <int Nmax, int S> inline void quantize_superblocks_q45_k_avx2(const float* x, uint8_t* y) {
  constexpr int kBytes = Nmax == 15 ? q4k::kBytes : q5k::kBytes;
  constexpr float kRmin = Nmax == 15 ? -1.f : -0.5f;
  constexpr int kNstep = Nmax == 15 ? 20 : 15;
  Lanes<32, S> X, W;
  load_lanes(x, X);
  for (int g = 0; g < S; g++) {  // q45k_weights per lane: sum x^2 in element order, sqrtf(sum / 32), av_x + |x|
    __m256 sum_x2 = _mm256_setzero_ps();
    for (int i = 0; i < 32; i++) sum_x2 = _mm256_add_ps(sum_x2, _mm256_mul_ps(X.v[i][g], X.v[i][g]));
    const __m256 av_x = _mm256_sqrt_ps(_mm256_div_ps(sum_x2, _mm256_set1_ps(32.0f)));
    for (int i = 0; i < 32; i++) W.v[i][g] = _mm256_add_ps(av_x, abs8(X.v[i][g]));
  }
  Qkx2Fit<S> fit;
  qkx2_fit_lanes<32, S, false>(X, W, Nmax, kRmin, 0.1f, kNstep, fit);
  for (int sb = 0; sb < S; sb++) {
    const float* xb = x + sb * kQK_K;
    uint8_t* yb = y + sb * kBytes;
    alignas(32) float scales[8], mins[8];
    _mm256_store_ps(scales, fit.scale[sb]);
    _mm256_store_ps(mins, fit.the_min[sb]);
    q45k_write_scales(scales, mins, yb);
    uint8_t L[kQK_K];
    for (int j = 0; j < 8; ++j) {
      float dm;
      const float d = q45k_sub_scale(yb, j, &dm);
      if (d == 0) qkx2_lane_codes(fit, sb, j, xb + 32 * j, 32, Nmax, L + 32 * j);
      else final_codes<32, true>(xb + 32 * j, d, dm, 0, Nmax, 0, L + 32 * j);
    }
    if constexpr (Nmax == 15) q4k_pack(L, yb);
    else q5k_pack(L, yb);
  }
}
template <int S> inline void quantize_superblocks_q4_k_avx2(const float* x, uint8_t* y) { quantize_superblocks_q45_k_avx2<15, S>(x, y); }
template <int S> inline void quantize_superblocks_q5_k_avx2(const float* x, uint8_t* y) { quantize_superblocks_q45_k_avx2<31, S>(x, y); }

// S super-blocks of q6_K.
template <int S> inline void quantize_superblocks_q6_k_avx2(const float* x, uint8_t* y) {
  constexpr int V = 2 * S;
  Lanes<16, V> X;
  load_lanes(x, X);
  QxFit<V> fit;
  qx_fit_lanes(X, 32, fit);
  for (int sb = 0; sb < S; sb++) {
    const float* xb = x + sb * kQK_K;
    uint8_t* yb = y + sb * q6k::kBytes;
    alignas(32) float scales[16];
    for (int h = 0; h < 2; h++) _mm256_store_ps(scales + 8 * h, fit.scale[2 * sb + h]);
    if (!q6k_write_scales(scales, yb)) continue;
    uint8_t L[kQK_K];
    for (int j = 0; j < 16; ++j) {
      const float d = q6k_sub_scale(yb, j);
      if (d == 0) qx_lane_codes(fit, 2 * sb + j / 8, j % 8, xb + 16 * j, 16, 32, L + 16 * j);
      else final_codes<16, false>(xb + 16 * j, d, 0, -32, 31, 32, L + 16 * j);
    }
    q6k_pack(L, yb);
  }
}

// A row of nb super-blocks, S at a time, then one by one. S (ggml.h): 4 for q4_K / q5_K (one vector of lanes each),
// 2 for the others (two each); more gained nothing measurable.
template <void (*Many)(const float*, uint8_t*), void (*One)(const float*, uint8_t*), int S, int Bytes>
inline void quantize_k_row(const float* x, size_t nb, uint8_t* y) {
  size_t i = 0;
  for (; i + S <= nb; i += S) Many(x + i * kQK_K, y + i * Bytes);
  for (; i < nb; i++) One(x + i * kQK_K, y + i * Bytes);
}

// ---- dequantize ----------------------------------------------------------------------------------------------------

// The 32 bytes of v as 4 vectors of 8 floats (unsigned or signed bytes).
template <bool Signed> inline void bytes32_to_floats(__m256i v, __m256* out) {
  const __m128i lo = _mm256_castsi256_si128(v), hi = _mm256_extracti128_si256(v, 1);
  const __m128i parts[4] = {lo, _mm_srli_si128(lo, 8), hi, _mm_srli_si128(hi, 8)};
  for (int k = 0; k < 4; k++) out[k] = Signed ? i8x8_to_float(parts[k]) : u8x8_to_float(parts[k]);
}

inline __m256i load32(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline __m256i bits_of_bytes(__m256i v, int shift, int mask) {  // (v >> shift) & mask, byte by byte
  return _mm256_and_si256(_mm256_srli_epi16(v, shift), _mm256_set1_epi8(static_cast<char>(mask)));
}
// 0 where byte & bit is set, else value (the not-set test of hmask / qh bits).
inline __m256i unless_bit(__m256i bytes, int bit, int value) {
  const __m256i clear = _mm256_cmpeq_epi8(_mm256_and_si256(bytes, _mm256_set1_epi8(static_cast<char>(bit))), _mm256_setzero_si256());
  return _mm256_and_si256(clear, _mm256_set1_epi8(static_cast<char>(value)));
}

inline void dequantize_superblock_q2_k_avx2(const uint8_t* y, float* out) {
  const float d = fp32_of(y + q2k::kD);
  const float min = fp32_of(y + q2k::kDmin);
  int is = 0;
  for (int n = 0; n < kQK_K; n += 128) {
    const __m256i q = load32(y + q2k::kQs + n / 4);
    for (int shift = 0; shift < 8; shift += 2) {
      __m256 v[4];
      bytes32_to_floats<false>(bits_of_bytes(q, shift, 3), v);
      for (int half = 0; half < 2; half++) {  // bytes 0-15 and 16-31: a sub-block each
        const uint8_t sc = y[q2k::kScales + is++];
        const __m256 dl = _mm256_set1_ps(d * static_cast<float>(sc & 0xF));
        const __m256 ml = _mm256_set1_ps(min * static_cast<float>(sc >> 4));
        for (int k = 0; k < 2; k++) _mm256_storeu_ps(out + 8 * k, _mm256_sub_ps(_mm256_mul_ps(dl, v[2 * half + k]), ml));
        out += 16;
      }
    }
  }
}

inline void dequantize_superblock_q3_k_avx2(const uint8_t* y, float* out) {
  const float d_all = fp32_of(y + q3k::kD);
  const __m256i hm = load32(y + q3k::kHmask);
  int is = 0;
  int m = 1;
  for (int n = 0; n < kQK_K; n += 128) {
    const __m256i q = load32(y + q3k::kQs + n / 4);
    for (int shift = 0; shift < 8; shift += 2) {
      __m256 v[4];
      bytes32_to_floats<true>(_mm256_sub_epi8(bits_of_bytes(q, shift, 3), unless_bit(hm, m, 4)), v);
      for (int half = 0; half < 2; half++) {
        const __m256 dl = _mm256_set1_ps(d_all * static_cast<float>(q3k_scale6(y + q3k::kScales, is++) - 32));
        for (int k = 0; k < 2; k++) _mm256_storeu_ps(out + 8 * k, _mm256_mul_ps(dl, v[2 * half + k]));
        out += 16;
      }
      m <<= 1;
    }
  }
}

template <bool FifthBits> inline void dequantize_superblock_q45_k_avx2(const uint8_t* y, float* out) {
  const float d = fp32_of(y + q4k::kD);
  const float min = fp32_of(y + q4k::kDmin);
  const uint8_t* ql = y + (FifthBits ? q5k::kQs : q4k::kQs);
  const __m256i qh = FifthBits ? load32(y + q5k::kQh) : _mm256_setzero_si256();
  int u1 = 1, u2 = 2;
  for (int is = 0; is < 8; is += 2) {
    const __m256i q = load32(ql);
    __m256i lo = bits_of_bytes(q, 0, 0x0f), hi = bits_of_bytes(q, 4, 0x0f);
    if constexpr (FifthBits) {  // + 16 where the qh bit is set: 16 - (16 where clear)
      lo = _mm256_add_epi8(lo, _mm256_sub_epi8(_mm256_set1_epi8(16), unless_bit(qh, u1, 16)));
      hi = _mm256_add_epi8(hi, _mm256_sub_epi8(_mm256_set1_epi8(16), unless_bit(qh, u2, 16)));
    }
    for (int part = 0; part < 2; part++) {
      uint8_t sc, m;
      get_scale_min_k4(is + part, y + q4k::kScales, &sc, &m);
      const __m256 dl = _mm256_set1_ps(d * static_cast<float>(sc));
      const __m256 ml = _mm256_set1_ps(min * static_cast<float>(m));
      __m256 v[4];
      bytes32_to_floats<false>(part == 0 ? lo : hi, v);
      for (int k = 0; k < 4; k++) _mm256_storeu_ps(out + 8 * k, _mm256_sub_ps(_mm256_mul_ps(dl, v[k]), ml));
      out += 32;
    }
    ql += 32;
    u1 <<= 2;
    u2 <<= 2;
  }
}

inline void dequantize_superblock_q6_k_avx2(const uint8_t* y, float* out) {
  const float d = fp32_of(y + q6k::kD);
  const uint8_t* ql = y + q6k::kQl;
  const uint8_t* qh = y + q6k::kQh;
  const uint8_t* sc = y + q6k::kScales;
  for (int n = 0; n < kQK_K; n += 128) {
    const __m256i l0 = load32(ql), l1 = load32(ql + 32), h = load32(qh);
    const __m256i high2[4] = {_mm256_slli_epi16(bits_of_bytes(h, 0, 3), 4), _mm256_slli_epi16(bits_of_bytes(h, 2, 3), 4),
                              _mm256_slli_epi16(bits_of_bytes(h, 4, 3), 4), _mm256_slli_epi16(bits_of_bytes(h, 6, 3), 4)};
    const __m256i low4[4] = {bits_of_bytes(l0, 0, 0x0f), bits_of_bytes(l1, 0, 0x0f), bits_of_bytes(l0, 4, 0x0f), bits_of_bytes(l1, 4, 0x0f)};
    for (int k = 0; k < 4; k++) {  // q1..q4 at out + 32k, scales sc[2k] (l < 16) and sc[2k + 1]
      __m256 v[4];
      bytes32_to_floats<true>(_mm256_sub_epi8(_mm256_or_si256(low4[k], high2[k]), _mm256_set1_epi8(32)), v);
      for (int part = 0; part < 2; part++) {
        // d * sc[is] * q: (d * float(sc)) * float(q), two roundings.
        const __m256 s = _mm256_set1_ps(d * static_cast<float>(ggml_int8(sc[2 * k + part])));
        for (int t = 0; t < 2; t++) _mm256_storeu_ps(out + 32 * k + 16 * part + 8 * t, _mm256_mul_ps(s, v[2 * part + t]));
      }
    }
    out += 128;
    ql += 64;
    qh += 32;
    sc += 8;
  }
}

}  // namespace
}  // namespace quantkit::avx2
