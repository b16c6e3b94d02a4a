// The SIMD128 kernel set of the WebAssembly module (native/wasm): the only translation unit that includes
// kernels/simd128/*.h, compiled for wasm32 with -msimd128 (native/wasm/build.mjs). Results equal the scalar set bit
// for bit: every vector body computes the element function of kernels/common/ lane by lane, tails run the portable
// loops.
//
// The set is the portable set (the scalar table it is given) with the slots below replaced by SIMD128 kernels:
//   quantize_f32, quantize_f64, quantize_half, quantize_groups_f32 / _half, quantize_blocks_f32 / _f64,
//   quantize_block_runs_f32 / _half,
//   dequantize_f32 (codes to float32 with a float scale), dequantize_f64, dequantize_half, fake_quantize_f32,
//   min_max_f32, min_max_f64, min_max_half, abs_max_f32, abs_max_f64, pack, unpack, widen_half.
// The half kernels are the float32 ones on chunks widened by SIMD128 (half.h); blocks are runs of the run kernels.
// Every other slot (abs_max_half, which no module entry calls, float64 per-element parameters, row-wise folds, float64
// fake-quantize, histograms, GGML, embeddings, top-k) runs the portable loop of kernels/common/ as compiled for this
// target, which clang auto-vectorises where it can. Built at run time (a copy of a table from another translation unit
// cannot be a constant), once, by the module's entries.
#if !defined(__wasm_simd128__)
#error "kernels/simd128/table.cc must be compiled for wasm32 with -msimd128 (native/wasm/build.mjs)"
#endif

#include "../kernels.h"
#include "dequantize.h"
#include "fake_quantize.h"
#include "pack.h"
#include "quantize.h"
#include "reduce.h"

namespace quantkit {

KernelTable simd128_kernel_table(const KernelTable& portable) {
  KernelTable t = portable;
  t.isa = "simd128";
  t.quantize_f32 = simd128::quantize_f32;
  t.quantize_f64 = simd128::quantize_f64;
  t.quantize_half = simd128::quantize_half;
  t.quantize_groups_f32 = simd128::quantize_groups_f32;
  t.quantize_groups_half = simd128::quantize_groups_half;
  t.quantize_blocks_f32 = simd128::quantize_blocks<float>;
  t.quantize_blocks_f64 = simd128::quantize_blocks<double>;
  t.quantize_block_runs_f32 = simd128::quantize_block_runs;
  t.quantize_block_runs_half = simd128::quantize_block_runs_half;
  t.dequantize_f32 = simd128::dequantize_f32;
  t.dequantize_f64 = simd128::dequantize_f64;
  t.dequantize_half = simd128::dequantize_half;
  t.min_max_f32 = simd128::min_max<float>;
  t.min_max_f64 = simd128::min_max<double>;
  t.min_max_half = simd128::min_max_half;
  t.abs_max_f32 = simd128::abs_max<float>;
  t.abs_max_f64 = simd128::abs_max<double>;
  t.fake_quantize_f32 = simd128::fake_quantize_f32;
  t.pack = simd128::pack;
  t.unpack = simd128::unpack;
  t.widen_half = simd128::widen_half_f32;
  return t;
}

}  // namespace quantkit
