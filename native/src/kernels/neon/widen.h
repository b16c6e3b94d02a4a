// NEON widening of half runs to float32 (the widen_half slot): load4's exact in-register widening (FCVTL for float16,
// a shift into the high half for bfloat16), 16 elements an iteration; the tail by common/half.h.
#pragma once

#include "vec.h"

namespace quantkit::neon {
namespace {

template <HalfType H> inline void widen_run(HalfRun<H> x, size_t n, float* out) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    vst1q_f32(out + i, load4(x + i));
    vst1q_f32(out + i + 4, load4(x + i + 4));
    vst1q_f32(out + i + 8, load4(x + i + 8));
    vst1q_f32(out + i + 12, load4(x + i + 12));
  }
  for (; i + 4 <= n; i += 4) vst1q_f32(out + i, load4(x + i));
  widen_half(x + i, n - i, out + i);
}

inline void widen_half_f32(const uint16_t* x, HalfType t, size_t n, float* out) {
  with_half_type(t, x, [&](auto run) { widen_run(run, n, out); });
}

}  // namespace
}  // namespace quantkit::neon
