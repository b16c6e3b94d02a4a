// SIMD128 basics shared by the kernel families of the WebAssembly set: 4 float32 lanes per v128, unaligned loads and
// stores (wasm_v128_load / wasm_v128_store never trap on alignment), and narrowing of int32 codes to the code types.
// Internal linkage only, included by kernels/simd128/table.cc alone (see common/element.h).
#pragma once

#include <wasm_simd128.h>

#include "../common/element.h"

namespace quantkit::simd128 {
namespace {

inline v128_t load(const void* p) { return wasm_v128_load(p); }

// v, as a value the compiler cannot see through: a constant made opaque before a loop stays in a local, where V8 keeps
// it in a register (V8 rematerialises a v128.const at every use inside a loop, 2-3 instructions each), and clang
// cannot rewrite the lanes it masks into narrower, shuffled operations.
inline v128_t opaque(v128_t v) {
  __asm__("" : "+r"(v));
  return v;
}
inline void store(void* p, v128_t v) { wasm_v128_store(p, v); }

// T* for a void* and const T* for a const void*.
template <typename V, typename T> struct CodePointer { using type = T*; };
template <typename T> struct CodePointer<const void, T> { using type = const T*; };

// Calls f(codes) with q (a void* or const void*) as a pointer to its code type t.
template <typename V, typename Body> inline void with_codes(V* q, IntType t, Body f) {
  switch (t) {
    case IntType::I8: f(static_cast<typename CodePointer<V, int8_t>::type>(q)); return;
    case IntType::U8: f(static_cast<typename CodePointer<V, uint8_t>::type>(q)); return;
    case IntType::I16: f(static_cast<typename CodePointer<V, int16_t>::type>(q)); return;
    case IntType::U16: f(static_cast<typename CodePointer<V, uint16_t>::type>(q)); return;
  }
}

// Stores 16 int32 codes (four vectors, each value inside Code's range, so the saturating narrows are exact) to out.
template <typename Code> inline void store_codes16(Code* out, v128_t a, v128_t b, v128_t c, v128_t d) {
  if constexpr (sizeof(Code) == 1) {
    const v128_t ab = wasm_i16x8_narrow_i32x4(a, b);
    const v128_t cd = wasm_i16x8_narrow_i32x4(c, d);
    store(out, static_cast<Code>(-1) < 0 ? wasm_i8x16_narrow_i16x8(ab, cd) : wasm_u8x16_narrow_i16x8(ab, cd));
  } else if constexpr (static_cast<Code>(-1) < 0) {
    store(out, wasm_i16x8_narrow_i32x4(a, b));
    store(out + 8, wasm_i16x8_narrow_i32x4(c, d));
  } else {
    store(out, wasm_u16x8_narrow_i32x4(a, b));
    store(out + 8, wasm_u16x8_narrow_i32x4(c, d));
  }
}

// Loads 16 codes of type Code from q as four vectors of int32.
template <typename Code> inline void load_codes16(const Code* q, v128_t* v) {
  if constexpr (sizeof(Code) == 1) {
    const v128_t b = load(q);
    const bool s = static_cast<Code>(-1) < 0;
    const v128_t lo = s ? wasm_i16x8_extend_low_i8x16(b) : wasm_u16x8_extend_low_u8x16(b);
    const v128_t hi = s ? wasm_i16x8_extend_high_i8x16(b) : wasm_u16x8_extend_high_u8x16(b);
    v[0] = wasm_i32x4_extend_low_i16x8(lo);  // lo / hi hold values of Code: sign-extending them is exact for both
    v[1] = wasm_i32x4_extend_high_i16x8(lo);
    v[2] = wasm_i32x4_extend_low_i16x8(hi);
    v[3] = wasm_i32x4_extend_high_i16x8(hi);
  } else {
    const bool s = static_cast<Code>(-1) < 0;
    const v128_t a = load(q);
    const v128_t b = load(q + 8);
    v[0] = s ? wasm_i32x4_extend_low_i16x8(a) : wasm_u32x4_extend_low_u16x8(a);
    v[1] = s ? wasm_i32x4_extend_high_i16x8(a) : wasm_u32x4_extend_high_u16x8(a);
    v[2] = s ? wasm_i32x4_extend_low_i16x8(b) : wasm_u32x4_extend_low_u16x8(b);
    v[3] = s ? wasm_i32x4_extend_high_i16x8(b) : wasm_u32x4_extend_high_u16x8(b);
  }
}

}  // namespace
}  // namespace quantkit::simd128
