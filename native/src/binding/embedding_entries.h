// The kernel entries of the embedding kernels (kernel_entries.h says what an entry declares): argument checks against
// the descriptor's dim / bytesPerRow / precision / int8Rounding / bitOrder / threshold, and an EmbeddingJob over the
// rows. The C++ kernels take float32 data only (the TypeScript support test sends float64 calls to the reference).
// Plain C++, no Node.
#pragma once

#include <cstddef>

#include "arrays.h"
#include "descriptor.h"
#include "embedding_job.h"
#include "errors.h"
#include "kernel_entries.h"

namespace quantkit {

// hammingScan(query, rows, out, desc): reads bytesPerRow; query and rows are Int8Array or Uint8Array (same bits).
struct HammingScan : NoResults {
  static constexpr const char* kName = "hammingScan";
  ArrayView query, rows, out;
  static constexpr ArrayArg<HammingScan> kArrays[] = {{"query", ArrayKind::ByteCodesIn, &HammingScan::query},
                                                      {"rows", ArrayKind::ByteCodesIn, &HammingScan::rows},
                                                      {"out", ArrayKind::Uint32Out, &HammingScan::out}};
  size_t bytes_per_row;
  bool check(const Descriptor& d, Failure* f);
  EmbeddingJob job(const KernelTable* t) const;
};

// dotScanInt8 / dotScanUint8 / l2ScanInt8 / l2ScanUint8(query, rows, out, desc): reads dim. Codes of the kernel's
// type; out an Int32Array (int8 dot) or Uint32Array.
template <EmbeddingKernel K> struct IntegerScan : NoResults {
  static constexpr bool kSigned = K == EmbeddingKernel::DotI8 || K == EmbeddingKernel::L2I8;
  static constexpr const char* kName = K == EmbeddingKernel::DotI8 ? "dotScanInt8" : K == EmbeddingKernel::DotU8 ? "dotScanUint8" : K == EmbeddingKernel::L2I8 ? "l2ScanInt8" : "l2ScanUint8";
  ArrayView query, rows, out;
  static constexpr ArrayArg<IntegerScan> kArrays[] = {{"query", ArrayKind::ByteCodesIn, &IntegerScan::query},
                                                      {"rows", ArrayKind::ByteCodesIn, &IntegerScan::rows},
                                                      {"out", K == EmbeddingKernel::DotI8 ? ArrayKind::Int32Out : ArrayKind::Uint32Out, &IntegerScan::out}};
  size_t dim;
  bool check(const Descriptor& d, Failure* f);
  EmbeddingJob job(const KernelTable* t) const;
};

// dotScanAsymmetric / l2ScanAsymmetric(query, rows, starts, steps, out, desc): reads dim and int8Rounding (Int8Array
// rows). Float32 query, starts and steps; out a Float64Array.
template <bool L2> struct AsymmetricScan : NoResults {
  static constexpr const char* kName = L2 ? "l2ScanAsymmetric" : "dotScanAsymmetric";
  ArrayView query, rows, starts, steps, out;
  static constexpr ArrayArg<AsymmetricScan> kArrays[] = {{"query", ArrayKind::Float32In, &AsymmetricScan::query},
                                                         {"rows", ArrayKind::ByteCodesIn, &AsymmetricScan::rows},
                                                         {"starts", ArrayKind::Float32In, &AsymmetricScan::starts},
                                                         {"steps", ArrayKind::Float32In, &AsymmetricScan::steps},
                                                         {"out", ArrayKind::Float64Out, &AsymmetricScan::out}};
  size_t dim;
  EmbeddingCodes codes;
  bool check(const Descriptor& d, Failure* f);
  EmbeddingJob job(const KernelTable* t) const;
};

// dotScanFloat / l2ScanFloat(query, rows, out, desc): reads dim. Float32 query and rows; out a Float64Array.
template <bool L2> struct FloatScan : NoResults {
  static constexpr const char* kName = L2 ? "l2ScanFloat" : "dotScanFloat";
  ArrayView query, rows, out;
  static constexpr ArrayArg<FloatScan> kArrays[] = {{"query", ArrayKind::Float32In, &FloatScan::query},
                                                    {"rows", ArrayKind::Float32In, &FloatScan::rows},
                                                    {"out", ArrayKind::Float64Out, &FloatScan::out}};
  size_t dim;
  bool check(const Descriptor& d, Failure* f);
  EmbeddingJob job(const KernelTable* t) const;
};

// quantizeEmbeddingRows(x, starts, steps, out, desc): reads dim, precision (0 int8 into an Int8Array, 1 uint8 into a
// Uint8Array) and int8Rounding.
struct QuantizeEmbeddingRows : NoResults {
  static constexpr const char* kName = "quantizeEmbeddingRows";
  ArrayView x, starts, steps, out;
  static constexpr ArrayArg<QuantizeEmbeddingRows> kArrays[] = {{"x", ArrayKind::Float32In, &QuantizeEmbeddingRows::x},
                                                                {"starts", ArrayKind::Float32In, &QuantizeEmbeddingRows::starts},
                                                                {"steps", ArrayKind::Float32In, &QuantizeEmbeddingRows::steps},
                                                                {"out", ArrayKind::ByteCodesOut, &QuantizeEmbeddingRows::out}};
  size_t dim;
  EmbeddingCodes codes;
  bool check(const Descriptor& d, Failure* f);
  EmbeddingJob job(const KernelTable* t) const;
};

// packBinaryRows(x, out, desc): reads dim, precision (2 binary into an Int8Array, 3 ubinary into a Uint8Array),
// bitOrder and threshold.
struct PackBinaryRows : NoResults {
  static constexpr const char* kName = "packBinaryRows";
  ArrayView x, out;
  static constexpr ArrayArg<PackBinaryRows> kArrays[] = {{"x", ArrayKind::Float32In, &PackBinaryRows::x},
                                                         {"out", ArrayKind::ByteCodesOut, &PackBinaryRows::out}};
  size_t dim;
  bool signed_codes;
  BitOrder order;
  BitThreshold threshold;
  bool check(const Descriptor& d, Failure* f);
  EmbeddingJob job(const KernelTable* t) const;
};

// topKKernel(scores, out, desc): reads k (a count) and order (0 ascending, 1 descending); writes resultCount. scores
// (at most 2^32 of them: the indices are uint32) a Float64Array, Int32Array or Uint32Array; out a Uint32Array of
// exactly min(k, scores.length) elements (the heap: the kernel allocates nothing).
struct TopK {
  static constexpr const char* kName = "topKKernel";
  ArrayView scores, out;
  static constexpr ArrayArg<TopK> kArrays[] = {{"scores", ArrayKind::ScoresIn, &TopK::scores}, {"out", ArrayKind::Uint32Out, &TopK::out}};
  size_t k;
  bool descending;
  bool check(const Descriptor& d, Failure* f);
  TopKJob job(const KernelTable* t) const;
  static void publish(const TopKJob& job, void* desc);
};

using DotScanInt8 = IntegerScan<EmbeddingKernel::DotI8>;
using DotScanUint8 = IntegerScan<EmbeddingKernel::DotU8>;
using L2ScanInt8 = IntegerScan<EmbeddingKernel::L2I8>;
using L2ScanUint8 = IntegerScan<EmbeddingKernel::L2U8>;
using DotScanAsymmetric = AsymmetricScan<false>;
using L2ScanAsymmetric = AsymmetricScan<true>;
using DotScanFloat = FloatScan<false>;
using L2ScanFloat = FloatScan<true>;

}  // namespace quantkit
