// The kernel sets compiled into this build, as data: select_kernels (dispatch.h) and the tests walk this list.
#pragma once

#include <span>

#include "../kernels/kernels.h"
#include "cpu_features.h"

namespace quantkit {

struct KernelSet {
  const char* name;                           // what select_kernels and QUANT_NATIVE_ISA accept; equals table->isa
  const char* needs;                          // the CPU requirement in words, for error messages ("AVX2 and F16C")
  bool (*supported)(const CpuFeatures& cpu);  // the CPU requirement: true when this CPU and OS can run the set
  const KernelTable* table;
};

// Every kernel set of this build, best first (kernel_sets.cc). The last one is "scalar", which every CPU runs.
std::span<const KernelSet> kernel_sets();

// Whether the CPU this process runs on can run s.
bool usable(const KernelSet& s);

}  // namespace quantkit
