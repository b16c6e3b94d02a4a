// NEON embedding kernels (contract in common/embeddings.h; docs/EMBEDDINGS.md): the Hamming and integer dot / L2
// scans here; quantize and binary packing in embeddings_quantize.h, the asymmetric and float32 scans in
// embeddings_scores.h, top-k in top_k.h. Names as in the other sets, for the kernel table and embeddings_test.
#pragma once

#include "../common/embeddings.h"
#include "embeddings_quantize.h"
#include "embeddings_scores.h"
#include "top_k.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

/*
 * The integer scores are exact modulo 2^32 (uint32 sums), so any order of additions gives the same bits: 16 bytes per
 * step, byte products widened exactly (int8 * int8 and |a - b|^2 fit 16 bits: 16384 and 65025 at most; SABD / UABD give
 * |a - b| <= 255 as an unsigned byte), pairwise-added into 32-bit lanes that wrap like the scalar uint32 sum; the
 * tail through the portable *_from loops, added modulo 2^32.
 */
inline uint32_t hamming_row(const uint8_t* a, const uint8_t* b, size_t n) {
  uint32x4_t acc = vdupq_n_u32(0);
  size_t j = 0;
  for (; j + 16 <= n; j += 16) acc = vpadalq_u16(acc, vpaddlq_u8(vcntq_u8(veorq_u8(vld1q_u8(a + j), vld1q_u8(b + j)))));
  return vaddvq_u32(acc) + hamming_from(a, b, j, n);
}

// Sum of squares of 16 byte distances |a - b| into acc.
inline uint32x4_t add_squares(uint32x4_t acc, uint8x16_t d) {
  acc = vpadalq_u16(acc, vmull_u8(vget_low_u8(d), vget_low_u8(d)));
  return vpadalq_u16(acc, vmull_high_u8(d, d));
}

inline uint32_t dot_row(const int8_t* a, const int8_t* b, size_t n) {
  int32x4_t acc = vdupq_n_s32(0);
  size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const int8x16_t x = vld1q_s8(a + j), y = vld1q_s8(b + j);
    acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(x), vget_low_s8(y)));
    acc = vpadalq_s16(acc, vmull_high_s8(x, y));
  }
  return vaddvq_u32(vreinterpretq_u32_s32(acc)) + dot_codes_from(a, b, j, n);
}
inline uint32_t dot_row(const uint8_t* a, const uint8_t* b, size_t n) {
  uint32x4_t acc = vdupq_n_u32(0);
  size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const uint8x16_t x = vld1q_u8(a + j), y = vld1q_u8(b + j);
    acc = vpadalq_u16(acc, vmull_u8(vget_low_u8(x), vget_low_u8(y)));
    acc = vpadalq_u16(acc, vmull_high_u8(x, y));
  }
  return vaddvq_u32(acc) + dot_codes_from(a, b, j, n);
}
inline uint32_t l2_row(const int8_t* a, const int8_t* b, size_t n) {
  uint32x4_t acc = vdupq_n_u32(0);
  size_t j = 0;
  for (; j + 16 <= n; j += 16) acc = add_squares(acc, vreinterpretq_u8_s8(vabdq_s8(vld1q_s8(a + j), vld1q_s8(b + j))));
  return vaddvq_u32(acc) + l2_codes_from(a, b, j, n);
}
inline uint32_t l2_row(const uint8_t* a, const uint8_t* b, size_t n) {
  uint32x4_t acc = vdupq_n_u32(0);
  size_t j = 0;
  for (; j + 16 <= n; j += 16) acc = add_squares(acc, vabdq_u8(vld1q_u8(a + j), vld1q_u8(b + j)));
  return vaddvq_u32(acc) + l2_codes_from(a, b, j, n);
}

void hamming_scan(const uint8_t* query, const uint8_t* rows, size_t count, size_t bytes_per_row, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = hamming_row(query, rows + r * bytes_per_row, bytes_per_row);
}
void dot_scan_i8(const int8_t* query, const int8_t* rows, size_t count, size_t dim, int32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = static_cast<int32_t>(dot_row(query, rows + r * dim, dim));
}
void dot_scan_u8(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = dot_row(query, rows + r * dim, dim);
}
void l2_scan_i8(const int8_t* query, const int8_t* rows, size_t count, size_t dim, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = l2_row(query, rows + r * dim, dim);
}
void l2_scan_u8(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = l2_row(query, rows + r * dim, dim);
}

}  // namespace
}  // namespace quantkit::neon
