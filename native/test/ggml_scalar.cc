// The scalar GGML kernels (kernels/scalar/ggml.h) as a test kernel set.
#include "../src/kernels/scalar/ggml.h"
#include "ggml_kernel_sets.h"

namespace quantkit_test {

const GgmlKernelSet kGgmlScalarSet = {"scalar", quantkit::scalar::ggml_quantize_row, quantkit::scalar::ggml_dequantize_row};

}  // namespace quantkit_test
