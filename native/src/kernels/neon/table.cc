// The NEON kernel set (AArch64 Advanced SIMD, which every AArch64 CPU has: dispatch/kernel_sets.cc lists it first on
// AArch64 builds and needs no CPU probe). The only translation unit that includes kernels/neon/*.h; everything in it
// has internal linkage except kNeonKernels (native/scripts/check-arm64.sh checks the symbols of its object). Results
// equal the scalar set bit for bit: 4 float32 or 2 float64 lanes per vector, tails through the portable loops of
// kernels/common/. Built with -ffp-contract=off like every kernel file (GCC for AArch64 fuses a * b + c into FMADD by
// default, which would change results).
//
// No slot runs on the portable loops of kernels/common/ as a whole (they serve as tails and rare fallbacks only). The
// GGML slots are NEON for every format, quantize and dequantize (neon/ggml*.h; their format switch is the scalar set's,
// common/ggml_dispatch.h).
// (The embedding and top-k slots are all NEON: neon/embeddings*.h, neon/top_k.h.)
#if defined(__aarch64__)

#define QUANTKIT_NEON_TABLE_CC 1

#include "../kernels.h"
#include "dequantize.h"
#include "embeddings.h"
#include "fake_quantize.h"
#include "ggml.h"
#include "histogram.h"
#include "pack.h"
#include "quantize.h"
#include "reduce.h"
#include "widen.h"

namespace quantkit {

extern const KernelTable kNeonKernels;  // named by dispatch/kernel_sets.cc

// Designated initialisers: a kernel in the wrong slot or a misspelt slot does not compile, nor (with this pragma, in
// GCC) a slot left out. kernels_test checks every registered table for null slots too (kernel_table_complete).
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wmissing-field-initializers"
constexpr KernelTable kNeonKernels = {
    .isa = "neon",
    .quantize_f32 = neon::quantize<float>,
    .quantize_f64 = neon::quantize<double>,
    .quantize_half = neon::quantize_half,
    .quantize_groups_f32 = neon::quantize_groups<float>,
    .quantize_groups_f64 = neon::quantize_groups<double>,
    .quantize_groups_half = neon::quantize_groups_half,
    .quantize_blocks_f32 = neon::quantize_blocks<float>,
    .quantize_blocks_f64 = neon::quantize_blocks<double>,
    .quantize_block_runs_f32 = neon::quantize_block_runs,
    .quantize_block_runs_half = neon::quantize_block_runs_half,
    .dequantize_f32 = neon::dequantize<float>,
    .dequantize_f64 = neon::dequantize<double>,
    .dequantize_half = neon::dequantize_half,
    .fake_quantize_f32 = neon::fake_quantize<float>,
    .fake_quantize_f64 = neon::fake_quantize<double>,
    .min_max_f32 = neon::min_max<float>,
    .min_max_f64 = neon::min_max<double>,
    .min_max_half = neon::min_max_half,
    .min_max_rows_f32 = neon::min_max_rows<float>,
    .min_max_rows_f64 = neon::min_max_rows<double>,
    .min_max_rows_half = neon::min_max_rows_half,
    .abs_max_f32 = neon::abs_max<float>,
    .abs_max_f64 = neon::abs_max<double>,
    .abs_max_half = neon::abs_max_half,
    .pack = neon::pack,
    .unpack = neon::unpack,
    .histogram_f32 = neon::histogram<false, float>,
    .histogram_f64 = neon::histogram<false, double>,
    .histogram_half = neon::histogram_half<false>,
    .abs_histogram_f32 = neon::histogram<true, float>,
    .abs_histogram_f64 = neon::histogram<true, double>,
    .abs_histogram_half = neon::histogram_half<true>,
    .widen_half = neon::widen_half_f32,
    .ggml_quantize = neon::ggml_quantize_row,
    .ggml_dequantize = neon::ggml_dequantize_row,
    .quantize_embedding_rows_f32 = neon::quantize_embedding_rows<float>,
    .pack_binary_rows_f32 = neon::pack_binary_rows<float>,
    .hamming_scan = neon::hamming_scan,
    .dot_scan_i8 = neon::dot_scan_i8,
    .dot_scan_u8 = neon::dot_scan_u8,
    .l2_scan_i8 = neon::l2_scan_i8,
    .l2_scan_u8 = neon::l2_scan_u8,
    .dot_scan_asymmetric = neon::dot_scan_asymmetric,
    .l2_scan_asymmetric = neon::l2_scan_asymmetric,
    .dot_scan_f32 = neon::dot_scan_f32,
    .l2_scan_f32 = neon::l2_scan_f32,
    .top_k_f64 = neon::top_k<double>,
    .top_k_i32 = neon::top_k<int32_t>,
    .top_k_u32 = neon::top_k<uint32_t>,
};
#pragma GCC diagnostic pop

}  // namespace quantkit

#endif  // AArch64
