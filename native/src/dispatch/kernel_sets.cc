// The dispatch matrix: one entry per kernel set of this build, best first. select_kernels("auto") takes the first
// entry this CPU can run, so the portable scalar set stays last. A new set (an ISA folder under kernels/ with its
// table.cc) needs one entry here, under the #if of the architectures it is built for, and its table.cc source line
// with the ISA's flags in native/CMakeLists.txt and native/test/CMakeLists.txt.
#include "kernel_sets.h"

namespace quantkit {

#if defined(__x86_64__) || defined(_M_X64)
extern const KernelTable kAvx2Kernels;  // kernels/avx2/table.cc, compiled with -mavx2 -mf16c
#endif
#if defined(__aarch64__)
extern const KernelTable kNeonKernels;  // kernels/neon/table.cc
#endif

namespace {

constexpr KernelSet kKernelSets[] = {
#if defined(__x86_64__) || defined(_M_X64)
    {"avx2", "AVX2 and F16C", [](const CpuFeatures& cpu) { return cpu.avx2 && cpu.f16c; }, &kAvx2Kernels},
#endif
#if defined(__aarch64__)
    // Advanced SIMD is part of the AArch64 base architecture: every AArch64 CPU and OS runs it.
    {"neon", "AArch64 Advanced SIMD (NEON)", [](const CpuFeatures&) { return true; }, &kNeonKernels},
#endif
    {"scalar", "nothing", [](const CpuFeatures&) { return true; }, &kScalarKernels},
};

}  // namespace

std::span<const KernelSet> kernel_sets() { return kKernelSets; }

bool usable(const KernelSet& s) { return s.supported(cpu_features()); }

}  // namespace quantkit
