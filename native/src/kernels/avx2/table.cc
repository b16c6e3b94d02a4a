// The AVX2 kernel set (x86-64, AVX2 and F16C). The one translation unit compiled with -mavx2 -mf16c and the only one
// that includes kernels/avx2/*.h; everything in it has internal linkage except kAvx2Kernels
// (native/scripts/check-kernels.sh checks the symbols of its object), so no AVX2-encoded code can be shared with
// baseline code by the linker. Dispatch hands the table out only after CPUID/XGETBV say the CPU and OS support AVX2 and
// F16C (dispatch/kernel_sets.cc; F16C's vcvtph2ps / vcvtps2ph convert the float16 elements of the *_half kernels). Results equal the
// scalar set bit for bit: unaligned loads and stores, 8 float32 or 4 float64 lanes per vector, tails through the
// portable loops of kernels/common/.
#if defined(__x86_64__) || defined(_M_X64)

#if !defined(__AVX2__)
#error "kernels/avx2/table.cc must be compiled with -mavx2 -mf16c (and it must be the only file compiled with them)"
#endif

#define QUANTKIT_AVX2_TABLE_CC 1

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

extern const KernelTable kAvx2Kernels;  // named by dispatch/kernel_sets.cc

// Designated initialisers: a kernel in the wrong slot or a misspelt slot does not compile, nor (with this pragma, in
// GCC) a slot left out. kernels_test checks every registered table for null slots too (kernel_table_complete).
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wmissing-field-initializers"
constexpr KernelTable kAvx2Kernels = {
    .isa = "avx2",
    .quantize_f32 = avx2::quantize<float>,
    .quantize_f64 = avx2::quantize<double>,
    .quantize_half = avx2::quantize_half,
    .quantize_groups_f32 = avx2::quantize_groups<float>,
    .quantize_groups_f64 = avx2::quantize_groups<double>,
    .quantize_groups_half = avx2::quantize_groups_half,
    .quantize_blocks_f32 = avx2::quantize_blocks<float>,
    .quantize_blocks_f64 = avx2::quantize_blocks<double>,
    .quantize_block_runs_f32 = avx2::quantize_block_runs,
    .quantize_block_runs_half = avx2::quantize_block_runs_half,
    .dequantize_f32 = avx2::dequantize<float>,
    .dequantize_f64 = avx2::dequantize<double>,
    .dequantize_half = avx2::dequantize_half,
    .fake_quantize_f32 = avx2::fake_quantize<float>,
    .fake_quantize_f64 = avx2::fake_quantize<double>,
    .min_max_f32 = avx2::min_max<float>,
    .min_max_f64 = avx2::min_max<double>,
    .min_max_half = avx2::min_max_half,
    .min_max_rows_f32 = avx2::min_max_rows<float>,
    .min_max_rows_f64 = avx2::min_max_rows<double>,
    .min_max_rows_half = avx2::min_max_rows_half,
    .abs_max_f32 = avx2::abs_max<float>,
    .abs_max_f64 = avx2::abs_max<double>,
    .abs_max_half = avx2::abs_max_half,
    .pack = avx2::pack,
    .unpack = avx2::unpack,
    .histogram_f32 = avx2::histogram<false, float>,
    .histogram_f64 = avx2::histogram<false, double>,
    .histogram_half = avx2::histogram_half<false>,
    .abs_histogram_f32 = avx2::histogram<true, float>,
    .abs_histogram_f64 = avx2::histogram<true, double>,
    .abs_histogram_half = avx2::histogram_half<true>,
    .widen_half = avx2::widen_half_f32,
    .ggml_quantize = avx2::ggml_quantize_row,
    .ggml_dequantize = avx2::ggml_dequantize_row,
    .quantize_embedding_rows_f32 = avx2::quantize_embedding_rows<float>,
    .pack_binary_rows_f32 = avx2::pack_binary_rows<float>,
    .hamming_scan = avx2::hamming_scan,
    .dot_scan_i8 = avx2::dot_scan_i8,
    .dot_scan_u8 = avx2::dot_scan_u8,
    .l2_scan_i8 = avx2::l2_scan_i8,
    .l2_scan_u8 = avx2::l2_scan_u8,
    .dot_scan_asymmetric = avx2::dot_scan_asymmetric,
    .l2_scan_asymmetric = avx2::l2_scan_asymmetric,
    .dot_scan_f32 = avx2::dot_scan_f32,
    .l2_scan_f32 = avx2::l2_scan_f32,
    .top_k_f64 = avx2::top_k<double>,
    .top_k_i32 = avx2::top_k<int32_t>,
    .top_k_u32 = avx2::top_k<uint32_t>,
};
#pragma GCC diagnostic pop

}  // namespace quantkit

#endif  // x86-64
