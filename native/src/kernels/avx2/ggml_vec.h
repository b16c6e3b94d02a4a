// AVX2 + F16C building blocks of the GGML kernels (kernels/avx2/ggml*.h): each is the 8-lane form of an element
// function of common/ggml.h with the same result bit for bit, plus the shuffles (packing codes to bytes, transposes,
// reductions across blocks) that have no scalar counterpart. Only for a translation unit compiled with -mavx2 -mf16c
// (kernels/avx2/table.cc, or the test's ggml_avx2.cc). Internal linkage only (see common/element.h).
#pragma once

#if !defined(__AVX2__) || !defined(__F16C__)
#error "kernels/avx2/ggml*.h need -mavx2 -mf16c (kernels/avx2/table.cc, or native/test/ggml_avx2.cc)"
#endif

#include <immintrin.h>

#include "../common/ggml.h"

namespace quantkit::avx2 {
namespace {

inline __m256 abs8(__m256 v) { return _mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))); }
inline __m256 neg8(__m256 v) { return _mm256_xor_ps(v, _mm256_set1_ps(-0.0f)); }  // C's unary minus: the sign bit

// Comparisons with C's meaning: false when either side is NaN, except !=, which is true then.
inline __m256 gt8(__m256 a, __m256 b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
inline __m256 lt8(__m256 a, __m256 b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
inline __m256 eq8(__m256 a, __m256 b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
inline __m256 ne8(__m256 a, __m256 b) { return _mm256_cmp_ps(a, b, _CMP_NEQ_UQ); }

// mask ? b : a, lane by lane.
inline __m256 select8(__m256 mask, __m256 a, __m256 b) { return _mm256_blendv_ps(a, b, mask); }

// `d ? 1.0f/d : 0.0f` (the 1/0 lanes are dropped by the mask).
inline __m256 inverse_or_zero8(__m256 d) {
  return _mm256_and_ps(_mm256_div_ps(_mm256_set1_ps(1.0f), d), ne8(d, _mm256_setzero_ps()));
}

// ggml_nearest_int of 8 floats: the same bit arithmetic, so the same result beyond 2^22 too.
inline __m256i nearest_int8(__m256 v) {
  const __m256i bits = _mm256_castps_si256(_mm256_add_ps(v, _mm256_set1_ps(12582912.0f)));
  return _mm256_sub_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x00400000));
}

inline __m256i clamp8(__m256i v, int32_t lo, int32_t hi) {
  return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(lo)), _mm256_set1_epi32(hi));
}

// ggml_trunc_to_int of 8 floats: cvttps2dq, the instruction the scalar conversion emulates (INT32_MIN for NaN and
// out of range).
inline __m256i trunc_to_int8(__m256 v) { return _mm256_cvttps_epi32(v); }

// ggml_roundf_to_int of 8 floats: cvttps2dq(p + copysign(0.49999997f, p)), the largest float below 0.5 added with
// p's sign and then truncated. Equal to ggml_roundf_to_int (half away from zero, INT32_MIN beyond int32) on all 2^32
// float patterns, checked exhaustively: a sum that lands on a tie rounds to even, which is away from zero here.
inline __m256i roundf_to_int8(__m256 p) {
  const __m256 bias = _mm256_or_ps(_mm256_and_ps(p, _mm256_set1_ps(-0.0f)), _mm256_set1_ps(0.49999997f));
  return _mm256_cvttps_epi32(_mm256_add_ps(p, bias));
}

// ggml_int8 of int32 lanes: the low byte, sign-extended.
inline __m256i int8_of8(__m256i v) { return _mm256_srai_epi32(_mm256_slli_epi32(v, 24), 24); }

