// The AVX2 GGML kernels (kernels/avx2/ggml.h) as a test kernel set: the one test translation unit compiled with
// -mavx2 -mf16c (native/test/CMakeLists.txt). Everything in it has internal linkage except kGgmlAvx2Set, so no AVX2
// code can be shared with baseline code by the linker; ggml_test calls it only after the CPU check.
#if defined(__x86_64__) || defined(_M_X64)

#include "../src/kernels/avx2/ggml.h"
#include "ggml_kernel_sets.h"

namespace quantkit_test {

const GgmlKernelSet kGgmlAvx2Set = {"avx2", quantkit::avx2::ggml_quantize_row, quantkit::avx2::ggml_dequantize_row};

}  // namespace quantkit_test

#endif  // x86-64
