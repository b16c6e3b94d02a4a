// The module's only allocator: a bump arena over linear memory above the module's data (wasm-ld's __heap_base), grown
// with memory.grow when needed. No malloc, no free list: the TypeScript side allocates the copy-in / copy-out buffers
// of a call and releases them all with qk_reset(mark) when the call ends, and zero-copy arrays live below the mark
// that calls start from (packages/quant-wasm/src/memory.ts). A growth the runtime refuses returns 0, which the
// TypeScript side turns into ERR_QUANT_WASM_MEMORY; nothing aborts.
#include <stddef.h>
#include <stdint.h>

extern "C" unsigned char __heap_base;

namespace {

constexpr uintptr_t kPage = 65536;
constexpr uintptr_t kAlign = 16;  // enough for every element type and for v128 loads

uintptr_t top = 0;  // the first free byte; 0 before the first call

uintptr_t heap_start() { return (reinterpret_cast<uintptr_t>(&__heap_base) + kAlign - 1) & ~(kAlign - 1); }

}  // namespace

extern "C" {

// The address of `bytes` bytes (16-byte aligned) above every earlier allocation, growing memory if needed; 0 when
// memory cannot grow that far (the 4 GiB address space, or the runtime's limit).
__attribute__((export_name("qk_alloc"))) uintptr_t qk_alloc(uint32_t bytes) {
  if (top == 0) top = heap_start();
  const uint64_t start = top;
  const uint64_t end = (start + bytes + kAlign - 1) & ~static_cast<uint64_t>(kAlign - 1);
  const uint64_t have = static_cast<uint64_t>(__builtin_wasm_memory_size(0)) * kPage;
  if (end > have) {
    if (end > (uint64_t{1} << 32)) return 0;
    const uint64_t pages = (end - have + kPage - 1) / kPage;
    if (__builtin_wasm_memory_grow(0, static_cast<size_t>(pages)) == static_cast<size_t>(-1)) return 0;
  }
  top = static_cast<uintptr_t>(end);
  return static_cast<uintptr_t>(start);
}

// The current top: allocations made after it are released by qk_reset(mark).
__attribute__((export_name("qk_mark"))) uintptr_t qk_mark() {
  if (top == 0) top = heap_start();
  return top;
}

// Releases every allocation above `mark` (a value qk_mark returned). Memory stays grown.
__attribute__((export_name("qk_reset"))) void qk_reset(uintptr_t mark) {
  if (mark >= heap_start() && mark <= top) top = mark;
}

}  // extern "C"
