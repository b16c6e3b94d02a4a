// AVX2 kernels of the legacy GGML formats (blocks of 32), bit-exact with common/ggml_legacy.h. Quantize takes 8
// blocks at a time (their scales as one vector: 8 divisions and float16 conversions in one instruction each); the
// remaining blocks run the portable loops. Dequantize is one block at a time. Internal linkage only.
#pragma once

#include "../common/ggml_legacy.h"
#include "ggml_vec.h"

namespace quantkit::avx2 {
namespace {

constexpr size_t kBatch = 8;  // blocks per quantize step

// The 4 vectors of block b of a batch.
struct BlockVecs {
  __m256 v[4];
  explicit BlockVecs(const float* x) {
    for (int k = 0; k < 4; k++) v[k] = _mm256_loadu_ps(x + 8 * k);
  }
};

inline void store_fp16_batch(__m256 values, uint8_t* y, int bytes, int offset) {
  alignas(16) uint16_t h[kBatch];
  _mm_store_si128(reinterpret_cast<__m128i*>(h), fp16_of8(values));
  for (size_t b = 0; b < kBatch; b++) store_u16(y + b * bytes + offset, h[b]);
}

// Lane b: max |x| of block b (order-free: no NaN, all values >= +0).
inline __m256 batch_abs_max(const float* x) {
  __m256 parts[kBatch];
  for (size_t b = 0; b < kBatch; b++) {
    const BlockVecs a(x + b * kQK);
    parts[b] = _mm256_max_ps(_mm256_max_ps(abs8(a.v[0]), abs8(a.v[1])), _mm256_max_ps(abs8(a.v[2]), abs8(a.v[3])));
  }
  return max_8x8(parts);
}

// q4_0 / q5_0 codes before packing: MIN(cap, (int8_t)(x * id + offset)), truncated, int32 lanes.
template <int HalfLevels> inline void symmetric_codes(const BlockVecs& a, __m256 id, __m256i* c) {
  const __m256 offset = _mm256_set1_ps(static_cast<float>(HalfLevels) + 0.5f);
  for (int k = 0; k < 4; k++) {
    const __m256i t = int8_of8(trunc_to_int8(_mm256_add_ps(_mm256_mul_ps(a.v[k], id), offset)));
    c[k] = _mm256_min_epi32(t, _mm256_set1_epi32(2 * HalfLevels - 1));
  }
}

// symmetric_codes when the block's d is 0 or a normal float: then |x * id| <= HalfLevels * (1 + 2^-24)^3 (|x| <= |max|,
// d = max / -HalfLevels and id = 1 / d each rounded once, none subnormal), so x * id + HalfLevels + 0.5 truncates to a
// code in [0, 2 * HalfLevels] that the (int8_t) cast leaves as it is. (A subnormal d can round to less than |max| /
// HalfLevels and its inverse overflow: such blocks take symmetric_codes.)
template <int HalfLevels> inline void symmetric_codes_normal(const BlockVecs& a, __m256 id, __m256i* c) {
  const __m256 offset = _mm256_set1_ps(static_cast<float>(HalfLevels) + 0.5f);
  for (int k = 0; k < 4; k++) {
    c[k] = _mm256_min_epi32(trunc_to_int8(_mm256_add_ps(_mm256_mul_ps(a.v[k], id), offset)), _mm256_set1_epi32(2 * HalfLevels - 1));
  }
}

// Lanes where d is neither 0 nor a normal float (its magnitude below FLT_MIN).
inline int subnormal_lanes(__m256 d) {
  return _mm256_movemask_ps(_mm256_and_ps(lt8(abs8(d), _mm256_set1_ps(1.17549435e-38f)), ne8(d, _mm256_setzero_ps())));
}

// q4_1 / q5_1 codes: (x - min) * id + 0.5f truncated; q4_1 MIN(15, (int8_t)..), q5_1 the low byte as it is.
template <int Levels> inline void affine_codes(const BlockVecs& a, __m256 min, __m256 id, __m256i* c) {
  for (int k = 0; k < 4; k++) {
    const __m256i t = trunc_to_int8(_mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(a.v[k], min), id), _mm256_set1_ps(0.5f)));
    c[k] = Levels == 15 ? _mm256_min_epi32(int8_of8(t), _mm256_set1_epi32(15)) : t;
  }
}

