// CPU feature probe for kernel dispatch. Probed once (thread-safe) and immutable afterwards.
#pragma once

namespace quantkit {

struct CpuFeatures {
  bool avx2;  // CPUID.7.0:EBX[5], and CPUID.1:ECX OSXSAVE + AVX, and XCR0 says the OS saves XMM and YMM state
  bool f16c;  // CPUID.1:ECX[29] (vcvtph2ps / vcvtps2ph on YMM), under the same OSXSAVE + AVX + XCR0 conditions
};

// The cached probe of the CPU this process runs on.
const CpuFeatures& cpu_features();

}  // namespace quantkit
