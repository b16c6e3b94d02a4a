// NEON embedding quantization and binary packing (contract in common/embeddings.h), 8 values a step for quantize and 16
// for packing, float32 and float64 alike; tails through the portable loops. Included by neon/embeddings.h.
#pragma once

#include "../common/embeddings.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

// ---- quantize -------------------------------------------------------------------------------------------------------

// t = fl(fl(x - start) / divisor) of 4 float32 or 2 float64 lanes (FDIV: the correctly rounded quotient, as the scalar
// `/`). A step of 0 divides by 1.
inline float32x4_t embedding_positions(const float* x, const float* starts, const float* steps) {
  const float32x4_t step = vld1q_f32(steps);
  const float32x4_t divisor = vbslq_f32(vceqzq_f32(step), vdupq_n_f32(1.0f), step);
  return vdivq_f32(vsubq_f32(vld1q_f32(x), vld1q_f32(starts)), divisor);
}
inline float64x2_t embedding_positions(const double* x, const double* starts, const double* steps) {
  const float64x2_t step = vld1q_f64(steps);
  const float64x2_t divisor = vbslq_f64(vceqzq_f64(step), vdupq_n_f64(1.0), step);
  return vdivq_f64(vsubq_f64(vld1q_f64(x), vld1q_f64(starts)), divisor);
}

// The codes of 4 float32 (2 float64) lanes, saturated to 16 (32) bits; narrow_codes narrows them to bytes, saturating
// again. U8 / I8Floor: FCVTZU truncates (floor for t > 0), gives 0 for t <= 0 and NaN and saturates large t, and the
// UQXTNs saturate to 255: exactly embedding_bucket. I8TowardZero: v = fl(t - 128); FMAXNM with -128 maps the (always
// quiet: t is an arithmetic result) NaN to -128 like `!(v > -128)`, FCVTZS truncates toward zero and SQXTN saturates to
// [-128, 127] (here and in narrow_codes).
inline uint16x4_t codes_u16(float32x4_t t, EmbeddingCodes codes) {
  if (codes == EmbeddingCodes::I8TowardZero) {
    const float32x4_t v = vmaxnmq_f32(vsubq_f32(t, vdupq_n_f32(128.0f)), vdupq_n_f32(-128.0f));
    return vreinterpret_u16_s16(vqmovn_s32(vcvtq_s32_f32(v)));
  }
  return vqmovn_u32(vcvtq_u32_f32(t));
}
inline uint32x2_t codes_u32(float64x2_t t, EmbeddingCodes codes) {
  if (codes == EmbeddingCodes::I8TowardZero) {
    const float64x2_t v = vmaxnmq_f64(vsubq_f64(t, vdupq_n_f64(128.0)), vdupq_n_f64(-128.0));
    return vreinterpret_u32_s32(vqmovn_s64(vcvtq_s64_f64(v)));
  }
  return vqmovn_u64(vcvtq_u64_f64(t));
}

// 8 codes saturated to 16 bits (int16 for I8TowardZero) as 8 code bytes, saturating once more.
inline uint8x8_t narrow_codes(uint16x8_t v, EmbeddingCodes codes) {
  if (codes == EmbeddingCodes::I8TowardZero) return vreinterpret_u8_s8(vqmovn_s16(vreinterpretq_s16_u16(v)));
  const uint8x8_t u = vqmovn_u16(v);
  return codes == EmbeddingCodes::I8Floor ? veor_u8(u, vdup_n_u8(0x80)) : u;  // bucket - 128 as a byte
}

inline uint8x8_t codes8(const float* x, const float* starts, const float* steps, EmbeddingCodes codes) {
  const uint16x4_t lo = codes_u16(embedding_positions(x, starts, steps), codes);
  const uint16x4_t hi = codes_u16(embedding_positions(x + 4, starts + 4, steps + 4), codes);
  return narrow_codes(vcombine_u16(lo, hi), codes);
}
inline uint8x8_t codes8(const double* x, const double* starts, const double* steps, EmbeddingCodes codes) {
  uint32x4_t words[2];
  for (int h = 0; h < 2; h++) {
    const uint32x2_t a = codes_u32(embedding_positions(x + 4 * h, starts + 4 * h, steps + 4 * h), codes);
    const uint32x2_t b = codes_u32(embedding_positions(x + 4 * h + 2, starts + 4 * h + 2, steps + 4 * h + 2), codes);
    words[h] = vcombine_u32(a, b);
  }
  // 32-bit codes to 16 bits, saturating in the codes' signedness as codes_u16 does.
  if (codes == EmbeddingCodes::I8TowardZero) {
    return narrow_codes(vreinterpretq_u16_s16(vcombine_s16(vqmovn_s32(vreinterpretq_s32_u32(words[0])), vqmovn_s32(vreinterpretq_s32_u32(words[1])))), codes);
  }
  return narrow_codes(vcombine_u16(vqmovn_u32(words[0]), vqmovn_u32(words[1])), codes);
}

