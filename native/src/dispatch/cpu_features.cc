// CPUID / XGETBV probe. The CPUID AVX2 bit alone is not enough: the OS must also save the YMM registers on a context
// switch (CPUID.1:ECX.OSXSAVE, then XCR0 bits 1 and 2), otherwise AVX instructions fault or corrupt state.
#include "cpu_features.h"

#include <cstdint>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define QUANTKIT_X86_GNU 1
#endif

namespace quantkit {
namespace {

#if defined(QUANTKIT_X86_GNU)
// XGETBV via inline assembly, so this file needs no -mxsave (it must stay baseline code).
uint64_t read_xcr0() {
  uint32_t eax = 0;
  uint32_t edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

CpuFeatures probe() {
  CpuFeatures f{};
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool osxsave = (ecx & (1u << 27)) != 0;
  const bool avx = (ecx & (1u << 28)) != 0;
  if (!osxsave || !avx) return f;
  const uint64_t xcr0 = read_xcr0();
  const bool ymm_saved = (xcr0 & 0x6) == 0x6;  // bit 1: SSE (XMM) state, bit 2: AVX (upper YMM) state
  if (!ymm_saved) return f;
  f.f16c = (ecx & (1u << 29)) != 0;
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  f.avx2 = (ebx & (1u << 5)) != 0;
  return f;
}
#else
CpuFeatures probe() { return CpuFeatures{}; }
#endif

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = probe();  // C++11 guarantees thread-safe one-time initialisation
  return features;
}

}  // namespace quantkit
