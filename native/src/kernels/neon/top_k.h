// NEON top-k (contract in common/embeddings.h: the k best, best first, ties to the lower index, NaN last). The heap
// steps are the portable ones (top_k_heap_start, top_k_offer, top_k_heap_sort); what NEON does is the scan's rejection
// test, which decides almost every item when n >> k. Item i (later than every kept index) enters the heap only if it
// ranks before the root (the worst kept item), i.e. only if its score is strictly better than the root's, or the
// root's score is NaN and i's is not. A group of 8 scores (4 for float64) none of which passes that test against the
// current root leaves the heap as the scalar loop would (a rejected item does not change the root); a group where some
// lane passes runs the scalar steps item by item. Included by neon/embeddings.h.
#pragma once

#include "../common/embeddings.h"
#include "vec.h"

namespace quantkit::neon {
namespace {

// Whether any of the 8 (float64: 4) scores at p may rank before a root of score `root`: a non-NaN score when the root
// is NaN, else a strictly better score (compares are false for NaN lanes, which rank last).
inline bool any_may_enter(const double* p, double root, bool descending) {
  const float64x2_t a = vld1q_f64(p), b = vld1q_f64(p + 2);
  uint64x2_t m;
  if (root != root) {
    m = vorrq_u64(vceqq_f64(a, a), vceqq_f64(b, b));
  } else {
    const float64x2_t t = vdupq_n_f64(root);
    m = descending ? vorrq_u64(vcgtq_f64(a, t), vcgtq_f64(b, t)) : vorrq_u64(vcltq_f64(a, t), vcltq_f64(b, t));
  }
  return vmaxvq_u32(vreinterpretq_u32_u64(m)) != 0;
}
inline bool any_may_enter(const int32_t* p, int32_t root, bool descending) {
  const int32x4_t a = vld1q_s32(p), b = vld1q_s32(p + 4), t = vdupq_n_s32(root);
  const uint32x4_t m = descending ? vorrq_u32(vcgtq_s32(a, t), vcgtq_s32(b, t)) : vorrq_u32(vcltq_s32(a, t), vcltq_s32(b, t));
  return vmaxvq_u32(m) != 0;
}
inline bool any_may_enter(const uint32_t* p, uint32_t root, bool descending) {
  const uint32x4_t a = vld1q_u32(p), b = vld1q_u32(p + 4), t = vdupq_n_u32(root);
  const uint32x4_t m = descending ? vorrq_u32(vcgtq_u32(a, t), vcgtq_u32(b, t)) : vorrq_u32(vcltq_u32(a, t), vcltq_u32(b, t));
  return vmaxvq_u32(m) != 0;
}

// top_k_scalar's steps, with the scan's groups filtered by any_may_enter. n < 2^32.
template <typename T> size_t top_k(const T* scores, size_t n, size_t k, bool descending, uint32_t* out) {
  constexpr size_t group = 32 / sizeof(T);
  const size_t size = top_k_heap_start(scores, n, k, descending, out);
  if (size == 0) return 0;
  size_t i = size;
  while (i + group <= n) {
    const T root = scores[out[0]];
    while (i + group <= n && !any_may_enter(scores + i, root, descending)) i += group;  // the common case, a tight loop
    if (i + group > n) break;
    for (const size_t end = i + group; i < end; i++) top_k_offer(scores, i, out, size, descending);
  }
  for (; i < n; i++) top_k_offer(scores, i, out, size, descending);
  top_k_heap_sort(scores, out, size, descending);
  return size;
}

}  // namespace
}  // namespace quantkit::neon
