// AVX2 embedding kernels: the same results as common/embeddings.h (the contract is written there), bit for bit.
// Quantize and binary packing 8 float32 / 4 float64 values a step; Hamming by the nibble-table popcount (vpshufb) with
// byte counts summed by vpsadbw; integer dot and L2 with codes widened to int16 (vpmovsxbw / vpmovzxbw) and pairs
// multiplied and added into int32 by vpmaddwd, which cannot overflow (|pair| <= 2 * 255^2); asymmetric scores with
// lanes 0..3 and 4..7 of the 8 float64 lanes in two registers. Tails through the portable loops. Included only by the
// file compiled with -mavx2 (vec.h checks).
#pragma once

#include "../common/embeddings.h"
#include "vec.h"

namespace quantkit::avx2 {
namespace {

// Scans and quantize read rows once, front to back: prefetching 2 KiB ahead (a hint: never faults past the end) keeps
// more of the stream in flight than the hardware prefetcher alone (int8 dot 1M x 1024 from DRAM: 10-11.8 instead of
// 5-8.5 G/s; int8 quantize 1M x 1024: 2.2 instead of 1.4 G/s).
constexpr size_t kPrefetchBytes = 2048;

// ---- quantize -------------------------------------------------------------------------------------------------------

inline __m256 embedding_positions(__m256 x, const float* starts, const float* steps) {
  const __m256 step = _mm256_loadu_ps(steps);
  const __m256 divisor = _mm256_blendv_ps(step, _mm256_set1_ps(1.0f), _mm256_cmp_ps(step, _mm256_setzero_ps(), _CMP_EQ_OQ));
  return _mm256_div_ps(_mm256_sub_ps(x, _mm256_loadu_ps(starts)), divisor);
}

inline __m256d embedding_positions(__m256d x, const double* starts, const double* steps) {
  const __m256d step = _mm256_loadu_pd(steps);
  const __m256d divisor = _mm256_blendv_pd(step, _mm256_set1_pd(1.0), _mm256_cmp_pd(step, _mm256_setzero_pd(), _CMP_EQ_OQ));
  return _mm256_div_pd(_mm256_sub_pd(x, _mm256_loadu_pd(starts)), divisor);
}

inline __m256i truncate_to_int32(__m256 v) { return _mm256_cvttps_epi32(v); }
inline __m128i truncate_to_int32(__m256d v) { return _mm256_cvttpd_epi32(v); }
inline __m256i minus_128(__m256i v) { return _mm256_sub_epi32(v, _mm256_set1_epi32(128)); }
inline __m128i minus_128(__m128i v) { return _mm_sub_epi32(v, _mm_set1_epi32(128)); }

// Codes as int32 from positions t (8 floats or 4 doubles). max/min return their second operand for a NaN first one, so
// NaN lands on the low end exactly as the scalar `!(t > 0)` test does; cvtt truncates, which is floor on the clamped
// (>= 0) buckets.
template <typename F> inline auto codes_of(typename Vec<F>::V t, EmbeddingCodes codes) {
  using V = Vec<F>;
  if (codes == EmbeddingCodes::I8TowardZero) return truncate_to_int32(V::min(V::max(V::sub(t, V::set1(F(128))), V::set1(F(-128))), V::set1(F(127))));
  const auto u = truncate_to_int32(V::min(V::max(t, V::zero()), V::set1(F(255))));
  return codes == EmbeddingCodes::I8Floor ? minus_128(u) : u;
}

// int32 codes in [-128, 255] narrowed to bytes (unsigned saturation for U8, signed for the int8 kinds: both exact).
inline __m128i narrow_codes(__m128i v, EmbeddingCodes codes) {
  const __m128i words = _mm_packs_epi32(v, v);
  return codes == EmbeddingCodes::U8 ? _mm_packus_epi16(words, words) : _mm_packs_epi16(words, words);
}

inline void store_codes(__m256i v, EmbeddingCodes codes, uint8_t* out) {  // 8 codes
  const __m128i lo = narrow_codes(_mm256_castsi256_si128(v), codes);
  const __m128i hi = narrow_codes(_mm256_extracti128_si256(v, 1), codes);
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_unpacklo_epi32(lo, hi));
}

inline void store_codes(__m128i v, EmbeddingCodes codes, uint8_t* out) {  // 4 codes
  const int32_t word = _mm_cvtsi128_si32(narrow_codes(v, codes));
  __builtin_memcpy(out, &word, sizeof word);
}

template <typename F>
void quantize_embedding_rows(const F* x, size_t rows, size_t dim, const F* starts, const F* steps, EmbeddingCodes codes, uint8_t* out) {
  constexpr size_t lanes = Vec<F>::lanes;
  for (size_t r = 0; r < rows; r++) {
    const F* row = x + r * dim;
    uint8_t* row_out = out + r * dim;
    size_t d = 0;
    for (; d + lanes <= dim; d += lanes) {
      _mm_prefetch(reinterpret_cast<const char*>(row + d) + kPrefetchBytes, _MM_HINT_T0);
      store_codes(codes_of<F>(embedding_positions(Vec<F>::load(row + d), starts + d, steps + d), codes), codes, row_out + d);
    }
    quantize_embedding_row_from(row, d, dim, starts, steps, codes, row_out);
  }
}

// ---- binary -------------------------------------------------------------------------------------------------------

// The bits of 8 values as a byte, element k at bit k (LSB-first), or at bit 7 - k after reversing the lanes (MSB-first).
inline unsigned binary_byte(const float* p, BitOrder order, BitThreshold threshold) {
  __m256 v = _mm256_loadu_ps(p);
  if (order == BitOrder::Msb) v = _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0));
  const __m256 zero = _mm256_setzero_ps();
  const __m256 bits = threshold == BitThreshold::NonNegative ? _mm256_cmp_ps(v, zero, _CMP_GE_OQ) : _mm256_cmp_ps(v, zero, _CMP_GT_OQ);
  return static_cast<unsigned>(_mm256_movemask_ps(bits));
}

