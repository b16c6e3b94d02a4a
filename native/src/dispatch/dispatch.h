// Chooses the kernel table for an ISA request.
#pragma once

#include <string>

#include "../kernels/kernels.h"

namespace quantkit {

// isa_request: "auto" (also nullptr or ""), "avx2" or "scalar".
//   auto   -> AVX2 when the CPU and OS support it, else scalar.
//   avx2   -> AVX2, or nullptr with *error set when this CPU/OS (or build) cannot run it.
//   scalar -> the portable kernels (always available).
// Any other string returns nullptr with *error set. Never throws, never crashes; error may be nullptr.
// The returned table is static and immutable; the only state behind this call is the cached CPU probe.
const KernelTable* select_kernels(const char* isa_request, std::string* error);

// The ISA names select_kernels accepts besides "auto", best first, that this CPU can run (e.g. "avx2,scalar").
const char* available_isas();

}  // namespace quantkit
