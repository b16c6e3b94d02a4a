// quantkit kernel interface: plain C++20, no Node, no allocation.
//
// Every kernel mirrors the TypeScript reference in packages/quant-core/src/kernels bit for bit (docs/SPEC.md):
//
//   quantize:   t = fl(x / fl(scale))           profile ONNX    (true division in the input precision)
//               t = fl(x * fl(1 / fl(scale)))   profile PYTORCH (reciprocal multiply)
//               t clamped to [qmin - zp, qmax - zp] in the float domain, NaN -> qmin - zp
//               q = roundHalfEven(t) + zp
//   dequantize: out = round_to_out_precision((double)(q - zp) * scale)
//               (for a float32 output and a scale exactly representable as float, that is a float multiply)
//   min/max:    NaN ignored; empty or all-NaN input -> min = +inf, max = -inf
//   abs-max:    max |x| over non-NaN elements, 0 when there are none
//   pack:       ONNX order, element 0 in the lowest bits; padding bits zero
//   histogram:  f = max > min ? bins / (max - min) : 0 (double); every v = (double)x[i] (|x[i]| for abs) with
//               min <= v <= max adds 1 to counts[min(js_int32((v - min) * f), bins - 1)]; NaN and values outside skip
//   half:       inputs of uint16_t bit patterns (HalfType) are widened exactly to float32 (float16 as F16C's vcvtph2ps:
//               subnormals kept, NaN stays NaN; bfloat16: bits << 16), then every operation is exactly the float32
//               kernel's on the widened values; a half output is round_to_half((double)(q - zp) * scale), rounded
//               once, to nearest with ties to even (docs/SPEC.md §12)
//
// fl() is float32 rounding for float inputs and nothing for double inputs; for float inputs the scale argument is
// already a float (the caller rounds it). Kernels operate on contiguous runs; per-axis and blocked granularities are
// driven by granularity.h on top of them. Builds use -ffp-contract=off so no fused multiply-add changes a result.
//
// A kernel set is one KernelTable, laid out by ISA and op family:
//   kernels/common/<family>.h   ISA-neutral element functions and portable loops (the scalar kernels, vector tails)
//   kernels/<isa>/<family>.h    that ISA's kernels of the family: internal linkage, included by <isa>/table.cc only
//   kernels/<isa>/table.cc      the one translation unit compiled with the ISA's flags: defines the set's KernelTable
// with families quantize (with quantize_groups and quantize_blocks), dequantize, fake_quantize, reduce (min/max, abs-max), pack (and
// unpack) and histogram; the *_half slots belong to the family of their float32 counterpart, on the exact
// conversions and portable loops of kernels/common/half.h. dispatch/kernel_sets.cc lists the sets, best first, with
// the CPU feature each one needs; select_kernels (dispatch.h) picks from that list. Adding a set: its folder, its entry there, its source line with
// its flags in native/CMakeLists.txt and native/test/CMakeLists.txt.
#pragma once

#include <cstddef>
#include <cstdint>

#include "embedding_types.h"
#include "ggml_types.h"

namespace quantkit {

enum class Profile : int32_t { Onnx = 0, PyTorch = 1 };

// Integer storage types, in the order the binding passes them.
enum class IntType : int32_t { I8 = 0, U8 = 1, I16 = 2, U16 = 3 };

// Half-precision storage types, held as uint16_t bit patterns: IEEE binary16 (float16: 1 sign, 5 exponent, 10 mantissa
// bits) and bfloat16 (the high half of a float32: 1, 8, 7). Every value of both is a float32 value.
enum class HalfType : int32_t { F16 = 0, BF16 = 1 };

struct QuantSpec {
  int32_t qmin;
  int32_t qmax;
  Profile profile;
};

// How parameters are chosen from a range (packages/quant-core/src/params.ts qparamsFromRanges): affine widens the range
// to include 0 and spreads it over qmax - qmin steps with a zero point; symmetric spreads max |x| over qmax steps
// (qmax = 2^(bits-1) - 1 for the signed codes of the symmetric scheme) with zero point 0.
enum class ParamScheme : int32_t { Affine = 0, Symmetric = 1 };

// Running sums of a fused quantize -> dequantize; combined into metrics by the caller (see metrics in
// packages/quant-core/src/metrics.ts). Accumulated in double.
struct ErrorSums {
  double sum_sq = 0;
  double sum_abs = 0;
  double max_abs = 0;
  double sum_ref2 = 0;
  double sum_approx2 = 0;
  double dot = 0;
};

struct KernelTable {
  const char* isa;  // the set's name in dispatch/kernel_sets.cc ("scalar", "avx2", ...)