// q4: qs[j] = (c[j] | c[j + 16] << 4) as uint8 (unmasked codes, as the portable pack_nibbles).
inline void store_nibbles(const __m256i* c, uint8_t* qs) {
  const __m256i byte = _mm256_set1_epi32(0xff);
  const __m256i lo = _mm256_or_si256(_mm256_and_si256(c[0], byte), _mm256_and_si256(_mm256_slli_epi32(c[2], 4), byte));
  const __m256i hi = _mm256_or_si256(_mm256_and_si256(c[1], byte), _mm256_and_si256(_mm256_slli_epi32(c[3], 4), byte));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(qs), pack_low_bytes_2x8(lo, hi));
}

// store_nibbles of codes in [0, 15]: nothing to mask.
inline void store_small_nibbles(const __m256i* c, uint8_t* qs) {
  const __m256i lo = _mm256_or_si256(c[0], _mm256_slli_epi32(c[2], 4));
  const __m256i hi = _mm256_or_si256(c[1], _mm256_slli_epi32(c[3], 4));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(qs), pack_bytes_2x8(lo, hi));
}

// q5: masked nibbles in qs, bit 4 of code j in bit j of the little-endian uint32 qh.
inline void store_five_bits(const __m256i* c, uint8_t* qh, uint8_t* qs) {
  const __m256i nib = _mm256_set1_epi32(0x0f);
  const __m256i lo = _mm256_or_si256(_mm256_and_si256(c[0], nib), _mm256_slli_epi32(_mm256_and_si256(c[2], nib), 4));
  const __m256i hi = _mm256_or_si256(_mm256_and_si256(c[1], nib), _mm256_slli_epi32(_mm256_and_si256(c[3], nib), 4));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(qs), pack_low_bytes_2x8(lo, hi));
  store_u32(qh, bit4_mask8(c[0]) | (bit4_mask8(c[1]) << 8) | (bit4_mask8(c[2]) << 16) | (bit4_mask8(c[3]) << 24));
}

// Lanes b: min and max of block b (exact values; the sign of a zero minimum or maximum is the reduction's).
inline void batch_min_max(const float* x, __m256* min, __m256* max) {
  __m256 mins[kBatch], maxs[kBatch];
  for (size_t b = 0; b < kBatch; b++) {
    const BlockVecs a(x + b * kQK);
    mins[b] = _mm256_min_ps(_mm256_min_ps(a.v[0], a.v[1]), _mm256_min_ps(a.v[2], a.v[3]));
    maxs[b] = _mm256_max_ps(_mm256_max_ps(a.v[0], a.v[1]), _mm256_max_ps(a.v[2], a.v[3]));
  }
  *min = min_8x8(mins);
  *max = max_8x8(maxs);
}

// 8 blocks of q4_0 (HalfLevels 8) or q5_0 (16). The scale's `max` is the first element of largest magnitude with its
// sign: the block's max when only it reaches the largest magnitude, its min when only that does, and +0 for an all-zero
// block (upstream never updates it there, so d = +0 / -8 = -0 even when the block holds -0). When both +a and -a are
// there, whichever comes first: the portable scan, for those blocks only.
template <int HalfLevels> inline void quantize_batch_symmetric(const float* x, uint8_t* y) {
  constexpr LegacyLayout kLayout = HalfLevels == 8 ? kQ4_0 : kQ5_0;
  __m256 lo, hi;
  batch_min_max(x, &lo, &hi);
  const __m256 zero = _mm256_setzero_ps();
  const __m256 amax = _mm256_max_ps(hi, neg8(lo));
  __m256 max = _mm256_and_ps(select8(eq8(hi, amax), lo, hi), ne8(amax, zero));
  const int ties = _mm256_movemask_ps(_mm256_and_ps(eq8(hi, neg8(lo)), ne8(amax, zero)));
  if (ties != 0) {
    alignas(32) float m[kBatch];
    _mm256_store_ps(m, max);
    for (size_t b = 0; b < kBatch; b++) {
      if ((ties >> b) & 1) m[b] = legacy_signed_max(x + b * kQK);
    }
    max = _mm256_load_ps(m);
  }
  alignas(32) float id[kBatch];
  const __m256 d = _mm256_div_ps(max, _mm256_set1_ps(-static_cast<float>(HalfLevels)));
  _mm256_store_ps(id, inverse_or_zero8(d));
  store_fp16_batch(d, y, kLayout.bytes, 0);
  const bool normal = subnormal_lanes(d) == 0;
  for (size_t b = 0; b < kBatch; b++) {
    __m256i c[4];
    uint8_t* yb = y + b * kLayout.bytes;
    if (normal) {
      symmetric_codes_normal<HalfLevels>(BlockVecs(x + b * kQK), _mm256_set1_ps(id[b]), c);
      if constexpr (HalfLevels == 8) store_small_nibbles(c, yb + kLayout.qs);
      else store_five_bits(c, yb + kLayout.qh, yb + kLayout.qs);
      continue;
    }
    symmetric_codes<HalfLevels>(BlockVecs(x + b * kQK), _mm256_set1_ps(id[b]), c);
    if constexpr (HalfLevels == 8) store_nibbles(c, yb + kLayout.qs);
    else store_five_bits(c, yb + kLayout.qh, yb + kLayout.qs);
  }
}