template <typename F>
void quantize_embedding_rows(const F* x, size_t rows, size_t dim, const F* starts, const F* steps, EmbeddingCodes codes, uint8_t* out) {
  for (size_t r = 0; r < rows; r++) {
    const F* row = x + r * dim;
    uint8_t* row_out = out + r * dim;
    size_t d = 0;
    for (; d + 8 <= dim; d += 8) vst1_u8(row_out + d, codes8(row + d, starts + d, steps + d, codes));
    quantize_embedding_row_from(row, d, dim, starts, steps, codes, row_out);
  }
}

// ---- binary -------------------------------------------------------------------------------------------------------

// The bits of 16 values as 16 bytes, 0xff where the bit is set (FCMGT / FCMGE with 0: false for NaN, -0 >= 0), the
// lane masks narrowed in element order.
inline uint32x4_t bit_masks(float32x4_t v, BitThreshold threshold) {
  return threshold == BitThreshold::NonNegative ? vcgezq_f32(v) : vcgtzq_f32(v);
}
inline uint32x4_t bit_masks(const double* p, BitThreshold threshold) {
  const float64x2_t a = vld1q_f64(p), b = vld1q_f64(p + 2);
  const bool nonneg = threshold == BitThreshold::NonNegative;
  return vcombine_u32(vmovn_u64(nonneg ? vcgezq_f64(a) : vcgtzq_f64(a)), vmovn_u64(nonneg ? vcgezq_f64(b) : vcgtzq_f64(b)));
}
inline uint32x4_t bit_masks(const float* p, BitThreshold threshold) { return bit_masks(vld1q_f32(p), threshold); }

template <typename F> inline uint8x16_t bit_masks16(const F* p, BitThreshold threshold) {
  const uint16x8_t lo = vcombine_u16(vmovn_u32(bit_masks(p, threshold)), vmovn_u32(bit_masks(p + 4, threshold)));
  const uint16x8_t hi = vcombine_u16(vmovn_u32(bit_masks(p + 8, threshold)), vmovn_u32(bit_masks(p + 12, threshold)));
  return vcombine_u8(vmovn_u16(lo), vmovn_u16(hi));
}

// Two packed bytes from 16 values: each mask keeps its bit's weight (element k of a byte at 0x80 >> k or 1 << k), and
// three pairwise additions (ADDP; the weights are distinct bits, so adding is OR) sum the 8 weights of each byte.
template <typename F> inline uint16_t binary_bytes2(const F* p, uint8x16_t weights, BitThreshold threshold) {
  uint8x16_t s = vandq_u8(bit_masks16(p, threshold), weights);
  s = vpaddq_u8(s, s);
  s = vpaddq_u8(s, s);
  s = vpaddq_u8(s, s);
  return vgetq_lane_u16(vreinterpretq_u16_u8(s), 0);  // byte 0, then byte 1 (little-endian)
}

template <typename F>
void pack_binary_rows(const F* x, size_t rows, size_t dim, BitOrder order, BitThreshold threshold, bool signed_codes, uint8_t* out) {
  static constexpr uint8_t kMsb[16] = {0x80, 0x40, 0x20, 0x10, 8, 4, 2, 1, 0x80, 0x40, 0x20, 0x10, 8, 4, 2, 1};
  static constexpr uint8_t kLsb[16] = {1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80};
  const uint8x16_t weights = vld1q_u8(order == BitOrder::Msb ? kMsb : kLsb);
  const uint16_t flip = signed_codes ? 0x8080u : 0u;
  const size_t bytes = packed_row_bytes(dim);
  for (size_t r = 0; r < rows; r++) {
    const F* row = x + r * dim;
    uint8_t* row_out = out + r * bytes;
    size_t j = 0;  // output byte
    for (; 8 * j + 16 <= dim; j += 2) {
      const uint16_t two = static_cast<uint16_t>(binary_bytes2(row + 8 * j, weights, threshold) ^ flip);
      __builtin_memcpy(row_out + j, &two, sizeof two);
    }
    pack_binary_row_from(row, dim, j, order, threshold, signed_codes, row_out);
  }
}

}  // namespace
}  // namespace quantkit::neon