inline unsigned binary_nibble(const double* p, BitOrder order, BitThreshold threshold) {
  __m256d v = _mm256_loadu_pd(p);
  if (order == BitOrder::Msb) v = _mm256_permute4x64_pd(v, _MM_SHUFFLE(0, 1, 2, 3));
  const __m256d zero = _mm256_setzero_pd();
  const __m256d bits = threshold == BitThreshold::NonNegative ? _mm256_cmp_pd(v, zero, _CMP_GE_OQ) : _mm256_cmp_pd(v, zero, _CMP_GT_OQ);
  return static_cast<unsigned>(_mm256_movemask_pd(bits));
}

inline unsigned binary_byte(const double* p, BitOrder order, BitThreshold threshold) {
  const unsigned first = binary_nibble(p, order, threshold);
  const unsigned second = binary_nibble(p + 4, order, threshold);
  return order == BitOrder::Msb ? first << 4 | second : first | second << 4;
}

template <typename F>
void pack_binary_rows(const F* x, size_t rows, size_t dim, BitOrder order, BitThreshold threshold, bool signed_codes, uint8_t* out) {
  const size_t bytes = packed_row_bytes(dim);
  const size_t whole = dim / 8;
  const unsigned flip = signed_codes ? 0x80u : 0u;
  for (size_t r = 0; r < rows; r++) {
    const F* row = x + r * dim;
    uint8_t* row_out = out + r * bytes;
    for (size_t j = 0; j < whole; j++) row_out[j] = static_cast<uint8_t>(binary_byte(row + 8 * j, order, threshold) ^ flip);
    pack_binary_row_from(row, dim, whole, order, threshold, signed_codes, row_out);
  }
}

// ---- Hamming ------------------------------------------------------------------------------------------------------

inline __m256i popcount_bytes(__m256i v) {
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_shuffle_epi8(table, _mm256_and_si256(v, low));
  const __m256i hi = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(v, 4), low));
  return _mm256_add_epi8(lo, hi);
}

inline __m128i popcount_bytes(__m128i v) {
  const __m128i table = _mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m128i low = _mm_set1_epi8(0x0f);
  return _mm_add_epi8(_mm_shuffle_epi8(table, _mm_and_si128(v, low)), _mm_shuffle_epi8(table, _mm_and_si128(_mm_srli_epi16(v, 4), low)));
}

