// NEON dequantizers of the K-quants (super-blocks of 256), bit-exact with common/ggml_k.h: 16 codes per byte vector,
// widened to 4 vectors of floats, then each sub-block's `dl * q (- ml)` with the sub-block's float factors computed in
// scalar float exactly as the portable code (two roundings, no fusion). Internal linkage only.
#pragma once

#include "../common/ggml_k.h"
#include "ggml_vec.h"

namespace quantkit::neon {
namespace {

inline uint8x16_t bits_of_bytes(uint8x16_t v, int shift, int mask) {  // (v >> shift) & mask, byte by byte
  return vandq_u8(vshlq_u8(v, vdupq_n_s8(static_cast<int8_t>(-shift))), vdupq_n_u8(static_cast<uint8_t>(mask)));
}
// value where byte & bit is clear, else 0 (the not-set test of hmask / qh bits).
inline uint8x16_t unless_bit(uint8x16_t bytes, int bit, int value) {
  return vbicq_u8(vdupq_n_u8(static_cast<uint8_t>(value)), vtstq_u8(bytes, vdupq_n_u8(static_cast<uint8_t>(bit))));
}

// out[0, 16) = dl * v[k] - ml (Min) or dl * v[k].
template <bool Min> inline void scale_store16(const float32x4_t* v, float dl, float ml, float* out) {
  const float32x4_t d = vdupq_n_f32(dl), m = vdupq_n_f32(ml);
  for (int k = 0; k < 4; k++) {
    const float32x4_t p = vmulq_f32(d, v[k]);
    vst1q_f32(out + 4 * k, Min ? vsubq_f32(p, m) : p);
  }
}

inline void dequantize_superblock_q2_k_neon(const uint8_t* y, float* out) {
  const float d = fp32_of(y + q2k::kD);
  const float min = fp32_of(y + q2k::kDmin);
  int is = 0;
  for (int n = 0; n < kQK_K; n += 128) {
    const uint8x16_t q[2] = {vld1q_u8(y + q2k::kQs + n / 4), vld1q_u8(y + q2k::kQs + n / 4 + 16)};
    for (int shift = 0; shift < 8; shift += 2) {
      for (int half = 0; half < 2; half++) {  // bytes 0-15 and 16-31: a sub-block each
        const uint8_t sc = y[q2k::kScales + is++];
        float32x4_t v[4];
        u8x16_to_floats(bits_of_bytes(q[half], shift, 3), v);
        scale_store16<true>(v, d * static_cast<float>(sc & 0xF), min * static_cast<float>(sc >> 4), out);
        out += 16;
      }
    }
  }
}

inline void dequantize_superblock_q3_k_neon(const uint8_t* y, float* out) {
  const float d_all = fp32_of(y + q3k::kD);
  const uint8x16_t hm[2] = {vld1q_u8(y + q3k::kHmask), vld1q_u8(y + q3k::kHmask + 16)};
  int is = 0;
  int m = 1;
  for (int n = 0; n < kQK_K; n += 128) {
    const uint8x16_t q[2] = {vld1q_u8(y + q3k::kQs + n / 4), vld1q_u8(y + q3k::kQs + n / 4 + 16)};
    for (int shift = 0; shift < 8; shift += 2) {
      for (int half = 0; half < 2; half++) {
        const uint8x16_t codes = vsubq_u8(bits_of_bytes(q[half], shift, 3), unless_bit(hm[half], m, 4));
        float32x4_t v[4];
        s8x16_to_floats(vreinterpretq_s8_u8(codes), v);
        scale_store16<false>(v, d_all * static_cast<float>(q3k_scale6(y + q3k::kScales, is++) - 32), 0.0f, out);
        out += 16;
      }
      m <<= 1;
    }
  }
}

template <bool FifthBits> inline void dequantize_superblock_q45_k_neon(const uint8_t* y, float* out) {
  const float d = fp32_of(y + q4k::kD);
  const float min = fp32_of(y + q4k::kDmin);
  const uint8_t* ql = y + (FifthBits ? q5k::kQs : q4k::kQs);
  int u1 = 1, u2 = 2;
  for (int is = 0; is < 8; is += 2) {
    for (int part = 0; part < 2; part++) {  // low nibbles: sub-block is, high nibbles: is + 1
      uint8_t sc, m;
      get_scale_min_k4(is + part, y + q4k::kScales, &sc, &m);
      const float dl = d * static_cast<float>(sc), ml = min * static_cast<float>(m);
      for (int half = 0; half < 2; half++) {
        uint8x16_t q = bits_of_bytes(vld1q_u8(ql + 16 * half), 4 * part, 0x0f);
        if constexpr (FifthBits) {  // + 16 where the qh bit is set: 16 - (16 where clear)
          const uint8x16_t qh = vld1q_u8(y + q5k::kQh + 16 * half);
          q = vaddq_u8(q, vsubq_u8(vdupq_n_u8(16), unless_bit(qh, part == 0 ? u1 : u2, 16)));
        }
        float32x4_t v[4];
        u8x16_to_floats(q, v);
        scale_store16<true>(v, dl, ml, out);
        out += 16;
      }
    }
    ql += 32;
    u1 <<= 2;
    u2 <<= 2;
  }
}

inline void dequantize_superblock_q4_k_neon(const uint8_t* y, float* out) { dequantize_superblock_q45_k_neon<false>(y, out); }
inline void dequantize_superblock_q5_k_neon(const uint8_t* y, float* out) { dequantize_superblock_q45_k_neon<true>(y, out); }

inline void dequantize_superblock_q6_k_neon(const uint8_t* y, float* out) {
  const float d = fp32_of(y + q6k::kD);
  const uint8_t* ql = y + q6k::kQl;
  const uint8_t* qh = y + q6k::kQh;
  const uint8_t* sc = y + q6k::kScales;
  for (int n = 0; n < kQK_K; n += 128) {
    for (int half = 0; half < 2; half++) {  // l in [16 half, 16 half + 16): scale sc[2k + half] for q1..q4
      const uint8x16_t l0 = vld1q_u8(ql + 16 * half), l1 = vld1q_u8(ql + 32 + 16 * half), h = vld1q_u8(qh + 16 * half);
      const uint8x16_t low4[4] = {bits_of_bytes(l0, 0, 0x0f), bits_of_bytes(l1, 0, 0x0f), bits_of_bytes(l0, 4, 0x0f), bits_of_bytes(l1, 4, 0x0f)};
      for (int k = 0; k < 4; k++) {  // q1..q4 at out + 32k
        const uint8x16_t q = vsubq_u8(vorrq_u8(low4[k], vshlq_n_u8(bits_of_bytes(h, 2 * k, 3), 4)), vdupq_n_u8(32));
        float32x4_t v[4];
        s8x16_to_floats(vreinterpretq_s8_u8(q), v);
        // d * sc[is] * q: (d * float(sc)) * float(q), two roundings.
        scale_store16<false>(v, d * static_cast<float>(ggml_int8(sc[2 * k + half])), 0.0f, out + 32 * k + 16 * half);
      }
    }
    out += 128;
    ql += 64;
    qh += 32;
    sc += 8;
  }
}

}  // namespace
}  // namespace quantkit::neon
