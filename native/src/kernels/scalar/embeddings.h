// Scalar embedding kernels: the portable loops of common/embeddings.h under the kernel names (the AVX2 set has the same
// names in quantkit::avx2), in the scalar KernelTable: plain functions with internal linkage, caller-provided outputs.
#pragma once

#include "../common/embeddings.h"

namespace quantkit::scalar {
namespace {

// rows x dim values -> rows x dim codes (bytes; int8 codes as two's complement).
template <typename F>
void quantize_embedding_rows(const F* x, size_t rows, size_t dim, const F* starts, const F* steps, EmbeddingCodes codes, uint8_t* out) {
  quantize_embedding_rows_scalar(x, rows, dim, starts, steps, codes, out);
}

// rows x dim values -> rows x packed_row_bytes(dim) bytes.
template <typename F>
void pack_binary_rows(const F* x, size_t rows, size_t dim, BitOrder order, BitThreshold threshold, bool signed_codes, uint8_t* out) {
  pack_binary_rows_scalar(x, rows, dim, order, threshold, signed_codes, out);
}

void hamming_scan(const uint8_t* query, const uint8_t* rows, size_t count, size_t bytes_per_row, uint32_t* out) {
  hamming_scan_scalar(query, rows, count, bytes_per_row, out);
}

void dot_scan_i8(const int8_t* query, const int8_t* rows, size_t count, size_t dim, int32_t* out) { dot_scan_i8_scalar(query, rows, count, dim, out); }
void dot_scan_u8(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out) { dot_scan_u8_scalar(query, rows, count, dim, out); }
void l2_scan_i8(const int8_t* query, const int8_t* rows, size_t count, size_t dim, uint32_t* out) { l2_scan_i8_scalar(query, rows, count, dim, out); }
void l2_scan_u8(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out) { l2_scan_u8_scalar(query, rows, count, dim, out); }

void dot_scan_asymmetric(const float* query, const uint8_t* rows, size_t count, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* out) {
  asymmetric_scan_scalar<false>(query, rows, count, dim, starts, steps, codes, out);
}
void l2_scan_asymmetric(const float* query, const uint8_t* rows, size_t count, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* out) {
  asymmetric_scan_scalar<true>(query, rows, count, dim, starts, steps, codes, out);
}

void dot_scan_f32(const float* query, const float* rows, size_t count, size_t dim, double* out) { float_scan_scalar<false>(query, rows, count, dim, out); }
void l2_scan_f32(const float* query, const float* rows, size_t count, size_t dim, double* out) { float_scan_scalar<true>(query, rows, count, dim, out); }

// The indices of the min(k, n) best of scores[0, n) into out, best first; returns how many (common/embeddings.h: ties
// to the lower index, NaN last; out is the heap). Selection is branchy and sequential: both sets use the portable loop.
template <typename T> size_t top_k(const T* scores, size_t n, size_t k, bool descending, uint32_t* out) { return top_k_scalar(scores, n, k, descending, out); }

}  // namespace
}  // namespace quantkit::scalar