// 8 blocks of q4_1 (Levels 15) or q5_1 (31). min and max are exact from the vector reductions except for the sign of
// a zero (upstream keeps the first of -0 and +0): blocks whose min or max is zero take the portable fold.
template <int Levels> inline void quantize_batch_affine(const float* x, uint8_t* y) {
  constexpr LegacyLayout kLayout = Levels == 15 ? kQ4_1 : kQ5_1;
  __m256 vmin, vmax;
  batch_min_max(x, &vmin, &vmax);
  alignas(32) float min[kBatch], max[kBatch], id[kBatch];
  _mm256_store_ps(min, vmin);
  _mm256_store_ps(max, vmax);
  const __m256 zero = _mm256_setzero_ps();
  if (_mm256_movemask_ps(_mm256_or_ps(eq8(vmin, zero), eq8(vmax, zero))) != 0) {
    for (size_t b = 0; b < kBatch; b++) {
      if (min[b] == 0.0f || max[b] == 0.0f) legacy_min_max(x + b * kQK, &min[b], &max[b]);
    }
  }
  const __m256 lo = _mm256_load_ps(min);
  const __m256 d = _mm256_div_ps(_mm256_sub_ps(_mm256_load_ps(max), lo), _mm256_set1_ps(static_cast<float>(Levels)));
  _mm256_store_ps(id, inverse_or_zero8(d));
  store_fp16_batch(d, y, kLayout.bytes, 0);
  store_fp16_batch(lo, y, kLayout.bytes, 2);
  for (size_t b = 0; b < kBatch; b++) {
    __m256i c[4];
    affine_codes<Levels>(BlockVecs(x + b * kQK), _mm256_set1_ps(min[b]), _mm256_set1_ps(id[b]), c);
    uint8_t* yb = y + b * kLayout.bytes;
    if constexpr (Levels == 15) store_nibbles(c, yb + kLayout.qs);
    else store_five_bits(c, yb + kLayout.qh, yb + kLayout.qs);
  }
}

// The sum of the 32 int8 codes at qs: sad against 0 of the bytes biased to unsigned (x ^ 0x80 = x + 128).
inline int32_t int8_sum_32(__m256i codes) {
  const __m256i sad = _mm256_sad_epu8(_mm256_xor_si256(codes, _mm256_set1_epi8(static_cast<char>(0x80))), _mm256_setzero_si256());
  const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(sad), _mm256_extracti128_si256(sad, 1));
  return static_cast<int32_t>(_mm_cvtsi128_si32(s) + _mm_extract_epi32(s, 2)) - 128 * kQK;
}

// 8 blocks of q8_0 or q8_1 (with s = fp16(sum * d)).
template <LegacyLayout Layout> inline void quantize_batch_q8(const float* x, uint8_t* y) {
  alignas(32) float d[kBatch], id[kBatch];
  const __m256 vd = _mm256_div_ps(batch_abs_max(x), _mm256_set1_ps(127.0f));
  _mm256_store_ps(d, vd);
  _mm256_store_ps(id, inverse_or_zero8(vd));
  store_fp16_batch(vd, y, Layout.bytes, 0);
  // With every d 0 or normal, |x * id| <= 127 * (1 + 2^-24)^3 rounds to a code in [-127, 127] (see
  // symmetric_codes_normal): packed without masking. A subnormal d may overflow its inverse (INT32_MIN codes, whose
  // low byte is 0): masked.
  const bool normal = subnormal_lanes(vd) == 0;
  for (size_t b = 0; b < kBatch; b++) {
    const BlockVecs a(x + b * kQK);
    const __m256 ib = _mm256_set1_ps(id[b]);
    __m256i c[4];
    for (int k = 0; k < 4; k++) c[k] = roundf_to_int8(_mm256_mul_ps(a.v[k], ib));
    const __m256i codes = normal ? pack_int8_4x8(c[0], c[1], c[2], c[3]) : pack_low_bytes_4x8(c[0], c[1], c[2], c[3]);
    uint8_t* yb = y + b * Layout.bytes;
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(yb + Layout.qs), codes);
    if constexpr (Layout.qs == kQ8_1.qs) store_u16(yb + 2, fp16_of(static_cast<float>(int8_sum_32(codes)) * d[b]));
  }
}

