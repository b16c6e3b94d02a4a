// The typed-array arguments of a kernel call, as the binding hands them to the kernel entries: a view (element type,
// data, length) and the kind of argument, which says which element types it accepts and which error code a refusal
// carries. Plain C++, no Node (call.h turns Node-API typed arrays into ArrayViews).
#pragma once

#include <cstddef>
#include <cstdint>

#include "errors.h"

namespace quantkit {

enum class Elem : uint8_t { I8, U8, I16, U16, I32, U32, F32, F64, Other };

struct ArrayView {
  Elem elem = Elem::Other;
  void* data = nullptr;
  size_t length = 0;  // elements
};

enum class ArrayKind : uint8_t {
  FloatIn,       // x: Float32Array | Float64Array
  FloatOut,      // float output: Float32Array | Float64Array
  CodesIn,       // q: Int8Array | Uint8Array | Int16Array | Uint16Array
  CodesOut,      // codes output: the same types
  ByteCodesIn,   // pack q: Int8Array | Uint8Array
  ByteCodesOut,  // unpack out: Int8Array | Uint8Array
  Scales,        // Float32Array | Float64Array
  ScalesOut,     // scales output: Float32Array | Float64Array
  ZeroPoints,    // Int32Array
  ZeroPointsOut, // zero points output: Int32Array
  Float64Out,    // per-group min / max: Float64Array
  BytesIn,       // packed bytes: Uint8Array
  BytesOut,      // packed bytes output: Uint8Array
  Counts,        // histogram counts: Uint32Array | Float64Array
  HalfIn,        // half-precision bit patterns: Uint16Array
  HalfOut,       // half-precision output: Uint16Array
  Float32In,     // embedding kernels' float data: Float32Array
  Int32Out,      // int8 dot scores: Int32Array
  Uint32Out,     // Hamming / integer scores: Uint32Array
  ScoresIn,      // topKKernel scores: Float64Array | Int32Array | Uint32Array
};

constexpr uint16_t elem_bit(Elem e) { return static_cast<uint16_t>(1u << static_cast<unsigned>(e)); }

// What an argument of a kind accepts (elem_bit flags), and the error code and wording of a refusal.
struct ArrayRule {
  uint16_t accepts;
  const char* code;
  const char* types;
};

constexpr ArrayRule rule_of(ArrayKind kind) {
  constexpr uint16_t kFloats = elem_bit(Elem::F32) | elem_bit(Elem::F64);
  constexpr uint16_t kCodes = elem_bit(Elem::I8) | elem_bit(Elem::U8) | elem_bit(Elem::I16) | elem_bit(Elem::U16);
  constexpr uint16_t kByteCodes = elem_bit(Elem::I8) | elem_bit(Elem::U8);
  switch (kind) {
    case ArrayKind::FloatIn: return {kFloats, kErrInputType, "a Float32Array or Float64Array"};
    case ArrayKind::FloatOut: return {kFloats, kErrOutput, "a Float32Array or Float64Array"};
    case ArrayKind::CodesIn: return {kCodes, kErrInputType, "an Int8Array, Uint8Array, Int16Array or Uint16Array"};
    case ArrayKind::CodesOut: return {kCodes, kErrOutput, "an Int8Array, Uint8Array, Int16Array or Uint16Array"};
    case ArrayKind::ByteCodesIn: return {kByteCodes, kErrInputType, "an Int8Array or Uint8Array"};
    case ArrayKind::ByteCodesOut: return {kByteCodes, kErrOutput, "an Int8Array or Uint8Array"};
    case ArrayKind::Scales: return {kFloats, kErrInputType, "a Float32Array or Float64Array"};
    case ArrayKind::ScalesOut: return {kFloats, kErrOutput, "a Float32Array or Float64Array"};
    case ArrayKind::ZeroPoints: return {elem_bit(Elem::I32), kErrZeroPoint, "an Int32Array"};
    case ArrayKind::ZeroPointsOut: return {elem_bit(Elem::I32), kErrOutput, "an Int32Array"};
    case ArrayKind::Float64Out: return {elem_bit(Elem::F64), kErrOutput, "a Float64Array"};
    case ArrayKind::BytesIn: return {elem_bit(Elem::U8), kErrInputType, "a Uint8Array"};
    case ArrayKind::BytesOut: return {elem_bit(Elem::U8), kErrOutput, "a Uint8Array"};
    case ArrayKind::Counts: return {static_cast<uint16_t>(elem_bit(Elem::U32) | elem_bit(Elem::F64)), kErrOutput, "a Uint32Array or Float64Array"};
    case ArrayKind::HalfIn: return {elem_bit(Elem::U16), kErrInputType, "a Uint16Array of float16 / bfloat16 bits"};
    case ArrayKind::HalfOut: return {elem_bit(Elem::U16), kErrOutput, "a Uint16Array"};
    case ArrayKind::Float32In: return {elem_bit(Elem::F32), kErrInputType, "a Float32Array"};
    case ArrayKind::Int32Out: return {elem_bit(Elem::I32), kErrOutput, "an Int32Array"};
    case ArrayKind::Uint32Out: return {elem_bit(Elem::U32), kErrOutput, "a Uint32Array"};
    case ArrayKind::ScoresIn:
      return {static_cast<uint16_t>(elem_bit(Elem::F64) | elem_bit(Elem::I32) | elem_bit(Elem::U32)), kErrInputType, "a Float64Array, Int32Array or Uint32Array"};
  }
  return {0, kErrArgument, "a typed array"};
}

// Bytes per element (0 for Other).
constexpr size_t elem_bytes(Elem e) {
  switch (e) {
    case Elem::I8:
    case Elem::U8: return 1;
    case Elem::I16:
    case Elem::U16: return 2;
    case Elem::I32:
    case Elem::U32:
    case Elem::F32: return 4;
    case Elem::F64: return 8;
    case Elem::Other: return 0;
  }
  return 0;
}

// The outputs a kernel writes element by element, as large as its input: the ones worth memory advice before the
// write (output_memory.h).
constexpr bool is_bulk_output(ArrayKind kind) {
  return kind == ArrayKind::FloatOut || kind == ArrayKind::CodesOut || kind == ArrayKind::ByteCodesOut || kind == ArrayKind::BytesOut ||
         kind == ArrayKind::HalfOut;
}

// Whether an argument of `kind` may have element type `elem`.
constexpr bool accepts(ArrayKind kind, Elem elem) { return (rule_of(kind).accepts & elem_bit(elem)) != 0; }

// Refuses an argument of `kind` (of another type, or not a typed array): "<name> must be a ...", with the error code
// of that kind of argument.
bool refuse_array(const char* name, ArrayKind kind, Failure* f);

}  // namespace quantkit