  // x[0, n) -> out[0, n) of out_type, with one scale and zero point.
  void (*quantize_f32)(const float* x, size_t n, float scale, int32_t zp, QuantSpec spec, IntType out_type, void* out);
  void (*quantize_f64)(const double* x, size_t n, double scale, int32_t zp, QuantSpec spec, IntType out_type, void* out);
  // quantize_f32 of the float32 widening of the half bit patterns x[0, n) of type t. The scale is a float (for a half
  // tensor it is a value of the half type, which the kernels do not assume).
  void (*quantize_half)(const uint16_t* x, HalfType t, size_t n, float scale, int32_t zp, QuantSpec spec, IntType out_type, void* out);

  // x[0, n) -> out[0, n) where element i has its own scale and zero point: scales[i] (in x's precision) and zps[i].
  // Per-channel rows along the last axis and blocked rows with inner > 1 (granularity.cc).
  void (*quantize_groups_f32)(const float* x, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out);
  void (*quantize_groups_f64)(const double* x, size_t n, const double* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out);
  // quantize_groups_f32 of the float32 widening of x[0, n) of type t, with float scales.
  void (*quantize_groups_half)(const uint16_t* x, HalfType t, size_t n, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out);

  // Blocks of x[0, n) of `block` >= 1 elements (the last one shorter when block does not divide n), each with parameters
  // from its own data: block b's min/max (NaN ignored), then its scale and zero point (params_from_range in
  // common/params.h, the reference's float64 arithmetic) into scales[b] / zps[b], then its codes into out. Returns
  // the number of blocks done: ceil(n / block), or the index of the first block whose range has no parameters (±Inf
  // in it, or a float64 scale that overflows), which stops the run with that block's outputs unwritten.
  size_t (*quantize_blocks_f32)(const float* x, size_t n, size_t block, ParamScheme scheme, QuantSpec spec, IntType out_type, float* scales, int32_t* zps, void* out);
  size_t (*quantize_blocks_f64)(const double* x, size_t n, size_t block, ParamScheme scheme, QuantSpec spec, IntType out_type, double* scales, int32_t* zps, void* out);

  // Blocks of x[0, n) of `block` >= 1 elements (the last one shorter when block does not divide n), block b quantized
  // with scales[b] and zps[b] exactly as quantize_f32 quantizes a run: blocked layouts along the last axis with given
  // parameters (granularity.cc), one call per row of blocks instead of one per block.
  void (*quantize_block_runs_f32)(const float* x, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out);
  // quantize_block_runs_f32 of the float32 widening of the half bit patterns x[0, n) of type t.
  void (*quantize_block_runs_half)(const uint16_t* x, HalfType t, size_t n, size_t block, const float* scales, const int32_t* zps, QuantSpec spec, IntType out_type, void* out);

  // q[0, n) of q_type -> out[0, n).
  void (*dequantize_f32)(const void* q, IntType q_type, size_t n, double scale, int32_t zp, float* out);
  void (*dequantize_f64)(const void* q, IntType q_type, size_t n, double scale, int32_t zp, double* out);
  // q[0, n) of q_type -> out[0, n), bit patterns of type t: the double product (double)(q - zp) * scale rounded once to
  // t, to nearest with ties to even: ±Inf from half an ulp past the largest finite value on, float16 subnormals
  // produced, a zero with the sign of the product (+0 for q == zp and scale > 0).
  void (*dequantize_half)(const void* q, IntType q_type, size_t n, double scale, int32_t zp, HalfType t, uint16_t* out);

  // Quantize then dequantize x[0, n) into out[0, n) (same precision as x), adding the error of every element to sums
  // (sums are per call; the caller merges the sums of consecutive chunks in order). sums == nullptr: values only, the
  // same out without the error pass (fakeQuantize(x) returns no metrics; the sums are about half the kernel's time).
  // One slot for both, not a second pair: every set gets values-only with its fused kernel and no set can lack it.
  void (*fake_quantize_f32)(const float* x, size_t n, float scale, int32_t zp, QuantSpec spec, float* out, ErrorSums* sums);
  void (*fake_quantize_f64)(const double* x, size_t n, double scale, int32_t zp, QuantSpec spec, double* out, ErrorSums* sums);

