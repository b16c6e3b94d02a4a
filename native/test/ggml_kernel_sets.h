// The GGML kernel sets under test, as the plain function pointers a KernelTable slot would hold. Each set is defined in
// its own translation unit: ggml_scalar.cc (baseline flags) and, on x86-64, ggml_avx2.cc (the only test file compiled
// with -mavx2 -mf16c, which exports nothing but its table, like kernels/avx2/table.cc).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../src/kernels/ggml_types.h"

namespace quantkit_test {

struct GgmlKernelSet {
  const char* isa;
  void (*quantize_row)(quantkit::GgmlFormat f, const float* x, size_t n, uint8_t* out);
  void (*dequantize_row)(quantkit::GgmlFormat f, const uint8_t* blocks, size_t n, float* out);
};

extern const GgmlKernelSet kGgmlScalarSet;
#if defined(__x86_64__) || defined(_M_X64)
#define QK_GGML_HAS_AVX2_SET 1
extern const GgmlKernelSet kGgmlAvx2Set;  // run only when cpu_features() reports AVX2 and F16C
#endif

}  // namespace quantkit_test
