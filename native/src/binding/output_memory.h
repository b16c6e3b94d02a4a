// Memory advice for the large outputs a kernel is about to write (plain C++, no Node).
//
// A fresh output array is fresh memory: its first write faults every 4 KiB page in (docs/BENCHMARKS.md, "fresh
// outputs"). Measured on the benchmark machine, a 64 MiB array costs 30 ms of page faults for 7 ms of writing; with
// transparent huge pages (2 MiB) it costs 9 ms. Linux gives a region huge pages on fault only when asked for them
// (/sys/kernel/mm/transparent_hugepage/enabled is usually "madvise"), so before a kernel writes an output of at least
// kHugeOutputBytes the binding asks, for the 2 MiB-aligned part of the output. The advice changes no byte of the
// array and no result; where it is refused (another OS, THP "never", an old kernel) nothing happens.
//
// The advice has a price on some virtual machines: a guest that reports free 2 MiB blocks to its host (free page
// reporting, as Firecracker guests do) gets each huge page back by a host fault per 4 KiB, and there the first calls
// of a process took 115-160 ms for a 64 MiB output instead of 33 ms without the advice (then 11-19 ms instead of 33,
// once freed huge pages are reused). QUANT_HUGE_PAGES=0 turns the advice off for such latency-bound deployments.
#pragma once

#include <cstddef>

namespace quantkit {

// Outputs smaller than this hold at most one whole 2 MiB page: not worth a system call.
constexpr size_t kHugeOutputBytes = size_t{4} << 20;

// Asks for huge pages over the 2 MiB-aligned interior of [data, data + bytes) when bytes >= kHugeOutputBytes.
void advise_output(void* data, size_t bytes);

}  // namespace quantkit
