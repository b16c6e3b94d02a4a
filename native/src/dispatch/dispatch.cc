// select_kernels and available_isas over the list of kernel sets (kernel_sets.cc); no ISA is named here.
#include "dispatch.h"

#include <cstring>

#include "kernel_sets.h"

namespace quantkit {
namespace {

// "'auto', 'avx2' or 'scalar'": every name select_kernels accepts in this build.
std::string accepted_names() {
  std::string names = "'auto'";
  const std::span<const KernelSet> sets = kernel_sets();
  for (size_t i = 0; i < sets.size(); i++) {
    names += i + 1 == sets.size() ? " or '" : ", '";
    names += sets[i].name;
    names += "'";
  }
  return names;
}

}  // namespace

const KernelTable* select_kernels(const char* isa_request, std::string* error) {
  const bool automatic = isa_request == nullptr || isa_request[0] == '\0' || std::strcmp(isa_request, "auto") == 0;
  for (const KernelSet& s : kernel_sets()) {
    if (automatic) {
      if (usable(s)) return s.table;
    } else if (std::strcmp(isa_request, s.name) == 0) {
      if (usable(s)) return s.table;
      if (error != nullptr) {
        *error = std::string("the ") + s.name + " kernels were requested but this CPU or operating system does not support " + s.needs;
      }
      return nullptr;
    }
  }
  if (automatic) return &kScalarKernels;  // not reached: the scalar set is last and always usable
  if (error != nullptr) *error = std::string("unknown ISA '") + isa_request + "' (expected " + accepted_names() + ")";
  return nullptr;
}

const char* available_isas() {
  static const std::string names = [] {
    std::string list;
    for (const KernelSet& s : kernel_sets()) {
      if (!usable(s)) continue;
      if (!list.empty()) list += ',';
      list += s.name;
    }
    return list;
  }();  // C++11 guarantees thread-safe one-time initialisation
  return names.c_str();
}

}  // namespace quantkit