inline __m256i load256(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline __m128i load128(const void* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }

inline uint32_t hamming_row(const uint8_t* a, const uint8_t* b, size_t n) {
  const __m256i zero = _mm256_setzero_si256();
  __m256i total = zero;  // 4 uint64 sums
  size_t j = 0;
  while (n - j >= 32) {
    // Byte counters take at most 8 per block: 31 blocks before vpsadbw folds them into the 64-bit sums.
    const size_t blocks = (n - j) / 32 < 31 ? (n - j) / 32 : 31;
    __m256i counts = zero;
    for (size_t k = 0; k < blocks; k++, j += 32) {
      _mm_prefetch(reinterpret_cast<const char*>(b + j + kPrefetchBytes), _MM_HINT_T0);
      counts = _mm256_add_epi8(counts, popcount_bytes(_mm256_xor_si256(load256(a + j), load256(b + j))));
    }
    total = _mm256_add_epi64(total, _mm256_sad_epu8(counts, zero));
  }
  __m128i sum = _mm_add_epi64(_mm256_castsi256_si128(total), _mm256_extracti128_si256(total, 1));
  if (n - j >= 16) {
    sum = _mm_add_epi64(sum, _mm_sad_epu8(popcount_bytes(_mm_xor_si128(load128(a + j), load128(b + j))), _mm_setzero_si128()));
    j += 16;
  }
  sum = _mm_add_epi64(sum, _mm_unpackhi_epi64(sum, sum));
  return static_cast<uint32_t>(_mm_cvtsi128_si64(sum)) + hamming_from(a, b, j, n);
}

void hamming_scan(const uint8_t* query, const uint8_t* rows, size_t count, size_t bytes_per_row, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = hamming_row(query, rows + r * bytes_per_row, bytes_per_row);
}

// ---- symmetric integer scores ---------------------------------------------------------------------------------------

inline __m256i widen16(const int8_t* p) { return _mm256_cvtepi8_epi16(load128(p)); }
inline __m256i widen16(const uint8_t* p) { return _mm256_cvtepu8_epi16(load128(p)); }

template <bool L2> inline __m256i pair_sums(__m256i q, __m256i r) {
  if (L2) {
    const __m256i d = _mm256_sub_epi16(q, r);  // |d| <= 255
    return _mm256_madd_epi16(d, d);
  }
  return _mm256_madd_epi16(q, r);
}

inline uint32_t sum_u32(__m256i v) {  // modulo 2^32
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return static_cast<uint32_t>(_mm_cvtsi128_si32(s));
}

template <bool L2, typename C> inline uint32_t integer_row(const C* q, const C* r, size_t n) {
  __m256i acc0 = _mm256_setzero_si256();
  __m256i acc1 = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    _mm_prefetch(reinterpret_cast<const char*>(r + i + kPrefetchBytes), _MM_HINT_T0);
    acc0 = _mm256_add_epi32(acc0, pair_sums<L2>(widen16(q + i), widen16(r + i)));
    acc1 = _mm256_add_epi32(acc1, pair_sums<L2>(widen16(q + i + 16), widen16(r + i + 16)));
  }
  if (i + 16 <= n) {
    acc0 = _mm256_add_epi32(acc0, pair_sums<L2>(widen16(q + i), widen16(r + i)));
    i += 16;
  }
  return sum_u32(_mm256_add_epi32(acc0, acc1)) + (L2 ? l2_codes_from(q, r, i, n) : dot_codes_from(q, r, i, n));
}

void dot_scan_i8(const int8_t* query, const int8_t* rows, size_t count, size_t dim, int32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = static_cast<int32_t>(integer_row<false>(query, rows + r * dim, dim));
}
void dot_scan_u8(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = integer_row<false>(query, rows + r * dim, dim);
}
void l2_scan_i8(const int8_t* query, const int8_t* rows, size_t count, size_t dim, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = integer_row<true>(query, rows + r * dim, dim);
}
void l2_scan_u8(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = integer_row<true>(query, rows + r * dim, dim);
}

// ---- asymmetric float32 scores -------------------------------------------------------------------------------------

// code_position of 8 code bytes (exact float sums, as the scalar function).
inline __m256 code_positions(__m128i bytes, EmbeddingCodes codes) {
  if (codes == EmbeddingCodes::U8) return _mm256_add_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes)), _mm256_set1_ps(0.5f));
  const __m256 c = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
  if (codes == EmbeddingCodes::I8Floor) return _mm256_add_ps(c, _mm256_set1_ps(128.5f));
  const __m256 half = _mm256_set1_ps(0.5f);
  const __m256 zero = _mm256_setzero_ps();
  const __m256 signed_half = _mm256_sub_ps(_mm256_and_ps(_mm256_cmp_ps(c, zero, _CMP_GT_OQ), half), _mm256_and_ps(_mm256_cmp_ps(c, zero, _CMP_LT_OQ), half));
  return _mm256_add_ps(_mm256_add_ps(c, _mm256_set1_ps(128.0f)), signed_half);
}

