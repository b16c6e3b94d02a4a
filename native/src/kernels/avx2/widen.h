// AVX2 widening of half runs to float32 (the widen_half slot): Vec<float>::load's exact in-register widening (F16C
// vcvtph2ps for float16, a shift into the high half for bfloat16), 16 elements an iteration; the tail by common/half.h.
#pragma once

#include "vec.h"

namespace quantkit::avx2 {
namespace {

template <HalfType H> inline void widen_run(HalfRun<H> x, size_t n, float* out) {
  using V = Vec<float>;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    V::store(out + i, V::load(x + i));
    V::store(out + i + 8, V::load(x + i + 8));
  }
  for (; i + 8 <= n; i += 8) V::store(out + i, V::load(x + i));
  widen_half(x + i, n - i, out + i);
}

inline void widen_half_f32(const uint16_t* x, HalfType t, size_t n, float* out) {
  with_half_type(t, x, [&](auto run) { widen_run(run, n, out); });
}

}  // namespace
}  // namespace quantkit::avx2
