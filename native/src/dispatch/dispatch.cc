#include "dispatch.h"

#include <cstring>

#include "cpu_features.h"

namespace quantkit {
namespace {

bool avx2_usable() {
#if defined(__x86_64__) || defined(_M_X64)
  return cpu_features().avx2;
#else
  return false;
#endif
}

const KernelTable* avx2_table() {
#if defined(__x86_64__) || defined(_M_X64)
  return &kAvx2Kernels;
#else
  return nullptr;
#endif
}

void set_error(std::string* error, const char* message) {
  if (error != nullptr) *error = message;
}

}  // namespace

const KernelTable* select_kernels(const char* isa_request, std::string* error) {
  if (isa_request == nullptr || isa_request[0] == '\0' || std::strcmp(isa_request, "auto") == 0) {
    return avx2_usable() ? avx2_table() : &kScalarKernels;
  }
  if (std::strcmp(isa_request, "scalar") == 0) return &kScalarKernels;
  if (std::strcmp(isa_request, "avx2") == 0) {
    if (avx2_usable()) return avx2_table();
    set_error(error, "the avx2 kernels were requested but this CPU or operating system does not support AVX2");
    return nullptr;
  }
  if (error != nullptr) {
    *error = "unknown ISA '";
    *error += isa_request;
    *error += "' (expected 'auto', 'avx2' or 'scalar')";
  }
  return nullptr;
}

const char* available_isas() { return avx2_usable() ? "avx2,scalar" : "scalar"; }

}  // namespace quantkit