// Adds the terms of 8 elements to lanes 0..3 (lo) and 4..7 (hi).
template <bool L2> inline void add_terms(__m256 q, __m256 v, __m256d& lo, __m256d& hi) {
  const __m256d q_lo = _mm256_cvtps_pd(_mm256_castps256_ps128(q));
  const __m256d q_hi = _mm256_cvtps_pd(_mm256_extractf128_ps(q, 1));
  const __m256d v_lo = _mm256_cvtps_pd(_mm256_castps256_ps128(v));
  const __m256d v_hi = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
  if (L2) {
    const __m256d d_lo = _mm256_sub_pd(q_lo, v_lo);
    const __m256d d_hi = _mm256_sub_pd(q_hi, v_hi);
    lo = _mm256_add_pd(lo, _mm256_mul_pd(d_lo, d_lo));
    hi = _mm256_add_pd(hi, _mm256_mul_pd(d_hi, d_hi));
  } else {
    lo = _mm256_add_pd(lo, _mm256_mul_pd(q_lo, v_lo));
    hi = _mm256_add_pd(hi, _mm256_mul_pd(q_hi, v_hi));
  }
}

template <bool L2>
inline double asymmetric_row(const float* query, const uint8_t* codes_row, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes) {
  __m256d lo = _mm256_setzero_pd();
  __m256d hi = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) {
    const __m256 p = code_positions(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(codes_row + i)), codes);
    const __m256 v = _mm256_add_ps(_mm256_loadu_ps(starts + i), _mm256_mul_ps(p, _mm256_loadu_ps(steps + i)));
    add_terms<L2>(_mm256_loadu_ps(query + i), v, lo, hi);
  }
  double lanes[kScoreLanes];
  _mm256_storeu_pd(lanes, lo);
  _mm256_storeu_pd(lanes + 4, hi);
  asymmetric_terms_from<L2>(query, codes_row, i, dim, starts, steps, codes, lanes);
  return combine_score_lanes(lanes);
}

void dot_scan_asymmetric(const float* query, const uint8_t* rows, size_t count, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* out) {
  for (size_t r = 0; r < count; r++) out[r] = asymmetric_row<false>(query, rows + r * dim, dim, starts, steps, codes);
}
void l2_scan_asymmetric(const float* query, const uint8_t* rows, size_t count, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* out) {
  for (size_t r = 0; r < count; r++) out[r] = asymmetric_row<true>(query, rows + r * dim, dim, starts, steps, codes);
}

template <bool L2> inline double float_row(const float* query, const float* row, size_t dim) {
  __m256d lo = _mm256_setzero_pd();
  __m256d hi = _mm256_setzero_pd();
  size_t i = 0;
  for (; i + 8 <= dim; i += 8) add_terms<L2>(_mm256_loadu_ps(query + i), _mm256_loadu_ps(row + i), lo, hi);
  double lanes[kScoreLanes];
  _mm256_storeu_pd(lanes, lo);
  _mm256_storeu_pd(lanes + 4, hi);
  float_terms_from<L2>(query, row, i, dim, lanes);
  return combine_score_lanes(lanes);
}

void dot_scan_f32(const float* query, const float* rows, size_t count, size_t dim, double* out) {
  for (size_t r = 0; r < count; r++) out[r] = float_row<false>(query, rows + r * dim, dim);
}
void l2_scan_f32(const float* query, const float* rows, size_t count, size_t dim, double* out) {
  for (size_t r = 0; r < count; r++) out[r] = float_row<true>(query, rows + r * dim, dim);
}

// The indices of the min(k, n) best of scores[0, n) into out, best first; returns how many (common/embeddings.h: ties
// to the lower index, NaN last; out is the heap). Selection is branchy and sequential: both sets use the portable loop.
template <typename T> size_t top_k(const T* scores, size_t n, size_t k, bool descending, uint32_t* out) { return top_k_scalar(scores, n, k, descending, out); }

}  // namespace
}  // namespace quantkit::avx2
