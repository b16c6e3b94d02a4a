// Chooses the kernel table for an ISA request.
#pragma once

#include <string>

#include "../kernels/kernels.h"

namespace quantkit {

// isa_request: "auto" (also nullptr or "") or the name of a kernel set of this build (the list in kernel_sets.cc:
// "avx2" on x86-64, "scalar" everywhere).
//   auto   -> the first set of the list (best first) that this CPU and OS can run; scalar runs on any CPU.
//   a name -> that set, or nullptr with *error set when this CPU/OS cannot run it.
// Any other string (also the name of a set this build does not have) returns nullptr with *error set, naming the
// accepted ones. Never throws, never crashes; error may be nullptr.
// The returned table is static and immutable; the only state behind this call is the cached CPU probe.
const KernelTable* select_kernels(const char* isa_request, std::string* error);

// The ISA names select_kernels accepts besides "auto", best first, that this CPU can run (e.g. "avx2,scalar"); computed
// once from the list.
const char* available_isas();

}  // namespace quantkit
