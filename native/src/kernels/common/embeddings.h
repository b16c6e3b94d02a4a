// Embedding quantization for vector search (docs/EMBEDDINGS.md), ISA-neutral: the element functions and the portable
// loops (the scalar set, and the tails of vector sets). Each mirrors packages/quant-core/src/embeddings bit for bit:
//
//   quantize:  t = fl(fl(x - start) / (step == 0 ? 1 : step))            fl: float for float inputs, none for double
//              U8: floor(clamp(t, 0, 255)), NaN -> 0;  I8Floor: that - 128;
//              I8TowardZero: trunc(clamp(fl(t - 128), -128, 127)), NaN -> -128
//   binary:    bit = x > 0 (Positive) or x >= 0 (NonNegative), NaN 0; 8 elements a byte, MSB- or LSB-first, every row
//              starting on a byte, padding bits 0; signed codes store byte ^ 0x80 (= byte - 128 as int8)
//   scoring:   Hamming = popcount(a ^ b); integer dot / L2 exact, stored modulo 2^32 (exact for dim <= 65536);
//              asymmetric: v = fl(start + fl(p * step)) with p the code's bucket position (code_position), terms
//              (double)q * v or d * d with d = (double)q - (double)v, summed in 8 lanes (term i in lane i % 8, lanes
//              combined as ((l0 + l4) + (l1 + l5)) + ((l2 + l6) + (l3 + l7)))
//   top-k:     the k best, best first, ties to the lower index, NaN last
//
// Codes are bytes: int8 codes are stored as their two's complement byte. The enums are in ../embedding_types.h;
// functions are internal (see element.h).
#pragma once

#include "../embedding_types.h"
#include "element.h"

