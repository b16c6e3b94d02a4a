// NEON (AArch64 Advanced SIMD) loads shared by the NEON families: 4 float32 lanes from float32 elements or widened
// exactly from half elements (a HalfRun of common/half.h), so one float32 body serves float32 and half inputs. Every
// kernels/neon/*.h includes this header first, so the check below keeps them out of any file but kernels/neon/table.cc.
// Internal linkage only (see common/element.h).
#pragma once

#if !defined(QUANTKIT_NEON_TABLE_CC)
#error "kernels/neon/*.h may only be included by kernels/neon/table.cc"
#endif
#if !defined(__aarch64__)
#error "the NEON kernel set is built for AArch64 only"
#endif

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "../common/half.h"

namespace quantkit::neon {
namespace {

inline float32x4_t load4(const float* p) { return vld1q_f32(p); }
// 4 float16 elements by FCVTL: exact (subnormals kept, NaN quiet with its payload << 13, as f16_to_f32_bits) with the
// FPCR Linux gives every process (FZ, FZ16 and DN clear; Node never changes it).
inline float32x4_t load4(HalfRun<HalfType::F16> x) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(x.p))); }
// 4 bfloat16 elements: each pattern moved into the high half of a 32-bit lane, the float it is the top of.
inline float32x4_t load4(HalfRun<HalfType::BF16> x) { return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(x.p), 16)); }

// `v < acc ? v : acc` and `v > acc ? v : acc` per lane: compare and select, so a NaN v (quiet or signalling) leaves acc,
// as in the portable folds. (FMINNM would turn a signalling NaN into a NaN result.)
inline float32x4_t select_less(float32x4_t v, float32x4_t acc) { return vbslq_f32(vcltq_f32(v, acc), v, acc); }
inline float32x4_t select_greater(float32x4_t v, float32x4_t acc) { return vbslq_f32(vcgtq_f32(v, acc), v, acc); }
inline float64x2_t select_less(float64x2_t v, float64x2_t acc) { return vbslq_f64(vcltq_f64(v, acc), v, acc); }
inline float64x2_t select_greater(float64x2_t v, float64x2_t acc) { return vbslq_f64(vcgtq_f64(v, acc), v, acc); }

}  // namespace
}  // namespace quantkit::neon
