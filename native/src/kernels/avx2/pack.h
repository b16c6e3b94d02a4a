// AVX2 packing of 2- and 4-bit codes (ONNX order), and unpacking with optional sign extension.
#pragma once

#include "../common/pack.h"
#include "vec.h"

namespace quantkit::avx2 {
namespace {

/*
 * Packing. 4 bits: maddubs multiplies adjacent bytes by (1, 16) and adds them, giving e0 | e1 << 4 in an int16
 * (<= 255); a saturating pack then narrows exactly. 2 bits: maddubs by (1, 4) first gives 4-bit pairs as bytes, then
 * the 4-bit step. Vector blocks cover whole output bytes, so the scalar tail starts on a byte boundary.
 */
inline __m256i pack_nibbles64(__m256i v0, __m256i v1) {
  const __m256i weights = _mm256_set1_epi16(0x1001);  // bytes (1, 16)
  const __m256i w0 = _mm256_maddubs_epi16(v0, weights);
  const __m256i w1 = _mm256_maddubs_epi16(v1, weights);
  return _mm256_permute4x64_epi64(_mm256_packus_epi16(w0, w1), _MM_SHUFFLE(3, 1, 2, 0));
}

inline __m256i pack_crumbs_to_nibbles64(const uint8_t* q) {
  const __m256i mask = _mm256_set1_epi8(3);
  const __m256i weights = _mm256_set1_epi16(0x0401);  // bytes (1, 4)
  const __m256i w0 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)), mask), weights);
  const __m256i w1 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32)), mask), weights);
  return _mm256_permute4x64_epi64(_mm256_packus_epi16(w0, w1), _MM_SHUFFLE(3, 1, 2, 0));
}

void pack(const uint8_t* q, size_t n, int bits, uint8_t* out) {
  size_t i = 0;
  if (bits == 4) {
    const __m256i mask = _mm256_set1_epi8(0x0f);
    for (; i + 64 <= n; i += 64) {
      const __m256i v0 = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + i)), mask);
      const __m256i v1 = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + i + 32)), mask);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i / 2), pack_nibbles64(v0, v1));
    }
    pack_scalar(q + i, n - i, bits, out + i / 2);
  } else {
    for (; i + 128 <= n; i += 128) {
      const __m256i v0 = pack_crumbs_to_nibbles64(q + i);
      const __m256i v1 = pack_crumbs_to_nibbles64(q + i + 64);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i / 4), pack_nibbles64(v0, v1));
    }
    pack_scalar(q + i, n - i, bits, out + i / 4);
  }
}

// Sign-extends b-bit fields held in bytes: (v ^ s) - s with s = 2^(b-1).
inline __m128i sign_extend(__m128i v, __m128i sign) { return _mm_sub_epi8(_mm_xor_si128(v, sign), sign); }

void unpack(const uint8_t* packed, size_t n, int bits, bool is_signed, uint8_t* out) {
  size_t i = 0;
  if (bits == 4) {
    const __m128i mask = _mm_set1_epi8(0x0f);
    const __m128i sign = _mm_set1_epi8(is_signed ? 8 : 0);
    for (; i + 32 <= n; i += 32) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(packed + i / 2));
      const __m128i lo = _mm_and_si128(b, mask);
      const __m128i hi = _mm_and_si128(_mm_srli_epi16(b, 4), mask);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), sign_extend(_mm_unpacklo_epi8(lo, hi), sign));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 16), sign_extend(_mm_unpackhi_epi8(lo, hi), sign));
    }
    unpack_scalar(packed + i / 2, n - i, bits, is_signed, out + i);
  } else {
    const __m128i mask = _mm_set1_epi8(3);
    const __m128i sign = _mm_set1_epi8(is_signed ? 2 : 0);
    for (; i + 64 <= n; i += 64) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(packed + i / 4));
      const __m128i f0 = _mm_and_si128(b, mask);
      const __m128i f1 = _mm_and_si128(_mm_srli_epi16(b, 2), mask);
      const __m128i f2 = _mm_and_si128(_mm_srli_epi16(b, 4), mask);
      const __m128i f3 = _mm_and_si128(_mm_srli_epi16(b, 6), mask);
      const __m128i l01 = _mm_unpacklo_epi8(f0, f1);
      const __m128i l23 = _mm_unpacklo_epi8(f2, f3);
      const __m128i h01 = _mm_unpackhi_epi8(f0, f1);
      const __m128i h23 = _mm_unpackhi_epi8(f2, f3);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), sign_extend(_mm_unpacklo_epi16(l01, l23), sign));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 16), sign_extend(_mm_unpackhi_epi16(l01, l23), sign));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 32), sign_extend(_mm_unpacklo_epi16(h01, h23), sign));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 48), sign_extend(_mm_unpackhi_epi16(h01, h23), sign));
    }
    unpack_scalar(packed + i / 4, n - i, bits, is_signed, out + i);
  }
}

}  // namespace
}  // namespace quantkit::avx2