namespace quantkit {

namespace {

// ---- quantize -------------------------------------------------------------------------------------------------------

template <typename F> inline F bucket_divisor(F step) { return step == F(0) ? F(1) : step; }

// The uint8 bucket of x: floor of t clamped to [0, 255]; NaN and t <= 0 give 0.
template <typename F> inline int32_t embedding_bucket(F x, F start, F step) {
  const F t = (x - start) / bucket_divisor(step);
  if (!(t > F(0))) return 0;
  if (t >= F(255)) return 255;
  return static_cast<int32_t>(t);  // truncation is floor for t > 0
}

// The I8TowardZero code: trunc(fl(t - 128)) saturated to [-128, 127]; NaN gives -128.
template <typename F> inline int32_t embedding_int8_toward_zero(F x, F start, F step) {
  const F v = (x - start) / bucket_divisor(step) - F(128);
  if (!(v > F(-128))) return -128;
  if (v >= F(127)) return 127;
  return static_cast<int32_t>(v);
}

template <typename F> inline uint8_t embedding_code(F x, F start, F step, EmbeddingCodes codes) {
  switch (codes) {
    case EmbeddingCodes::U8: return static_cast<uint8_t>(embedding_bucket(x, start, step));
    case EmbeddingCodes::I8Floor: return static_cast<uint8_t>(embedding_bucket(x, start, step) ^ 0x80);
    case EmbeddingCodes::I8TowardZero: return static_cast<uint8_t>(embedding_int8_toward_zero(x, start, step));
  }
  return 0;
}

// Elements [from, dim) of one row (x, starts and steps point at the row's element 0 and dimension 0).
template <typename F>
inline void quantize_embedding_row_from(const F* x, size_t from, size_t dim, const F* starts, const F* steps, EmbeddingCodes codes, uint8_t* out) {
  for (size_t d = from; d < dim; d++) out[d] = embedding_code(x[d], starts[d], steps[d], codes);
}

// rows x dim values -> rows x dim codes.
template <typename F>
inline void quantize_embedding_rows_scalar(const F* x, size_t rows, size_t dim, const F* starts, const F* steps, EmbeddingCodes codes, uint8_t* out) {
  for (size_t r = 0; r < rows; r++) quantize_embedding_row_from(x + r * dim, 0, dim, starts, steps, codes, out + r * dim);
}

// ---- binary -------------------------------------------------------------------------------------------------------

inline size_t packed_row_bytes(size_t dim) { return (dim + 7) / 8; }

template <typename F> inline bool binary_bit(F v, BitThreshold threshold) {
  return threshold == BitThreshold::NonNegative ? v >= F(0) : v > F(0);
}

// Bytes [from_byte, packed_row_bytes(dim)) of one row.
template <typename F>
inline void pack_binary_row_from(const F* row, size_t dim, size_t from_byte, BitOrder order, BitThreshold threshold, bool signed_codes, uint8_t* out) {
  const size_t bytes = packed_row_bytes(dim);
  for (size_t j = from_byte; j < bytes; j++) {
    unsigned byte = 0;
    const size_t end = dim - 8 * j < 8 ? dim - 8 * j : 8;
    for (size_t b = 0; b < end; b++) {
      if (binary_bit(row[8 * j + b], threshold)) byte |= order == BitOrder::Msb ? 0x80u >> b : 1u << b;
    }
    out[j] = static_cast<uint8_t>(signed_codes ? byte ^ 0x80u : byte);
  }
}

// rows x dim values -> rows x packed_row_bytes(dim) bytes.
template <typename F>
inline void pack_binary_rows_scalar(const F* x, size_t rows, size_t dim, BitOrder order, BitThreshold threshold, bool signed_codes, uint8_t* out) {
  const size_t bytes = packed_row_bytes(dim);
  for (size_t r = 0; r < rows; r++) pack_binary_row_from(x + r * dim, dim, 0, order, threshold, signed_codes, out + r * bytes);
}

// ---- Hamming ------------------------------------------------------------------------------------------------------

inline uint32_t popcount64(uint64_t v) {  // SWAR: no popcnt instruction needed on the baseline
  v = v - ((v >> 1) & 0x5555555555555555ULL);
  v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
  v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<uint32_t>((v * 0x0101010101010101ULL) >> 56);
}

inline uint64_t load_u64(const uint8_t* p) {
  uint64_t v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

// popcount(a ^ b) over bytes [from, n).
inline uint32_t hamming_from(const uint8_t* a, const uint8_t* b, size_t from, size_t n) {
  uint32_t distance = 0;
  size_t j = from;
  for (; j + 8 <= n; j += 8) distance += popcount64(load_u64(a + j) ^ load_u64(b + j));
  for (; j < n; j++) distance += popcount64(static_cast<uint64_t>(a[j] ^ b[j]));
  return distance;
}

inline void hamming_scan_scalar(const uint8_t* query, const uint8_t* rows, size_t count, size_t bytes_per_row, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = hamming_from(query, rows + r * bytes_per_row, 0, bytes_per_row);
}

// ---- symmetric integer scores ---------------------------------------------------------------------------------------
// Sums in uint32 arithmetic: the exact value modulo 2^32, with no signed overflow at any dim.

template <typename C> inline uint32_t dot_codes_from(const C* a, const C* b, size_t from, size_t n) {
  uint32_t sum = 0;
  for (size_t i = from; i < n; i++) sum += static_cast<uint32_t>(static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]));
  return sum;
}

template <typename C> inline uint32_t l2_codes_from(const C* a, const C* b, size_t from, size_t n) {
  uint32_t sum = 0;
  for (size_t i = from; i < n; i++) {
    const int32_t d = static_cast<int32_t>(a[i]) - static_cast<int32_t>(b[i]);
    sum += static_cast<uint32_t>(d * d);
  }
  return sum;
}

inline void dot_scan_i8_scalar(const int8_t* query, const int8_t* rows, size_t count, size_t dim, int32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = static_cast<int32_t>(dot_codes_from(query, rows + r * dim, 0, dim));
}
inline void dot_scan_u8_scalar(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = dot_codes_from(query, rows + r * dim, 0, dim);
}
inline void l2_scan_i8_scalar(const int8_t* query, const int8_t* rows, size_t count, size_t dim, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = l2_codes_from(query, rows + r * dim, 0, dim);
}
inline void l2_scan_u8_scalar(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out) {
  for (size_t r = 0; r < count; r++) out[r] = l2_codes_from(query, rows + r * dim, 0, dim);
}

// ---- asymmetric float32 scores -------------------------------------------------------------------------------------

constexpr size_t kScoreLanes = 8;

inline double combine_score_lanes(const double* l) { return ((l[0] + l[4]) + (l[1] + l[5])) + ((l[2] + l[6]) + (l[3] + l[7])); }

// The bucket position a code stands for: U8 u + 0.5, I8Floor c + 128.5, I8TowardZero c + 128 + sign(c) / 2 (exact).
inline float code_position(uint8_t byte, EmbeddingCodes codes) {
  if (codes == EmbeddingCodes::U8) return static_cast<float>(byte) + 0.5f;
  const float c = static_cast<float>(static_cast<int8_t>(byte));
  if (codes == EmbeddingCodes::I8Floor) return c + 128.5f;
  return (c + 128.0f) + (c > 0.0f ? 0.5f : c < 0.0f ? -0.5f : 0.0f);
}

inline float code_value(uint8_t byte, EmbeddingCodes codes, float start, float step) { return start + code_position(byte, codes) * step; }

template <bool L2> inline double score_term(float q, float v) {
  if (L2) {
    const double d = static_cast<double>(q) - static_cast<double>(v);
    return d * d;
  }
  return static_cast<double>(q) * static_cast<double>(v);  // exact
}

// Adds the terms of elements [from, dim) of one row to lanes[i % 8].
template <bool L2>
inline void asymmetric_terms_from(const float* query, const uint8_t* codes_row, size_t from, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* lanes) {
  for (size_t i = from; i < dim; i++) lanes[i % kScoreLanes] += score_term<L2>(query[i], code_value(codes_row[i], codes, starts[i], steps[i]));
}

template <bool L2>
inline void asymmetric_scan_scalar(const float* query, const uint8_t* rows, size_t count, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* out) {
  for (size_t r = 0; r < count; r++) {
    double lanes[kScoreLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
    asymmetric_terms_from<L2>(query, rows + r * dim, 0, dim, starts, steps, codes, lanes);
    out[r] = combine_score_lanes(lanes);
  }
}

// Float rows (rescoring with the original embeddings): the same terms with v = the row's value.
template <bool L2> inline void float_terms_from(const float* query, const float* row, size_t from, size_t dim, double* lanes) {
  for (size_t i = from; i < dim; i++) lanes[i % kScoreLanes] += score_term<L2>(query[i], row[i]);
}

template <bool L2> inline void float_scan_scalar(const float* query, const float* rows, size_t count, size_t dim, double* out) {
  for (size_t r = 0; r < count; r++) {
    double lanes[kScoreLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
    float_terms_from<L2>(query, rows + r * dim, 0, dim, lanes);
    out[r] = combine_score_lanes(lanes);
  }
}

// ---- top-k ----------------------------------------------------------------------------------------------------------

template <typename T> inline bool is_nan_score(T v) { return v != v; }

// Whether item a ranks before item b: the better score (NaN after every number), then the lower index.
template <typename T> inline bool ranks_before(const T* scores, uint32_t a, uint32_t b, bool descending) {
  const T sa = scores[a];
  const T sb = scores[b];
  const bool a_nan = is_nan_score(sa);
  const bool b_nan = is_nan_score(sb);
  if (a_nan != b_nan) return b_nan;
  if (!a_nan && sa != sb) return descending ? sa > sb : sa < sb;
  return a < b;
}

template <typename T> inline void top_k_sift_down(const T* scores, uint32_t* heap, size_t size, size_t i, bool descending) {
  for (;;) {
    const size_t l = 2 * i + 1;
    if (l >= size) return;
    const size_t worse = l + 1 < size && ranks_before(scores, heap[l], heap[l + 1], descending) ? l + 1 : l;
    if (!ranks_before(scores, heap[i], heap[worse], descending)) return;
    const uint32_t t = heap[i];
    heap[i] = heap[worse];
    heap[worse] = t;
    i = worse;
  }
}

// The heap of top_k_scalar's first min(k, n) items in out; returns its size. A vector set's top-k shares these steps
// and filters its scan.
template <typename T> inline size_t top_k_heap_start(const T* scores, size_t n, size_t k, bool descending, uint32_t* out) {
  const size_t size = k < n ? k : n;
  for (size_t i = 0; i < size; i++) out[i] = static_cast<uint32_t>(i);
  for (size_t i = size / 2; i-- > 0;) top_k_sift_down(scores, out, size, i, descending);
  return size;
}

// Item i (after every kept one) replaces the heap's root if it ranks before it.
template <typename T> inline void top_k_offer(const T* scores, size_t i, uint32_t* heap, size_t size, bool descending) {
  if (ranks_before(scores, static_cast<uint32_t>(i), heap[0], descending)) {
    heap[0] = static_cast<uint32_t>(i);
    top_k_sift_down(scores, heap, size, 0, descending);
  }
}

// The heap sorted in place, best first.
template <typename T> inline void top_k_heap_sort(const T* scores, uint32_t* heap, size_t size, bool descending) {
  for (size_t end = size; end-- > 1;) {
    const uint32_t t = heap[0];
    heap[0] = heap[end];
    heap[end] = t;
    top_k_sift_down(scores, heap, end, 0, descending);
  }
}

// The indices of the min(k, n) best of scores[0, n) into out, best first; returns how many. n < 2^32. out is the heap
// (worst kept item at its root), so no other memory is used.
template <typename T> inline size_t top_k_scalar(const T* scores, size_t n, size_t k, bool descending, uint32_t* out) {
  const size_t size = top_k_heap_start(scores, n, k, descending, out);
  if (size == 0) return 0;
  for (size_t i = size; i < n; i++) top_k_offer(scores, i, out, size, descending);
  top_k_heap_sort(scores, out, size, descending);
  return size;
}

}  // namespace
}  // namespace quantkit