// Runs Batch over whole batches of 8 blocks and the portable Block over the rest. The batches are cheap enough for
// memory to be the limit on long rows: each one prefetches the batch kPrefetchBatches ahead (about a third faster at
// 16M elements than the hardware prefetcher alone).
constexpr size_t kPrefetchBatches = 8;

template <void (*Batch)(const float*, uint8_t*), void (*Block)(const float*, uint8_t*), int Bytes>
inline void quantize_legacy(const float* x, size_t nb, uint8_t* y) {
  size_t i = 0;
  for (; i + kBatch <= nb; i += kBatch) {
    if (i + (kPrefetchBatches + 1) * kBatch <= nb) {
      const char* ahead = reinterpret_cast<const char*>(x + (i + kPrefetchBatches * kBatch) * kQK);
      for (size_t k = 0; k < kBatch * kQK * sizeof(float); k += 64) _mm_prefetch(ahead + k, _MM_HINT_T0);
    }
    Batch(x + i * kQK, y + i * Bytes);
  }
  quantize_blocks_loop<Block, Bytes>(x + i * kQK, nb - i, y + i * Bytes);
}

// ---- dequantize ----------------------------------------------------------------------------------------------------

// dequantize_row_q4_0 / q4_1 / q5_0 / q5_1 of one block: 4 vectors of codes, then x * d (+ m).
template <bool HasMin, bool FifthBits> inline void dequantize_block_q4_q5_avx2(const uint8_t* y, float* out) {
  constexpr LegacyLayout kLayout = HasMin ? (FifthBits ? kQ5_1 : kQ4_1) : (FifthBits ? kQ5_0 : kQ4_0);
  const __m256 d = _mm256_set1_ps(fp32_of(y));
  const __m256 m = _mm256_set1_ps(HasMin ? fp32_of(y + 2) : 0.0f);
  const __m128i qs = _mm_loadu_si128(reinterpret_cast<const __m128i*>(y + kLayout.qs));
  const __m128i nib = _mm_set1_epi8(0x0f);
  const __m128i halves[2] = {_mm_and_si128(qs, nib), _mm_and_si128(_mm_srli_epi16(qs, 4), nib)};  // elements 0-15, 16-31
  const __m256i qh = _mm256_set1_epi32(FifthBits ? static_cast<int32_t>(load_u32(y + kLayout.qh)) : 0);
  for (int k = 0; k < 4; k++) {
    __m256i q = _mm256_cvtepu8_epi32(k % 2 == 0 ? halves[k / 2] : _mm_srli_si128(halves[k / 2], 8));
    if constexpr (FifthBits) {  // bit 8k + lane of qh is the fifth bit of element 8k + lane
      const __m256i shifts = _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(8 * k));
      q = _mm256_or_si256(q, _mm256_slli_epi32(_mm256_and_si256(_mm256_srlv_epi32(qh, shifts), _mm256_set1_epi32(1)), 4));
    }
    if constexpr (!HasMin) q = _mm256_sub_epi32(q, _mm256_set1_epi32(FifthBits ? 16 : 8));
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(q), d);
    if constexpr (HasMin) v = _mm256_add_ps(v, m);
    _mm256_storeu_ps(out + 8 * k, v);
  }
}

template <LegacyLayout Layout> inline void dequantize_block_q8_avx2(const uint8_t* y, float* out) {
  const __m256 d = _mm256_set1_ps(fp32_of(y));
  for (int k = 0; k < 4; k++) {
    const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(y + Layout.qs + 8 * k));
    _mm256_storeu_ps(out + 8 * k, _mm256_mul_ps(i8x8_to_float(bytes), d));
  }
}

}  // namespace
}  // namespace quantkit::avx2
