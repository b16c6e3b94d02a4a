// The embedding kernels of one ISA as a table of pointers, for embeddings_test.cc only: besides the float32 kernels of
// the KernelTable slots it holds the float64 quantize and pack variants, which no slot has (the addon runs float64
// embeddings through the reference), and AVX2 code may only be reached through a pointer handed out after the CPU
// check (common/element.h).
#pragma once

#include "../src/kernels/common/embeddings.h"

namespace quantkit_test {

using quantkit::BitOrder;
using quantkit::BitThreshold;
using quantkit::EmbeddingCodes;

struct EmbeddingKernels {
  const char* isa;
  void (*quantize_f32)(const float* x, size_t rows, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, uint8_t* out);
  void (*quantize_f64)(const double* x, size_t rows, size_t dim, const double* starts, const double* steps, EmbeddingCodes codes, uint8_t* out);
  void (*pack_f32)(const float* x, size_t rows, size_t dim, BitOrder order, BitThreshold threshold, bool signed_codes, uint8_t* out);
  void (*pack_f64)(const double* x, size_t rows, size_t dim, BitOrder order, BitThreshold threshold, bool signed_codes, uint8_t* out);
  void (*hamming_scan)(const uint8_t* query, const uint8_t* rows, size_t count, size_t bytes_per_row, uint32_t* out);
  void (*dot_scan_i8)(const int8_t* query, const int8_t* rows, size_t count, size_t dim, int32_t* out);
  void (*dot_scan_u8)(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out);
  void (*l2_scan_i8)(const int8_t* query, const int8_t* rows, size_t count, size_t dim, uint32_t* out);
  void (*l2_scan_u8)(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out);
  void (*dot_scan_asymmetric)(const float* query, const uint8_t* rows, size_t count, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* out);
  void (*l2_scan_asymmetric)(const float* query, const uint8_t* rows, size_t count, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* out);
  void (*dot_scan_f32)(const float* query, const float* rows, size_t count, size_t dim, double* out);
  void (*l2_scan_f32)(const float* query, const float* rows, size_t count, size_t dim, double* out);
  size_t (*top_k_f64)(const double* scores, size_t n, size_t k, bool descending, uint32_t* out);
  size_t (*top_k_i32)(const int32_t* scores, size_t n, size_t k, bool descending, uint32_t* out);
  size_t (*top_k_u32)(const uint32_t* scores, size_t n, size_t k, bool descending, uint32_t* out);
};

// The table of one kernel namespace (quantkit::scalar or quantkit::avx2), built where that namespace is compiled.
#define QK_EMBEDDING_KERNELS(ns, name)                                                                                 \
  {                                                                                                                    \
    name, ns::quantize_embedding_rows<float>, ns::quantize_embedding_rows<double>, ns::pack_binary_rows<float>,       \
        ns::pack_binary_rows<double>, ns::hamming_scan, ns::dot_scan_i8, ns::dot_scan_u8, ns::l2_scan_i8,             \
        ns::l2_scan_u8, ns::dot_scan_asymmetric, ns::l2_scan_asymmetric, ns::dot_scan_f32, ns::l2_scan_f32,           \
        ns::top_k<double>, ns::top_k<int32_t>, ns::top_k<uint32_t>                                                     \
  }

// embeddings_avx2.cc (x86-64 builds): the AVX2 kernels; use only when cpu_features() has AVX2 and F16C.
extern const EmbeddingKernels kEmbeddingKernelsAvx2;
// embeddings_neon.cc (AArch64 builds): the NEON kernels.
extern const EmbeddingKernels kEmbeddingKernelsNeon;

}  // namespace quantkit_test