// float16 of 8 floats and of one: vcvtps2ph rounds to nearest even, as ggml_fp16 (both equal IEEE on every non-NaN).
inline __m128i fp16_of8(__m256 v) { return _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline uint16_t fp16_of(float v) { return static_cast<uint16_t>(_cvtss_sh(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)); }
inline float fp32_of(const uint8_t* p) { return _cvtsh_ss(load_u16(p)); }  // vcvtph2ps, exact

// The low byte of each int32 lane of a, b (16 bytes: a's 8 then b's 8).
inline __m128i pack_low_bytes_2x8(__m256i a, __m256i b) {
  const __m256i m = _mm256_set1_epi32(0xff);
  const __m256i ab = _mm256_packus_epi32(_mm256_and_si256(a, m), _mm256_and_si256(b, m));  // a0-3 b0-3 | a4-7 b4-7
  const __m128i bytes = _mm_packus_epi16(_mm256_castsi256_si128(ab), _mm256_extracti128_si256(ab, 1));
  return _mm_shuffle_epi32(bytes, _MM_SHUFFLE(3, 1, 2, 0));  // a0-3 a4-7 b0-3 b4-7
}

// pack_low_bytes_2x8 of lanes already in [0, 255] (no masking needed before the saturating packs).
inline __m128i pack_bytes_2x8(__m256i a, __m256i b) {
  const __m256i ab = _mm256_packus_epi32(a, b);  // a0-3 b0-3 | a4-7 b4-7
  const __m128i bytes = _mm_packus_epi16(_mm256_castsi256_si128(ab), _mm256_extracti128_si256(ab, 1));
  return _mm_shuffle_epi32(bytes, _MM_SHUFFLE(3, 1, 2, 0));  // a0-3 a4-7 b0-3 b4-7
}

// The low byte of each int32 lane of a, b, c, d (32 bytes, in that order).
inline __m256i pack_low_bytes_4x8(__m256i a, __m256i b, __m256i c, __m256i d) {
  const __m256i m = _mm256_set1_epi32(0xff);
  const __m256i ab = _mm256_packus_epi32(_mm256_and_si256(a, m), _mm256_and_si256(b, m));
  const __m256i cd = _mm256_packus_epi32(_mm256_and_si256(c, m), _mm256_and_si256(d, m));
  const __m256i abcd = _mm256_packus_epi16(ab, cd);  // groups of 4: a0 b0 c0 d0 a1 b1 c1 d1
  return _mm256_permutevar8x32_epi32(abcd, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

// pack_low_bytes_4x8 of lanes already in [-128, 127] (the signed saturating packs keep them; no masking).
inline __m256i pack_int8_4x8(__m256i a, __m256i b, __m256i c, __m256i d) {
  const __m256i abcd = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
  return _mm256_permutevar8x32_epi32(abcd, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

// Bit 4 of each int32 lane (8 bits, lane 0 lowest).
inline uint32_t bit4_mask8(__m256i v) {
  return static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(v, 27))));
}

// Lane b of the result is the reduction by Op (min or max) of the 8 lanes of v[b]. The order of the reduction is
// not C's: callers use it where the value cannot depend on it (no NaN; zero signs fixed up where they matter).
template <typename Op> inline __m256 reduce_8x8(const __m256* v, Op op) {
  const auto pair = [&](__m256 a, __m256 b) { return op(_mm256_shuffle_ps(a, b, 0x88), _mm256_shuffle_ps(a, b, 0xDD)); };
  const __m256 u0 = pair(pair(v[0], v[1]), pair(v[2], v[3]));  // A0-3 B0-3 C0-3 D0-3 | A4-7 B4-7 C4-7 D4-7
  const __m256 u1 = pair(pair(v[4], v[5]), pair(v[6], v[7]));
  return op(_mm256_permute2f128_ps(u0, u1, 0x20), _mm256_permute2f128_ps(u0, u1, 0x31));
}
inline __m256 max_8x8(const __m256* v) { return reduce_8x8(v, [](__m256 a, __m256 b) { return _mm256_max_ps(a, b); }); }
inline __m256 min_8x8(const __m256* v) { return reduce_8x8(v, [](__m256 a, __m256 b) { return _mm256_min_ps(a, b); }); }

// In-place transpose of the 8x8 floats r[0..7].
inline void transpose_8x8(__m256* r) {
  __m256 t[8], s[8];
  for (int k = 0; k < 4; k++) {
    t[2 * k] = _mm256_unpacklo_ps(r[2 * k], r[2 * k + 1]);
    t[2 * k + 1] = _mm256_unpackhi_ps(r[2 * k], r[2 * k + 1]);
  }
  for (int k = 0; k < 2; k++) {
    s[4 * k + 0] = _mm256_shuffle_ps(t[4 * k + 0], t[4 * k + 2], 0x44);
    s[4 * k + 1] = _mm256_shuffle_ps(t[4 * k + 0], t[4 * k + 2], 0xEE);
    s[4 * k + 2] = _mm256_shuffle_ps(t[4 * k + 1], t[4 * k + 3], 0x44);
    s[4 * k + 3] = _mm256_shuffle_ps(t[4 * k + 1], t[4 * k + 3], 0xEE);
  }
  for (int k = 0; k < 4; k++) {
    r[k] = _mm256_permute2f128_ps(s[k], s[k + 4], 0x20);
    r[k + 4] = _mm256_permute2f128_ps(s[k], s[k + 4], 0x31);
  }
}

// The low 8 bytes of a 128-bit vector as 8 floats (unsigned / signed bytes).
inline __m256 u8x8_to_float(__m128i bytes) { return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes)); }
inline __m256 i8x8_to_float(__m128i bytes) { return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes)); }

}  // namespace
}  // namespace quantkit::avx2
