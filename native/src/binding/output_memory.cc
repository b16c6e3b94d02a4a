#include "output_memory.h"

#include <cstdint>
#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace quantkit {

// QUANT_HUGE_PAGES=0 turns the advice off (read once, when the addon first advises; the TypeScript side refuses
// values other than 0 and 1).
static bool advice_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("QUANT_HUGE_PAGES");
    return v == nullptr || v[0] != '0';
  }();
  return enabled;
}

void advise_output(void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (data == nullptr || bytes < kHugeOutputBytes || !advice_enabled()) return;
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end <= begin) return;
  // Advice only: a failure (EINVAL where THP is compiled out) leaves the memory as it was.
  (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace quantkit