  // Folds x[0, n) into *min / *max (callers initialise them to +inf / -inf).
  void (*min_max_f32)(const float* x, size_t n, double* min, double* max);
  void (*min_max_f64)(const double* x, size_t n, double* min, double* max);
  // min_max_f32 of the float32 widening of x[0, n) of type t.
  void (*min_max_half)(const uint16_t* x, HalfType t, size_t n, double* min, double* max);
  // Folds rows r < rows of n elements (row r at x + r * stride) element by element: x[r * stride + i] into min[i] /
  // max[i], rows in order, exactly `v < min[i] ? v : min[i]` (and `>` for max) per element, NaN leaving them. Rows
  // whose elements belong to consecutive groups: per-channel along the last axis, blocks along an inner axis.
  void (*min_max_rows_f32)(const float* x, size_t rows, size_t stride, size_t n, double* min, double* max);
  void (*min_max_rows_f64)(const double* x, size_t rows, size_t stride, size_t n, double* min, double* max);
  // min_max_rows_f32 of the float32 widening of the rows of type t (stride in elements).
  void (*min_max_rows_half)(const uint16_t* x, HalfType t, size_t rows, size_t stride, size_t n, double* min, double* max);
  // Folds max |x| into *abs_max (callers initialise it to 0).
  void (*abs_max_f32)(const float* x, size_t n, double* abs_max);
  void (*abs_max_f64)(const double* x, size_t n, double* abs_max);
  // abs_max_f32 of the float32 widening of x[0, n) of type t.
  void (*abs_max_half)(const uint16_t* x, HalfType t, size_t n, double* abs_max);

  // n codes (int8 or uint8 bytes) -> ceil(n * bits / 8) packed bytes; bits is 2 or 4.
  void (*pack)(const uint8_t* q, size_t n, int bits, uint8_t* out);
  // ceil(n * bits / 8) packed bytes -> n codes, sign-extended when is_signed.
  void (*unpack)(const uint8_t* packed, size_t n, int bits, bool is_signed, uint8_t* out);

  // Adds the histogram of x[0, n) (of |x| for abs_histogram) over [min, max] to counts[0, bins), modulo 2^32 like a
  // Uint32Array (histogram_bin in common/histogram.h has the bin rule). min and max are finite with min <= max and a
  // finite max - min (min >= 0 for abs_histogram), 1 <= bins < 2^31. No allocation: at most a fixed stack buffer.
  void (*histogram_f32)(const float* x, size_t n, double min, double max, uint32_t* counts, size_t bins);
  void (*histogram_f64)(const double* x, size_t n, double min, double max, uint32_t* counts, size_t bins);
  // histogram_f32 (abs_histogram_f32 below) of the float32 widening of x[0, n) of type t.
  void (*histogram_half)(const uint16_t* x, HalfType t, size_t n, double min, double max, uint32_t* counts, size_t bins);
  void (*abs_histogram_f32)(const float* x, size_t n, double min, double max, uint32_t* counts, size_t bins);
  void (*abs_histogram_f64)(const double* x, size_t n, double min, double max, uint32_t* counts, size_t bins);
  void (*abs_histogram_half)(const uint16_t* x, HalfType t, size_t n, double min, double max, uint32_t* counts, size_t bins);
  // x[0, n) of type t widened exactly to float32 into out[0, n) (half_to_float of common/half.h): for callers that run a
  // float32-only kernel on half data a short run at a time (the GGML job's half path), widening into their own buffer.
  void (*widen_half)(const uint16_t* x, HalfType t, size_t n, float* out);

  // GGML blocks of format f (kernels/ggml_types.h) from x[0, n), n a multiple of the block size, x finite, into
  // ggml_row_bytes(f, n) bytes of out: ggml's quantize_row_*_ref bit for bit (docs/GGML.md). No allocation.
  void (*ggml_quantize)(GgmlFormat f, const float* x, size_t n, uint8_t* out);
  // n float32 values of whole blocks of format f (ggml's dequantize_row_*).
  void (*ggml_dequantize)(GgmlFormat f, const uint8_t* blocks, size_t n, float* out);

