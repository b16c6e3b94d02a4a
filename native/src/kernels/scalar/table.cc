// The scalar kernel set: portable loops over the element functions of kernels/common/, compiled for the baseline ISA.
// It runs on every CPU (the last entry of dispatch/kernel_sets.cc) and is the oracle every other set is tested against.
// The only translation unit that includes kernels/scalar/*.h.
#include "../kernels.h"
#include "dequantize.h"
#include "embeddings.h"
#include "fake_quantize.h"
#include "ggml.h"
#include "histogram.h"
#include "pack.h"
#include "quantize.h"
#include "reduce.h"

namespace quantkit {

// Designated initialisers: a kernel in the wrong slot or a misspelt slot does not compile, nor (with this pragma, in
// GCC) a slot left out. kernels_test checks every registered table for null slots too (kernel_table_complete).
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wmissing-field-initializers"
constexpr KernelTable kScalarKernels = {
    .isa = "scalar",
    .quantize_f32 = scalar::quantize<float>,
    .quantize_f64 = scalar::quantize<double>,
    .quantize_half = scalar::quantize_half,
    .quantize_groups_f32 = scalar::quantize_groups<float>,
    .quantize_groups_f64 = scalar::quantize_groups<double>,
    .quantize_groups_half = scalar::quantize_groups_half,
    .quantize_blocks_f32 = scalar::quantize_blocks<float>,
    .quantize_blocks_f64 = scalar::quantize_blocks<double>,
    .quantize_block_runs_f32 = scalar::quantize_block_runs,
    .quantize_block_runs_half = scalar::quantize_block_runs_half,
    .dequantize_f32 = scalar::dequantize<float>,
    .dequantize_f64 = scalar::dequantize<double>,
    .dequantize_half = scalar::dequantize_half,
    .fake_quantize_f32 = scalar::fake_quantize<float>,
    .fake_quantize_f64 = scalar::fake_quantize<double>,
    .min_max_f32 = scalar::min_max<float>,
    .min_max_f64 = scalar::min_max<double>,
    .min_max_half = scalar::min_max_half,
    .min_max_rows_f32 = scalar::min_max_rows<float>,
    .min_max_rows_f64 = scalar::min_max_rows<double>,
    .min_max_rows_half = scalar::min_max_rows_half,
    .abs_max_f32 = scalar::abs_max<float>,
    .abs_max_f64 = scalar::abs_max<double>,
    .abs_max_half = scalar::abs_max_half,
    .pack = scalar::pack,
    .unpack = scalar::unpack,
    .histogram_f32 = scalar::histogram<false, float>,
    .histogram_f64 = scalar::histogram<false, double>,
    .histogram_half = scalar::histogram_half<false>,
    .abs_histogram_f32 = scalar::histogram<true, float>,
    .abs_histogram_f64 = scalar::histogram<true, double>,
    .abs_histogram_half = scalar::histogram_half<true>,
    .widen_half = widen_half_any,
    .ggml_quantize = scalar::ggml_quantize_row,
    .ggml_dequantize = scalar::ggml_dequantize_row,
    .quantize_embedding_rows_f32 = scalar::quantize_embedding_rows<float>,
    .pack_binary_rows_f32 = scalar::pack_binary_rows<float>,
    .hamming_scan = scalar::hamming_scan,
    .dot_scan_i8 = scalar::dot_scan_i8,
    .dot_scan_u8 = scalar::dot_scan_u8,
    .l2_scan_i8 = scalar::l2_scan_i8,
    .l2_scan_u8 = scalar::l2_scan_u8,
    .dot_scan_asymmetric = scalar::dot_scan_asymmetric,
    .l2_scan_asymmetric = scalar::l2_scan_asymmetric,
    .dot_scan_f32 = scalar::dot_scan_f32,
    .l2_scan_f32 = scalar::l2_scan_f32,
    .top_k_f64 = scalar::top_k<double>,
    .top_k_i32 = scalar::top_k<int32_t>,
    .top_k_u32 = scalar::top_k<uint32_t>,
};
#pragma GCC diagnostic pop

}  // namespace quantkit
