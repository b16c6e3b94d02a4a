// The error codes the binding throws (quantkit's QuantError codes, packages/quant-core and quant-native errors.ts) and
// Failure, how code without Node-API (descriptor.h, kernel_entries.h) reports a refused argument. Plain C++, no Node.
#pragma once

#include <string>
#include <utility>

namespace quantkit {

constexpr const char* kErrInputType = "ERR_QUANT_INPUT_TYPE";
constexpr const char* kErrShape = "ERR_QUANT_SHAPE";
constexpr const char* kErrOutput = "ERR_QUANT_OUTPUT";
constexpr const char* kErrScale = "ERR_QUANT_SCALE";
constexpr const char* kErrZeroPoint = "ERR_QUANT_ZERO_POINT";
constexpr const char* kErrBits = "ERR_QUANT_BITS";
constexpr const char* kErrPacked = "ERR_QUANT_PACKED";
constexpr const char* kErrBlockSize = "ERR_QUANT_BLOCK_SIZE";
constexpr const char* kErrOption = "ERR_QUANT_OPTION";
constexpr const char* kErrRange = "ERR_QUANT_RANGE";
constexpr const char* kErrDetached = "ERR_QUANT_DETACHED";
constexpr const char* kErrArgument = "ERR_QUANT_NATIVE_ARGUMENT";
constexpr const char* kErrIsa = "ERR_QUANT_NATIVE_ISA";
constexpr const char* kErrThreads = "ERR_QUANT_NATIVE_THREADS";

// The first refused argument of a call. Checks return `f->set(code, message)` (false); the binding throws it as a
// JavaScript Error with that `code`. Nothing is allocated unless a check fails.
struct Failure {
  const char* code = nullptr;
  std::string message;

  bool set(const char* c, std::string m) {
    code = c;
    message = std::move(m);
    return false;
  }
};

}  // namespace quantkit