  // Embeddings (common/embeddings.h has the contract; docs/EMBEDDINGS.md). Rows are consecutive; `count` rows are
  // scored against one query into out[0, count). No allocation.
  // rows x dim float32 values -> rows x dim codes (int8 codes as two's complement bytes).
  void (*quantize_embedding_rows_f32)(const float* x, size_t rows, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, uint8_t* out);
  // rows x dim float32 values -> rows x ceil(dim / 8) bytes; signed_codes stores byte ^ 0x80 ('binary').
  void (*pack_binary_rows_f32)(const float* x, size_t rows, size_t dim, BitOrder order, BitThreshold threshold, bool signed_codes, uint8_t* out);
  // popcount(query ^ row) over bytes_per_row bytes.
  void (*hamming_scan)(const uint8_t* query, const uint8_t* rows, size_t count, size_t bytes_per_row, uint32_t* out);
  // Exact integer dot / squared L2 of code rows, stored modulo 2^32.
  void (*dot_scan_i8)(const int8_t* query, const int8_t* rows, size_t count, size_t dim, int32_t* out);
  void (*dot_scan_u8)(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out);
  void (*l2_scan_i8)(const int8_t* query, const int8_t* rows, size_t count, size_t dim, uint32_t* out);
  void (*l2_scan_u8)(const uint8_t* query, const uint8_t* rows, size_t count, size_t dim, uint32_t* out);
  // A float32 query against code rows dequantized on the fly with float32 starts / steps (float64 lane sums).
  void (*dot_scan_asymmetric)(const float* query, const uint8_t* rows, size_t count, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* out);
  void (*l2_scan_asymmetric)(const float* query, const uint8_t* rows, size_t count, size_t dim, const float* starts, const float* steps, EmbeddingCodes codes, double* out);
  // A float32 query against float32 rows (float64 lane sums).
  void (*dot_scan_f32)(const float* query, const float* rows, size_t count, size_t dim, double* out);
  void (*l2_scan_f32)(const float* query, const float* rows, size_t count, size_t dim, double* out);
  // The indices of the min(k, n) best of scores[0, n) into out, best first ('descending': largest first; ties to the
  // lower index, NaN last, -0 and +0 tie); returns how many. n <= 2^32; out (min(k, n) elements) is the heap.
  size_t (*top_k_f64)(const double* scores, size_t n, size_t k, bool descending, uint32_t* out);
  size_t (*top_k_i32)(const int32_t* scores, size_t n, size_t k, bool descending, uint32_t* out);
  size_t (*top_k_u32)(const uint32_t* scores, size_t n, size_t k, bool descending, uint32_t* out);
};

// The portable set (kernels/scalar/table.cc): built everywhere, runs on every CPU, the oracle the other sets are tested
// against. The tables of the other sets are declared beside their entries in dispatch/kernel_sets.cc.
extern const KernelTable kScalarKernels;

namespace {  // internal linkage: this header is also compiled with ISA flags (see common/element.h)

// Whether every slot of t is set; kernels_test checks every registered set with it.
constexpr bool kernel_table_complete(const KernelTable& t) {
  return t.isa != nullptr && t.quantize_f32 != nullptr && t.quantize_f64 != nullptr && t.quantize_groups_f32 != nullptr &&
         t.quantize_groups_f64 != nullptr && t.quantize_blocks_f32 != nullptr && t.quantize_blocks_f64 != nullptr &&
         t.dequantize_f32 != nullptr && t.dequantize_f64 != nullptr &&
         t.fake_quantize_f32 != nullptr && t.fake_quantize_f64 != nullptr && t.min_max_f32 != nullptr &&
         t.min_max_f64 != nullptr && t.min_max_rows_f32 != nullptr && t.min_max_rows_f64 != nullptr &&
         t.abs_max_f32 != nullptr && t.abs_max_f64 != nullptr && t.pack != nullptr &&
         t.unpack != nullptr && t.histogram_f32 != nullptr && t.histogram_f64 != nullptr &&
         t.abs_histogram_f32 != nullptr && t.abs_histogram_f64 != nullptr && t.quantize_half != nullptr &&
         t.quantize_groups_half != nullptr && t.quantize_block_runs_f32 != nullptr &&
         t.quantize_block_runs_half != nullptr && t.dequantize_half != nullptr && t.min_max_half != nullptr &&
         t.min_max_rows_half != nullptr && t.abs_max_half != nullptr && t.histogram_half != nullptr &&
         t.abs_histogram_half != nullptr && t.widen_half != nullptr && t.ggml_quantize != nullptr && t.ggml_dequantize != nullptr &&
         t.quantize_embedding_rows_f32 != nullptr && t.pack_binary_rows_f32 != nullptr && t.hamming_scan != nullptr &&
         t.dot_scan_i8 != nullptr && t.dot_scan_u8 != nullptr && t.l2_scan_i8 != nullptr && t.l2_scan_u8 != nullptr &&
         t.dot_scan_asymmetric != nullptr && t.l2_scan_asymmetric != nullptr && t.dot_scan_f32 != nullptr &&
         t.l2_scan_f32 != nullptr && t.top_k_f64 != nullptr && t.top_k_i32 != nullptr && t.top_k_u32 != nullptr;
}
// A slot added to KernelTable must be added to kernel_table_complete too (every member is one pointer).
static_assert(sizeof(KernelTable) == 50 * sizeof(void*), "update kernel_table_complete for the new KernelTable slot");

}  // namespace

}  // namespace quantkit
