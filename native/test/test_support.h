// Shared helpers of kernels_test.cc: failure reporting, a seeded RNG, guarded buffers and input generators.
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "reference.h"

namespace quantkit_test {

// ---- failure reporting ----------------------------------------------------------------------------------------------

struct Stats {
  long checks = 0;
  long failures = 0;
};
inline Stats& stats() {
  static Stats s;
  return s;
}

// Prints the first failures in full; counts all of them.
#define QK_FAIL(...)                                                  \
  do {                                                                \
    if (::quantkit_test::stats().failures++ < 40) {                   \
      std::fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);       \
      std::fprintf(stderr, __VA_ARGS__);                              \
      std::fputc('\n', stderr);                                       \
    }                                                                 \
  } while (0)

#define QK_CHECK(cond, ...)                      \
  do {                                           \
    ::quantkit_test::stats().checks++;           \
    if (!(cond)) QK_FAIL(__VA_ARGS__);           \
  } while (0)

inline uint64_t bits_of(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}
inline uint32_t bits_of(float v) {
  uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// Bit equality, with every NaN equal to every NaN (no kernel output is NaN except error sums).
inline bool same(double a, double b) { return (a != a && b != b) || bits_of(a) == bits_of(b); }
inline bool same(float a, float b) { return (a != a && b != b) || bits_of(a) == bits_of(b); }

// ---- RNG ----------------------------------------------------------------------------------------------------------

struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t next() {  // splitmix64
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1p-53; }  // [0, 1)
  int64_t range(int64_t lo, int64_t hi) {  // [lo, hi]
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return static_cast<int>(next() % 100) < percent; }
};

inline uint64_t mix_seed(uint64_t a, uint64_t b) {
  Rng r(a ^ (b * 0x9e3779b97f4a7c15ULL));
  return r.next();
}

// ---- guarded buffers ----------------------------------------------------------------------------------------------

#if defined(__SANITIZE_ADDRESS__)
#define QK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QK_ASAN 1
#endif
#endif

// n elements starting `offset` elements into the allocation (so pointers are not 32-byte aligned). The elements
// before are canaries; under AddressSanitizer the allocation ends exactly at n, so any access past the end is caught,
// otherwise canaries follow too.
template <typename T> struct Guarded {
#if defined(QK_ASAN)
  static constexpr size_t kTail = 0;
#else
  static constexpr size_t kTail = 16;
#endif
  std::vector<T> storage;
  size_t offset;
  size_t n;

  Guarded(size_t count, size_t off) : storage(off + count + kTail), offset(off), n(count) {
    if (!storage.empty()) std::memset(static_cast<void*>(storage.data()), 0xA5, storage.size() * sizeof(T));
  }
  T* data() { return storage.data() + offset; }
  const T* data() const { return storage.data() + offset; }
  T& operator[](size_t i) { return storage[offset + i]; }
  bool canaries_intact() const {
    const unsigned char* bytes = reinterpret_cast<const unsigned char*>(storage.data());
    for (size_t i = 0; i < offset * sizeof(T); i++) {
      if (bytes[i] != 0xA5) return false;
    }
    for (size_t i = (offset + n) * sizeof(T); i < storage.size() * sizeof(T); i++) {
      if (bytes[i] != 0xA5) return false;
    }
    return true;
  }
};

// Raw code buffer of any IntType.
struct CodeBuffer {
  Guarded<uint8_t> bytes;
  IntType type;
  CodeBuffer(size_t n, IntType t, size_t off) : bytes(n * code_bytes(t), off * code_bytes(t)), type(t) {}
  void* data() { return bytes.data(); }
  int32_t at(size_t i) const { return read_code(bytes.data(), type, i); }
  void set(size_t i, int32_t v) { write_code(bytes.data(), type, i, v); }
};

// ---- inputs -------------------------------------------------------------------------------------------------------

template <typename F> struct Limits;
template <> struct Limits<float> {
  static constexpr float max = FLT_MAX;
  static constexpr float min_normal = FLT_MIN;
  static constexpr float denorm_min = std::numeric_limits<float>::denorm_min();
  static constexpr int min_exp = -125;  // scales below 2^-125 take the division path (QuantLimits in kernels/avx2/quantize.h)
  static constexpr int max_exp = 125;
};
template <> struct Limits<double> {
  static constexpr double max = DBL_MAX;
  static constexpr double min_normal = DBL_MIN;
  static constexpr double denorm_min = std::numeric_limits<double>::denorm_min();
  static constexpr int min_exp = -1021;
  static constexpr int max_exp = 1021;
};

template <typename F> F step_ulps(F v, int ulps) {
  const F dir = ulps > 0 ? std::numeric_limits<F>::infinity() : -std::numeric_limits<F>::infinity();
  for (int j = 0; j < (ulps > 0 ? ulps : -ulps); j++) v = std::nextafter(v, dir);
  return v;
}

// A quantization case: spec, zero point and a scale that is valid in precision F (finite, > 0 after rounding to F).
struct QuantCase {
  QuantSpec spec;
  int32_t zp;
  double scale;
};

template <typename F> double random_scale(Rng& r) {
  double s;
  switch (r.next() % 10) {
    case 0: s = std::ldexp(1.0, static_cast<int>(r.range(-14, 6))); break;  // exact ties
    case 1: {  // extreme small, around the fast-path limit and below it
      const double picks[] = {std::ldexp(1.0, Limits<F>::min_exp), std::ldexp(1.0, Limits<F>::min_exp - 1),
                              std::ldexp(1.5, Limits<F>::min_exp), static_cast<double>(Limits<F>::min_normal),
                              static_cast<double>(Limits<F>::denorm_min) * 3, static_cast<double>(Limits<F>::min_normal) / 3};
      s = picks[r.next() % 6];
      break;
    }
    case 2: {  // extreme large
      const double picks[] = {std::ldexp(1.0, Limits<F>::max_exp), std::ldexp(1.0, Limits<F>::max_exp + 1),
                              std::ldexp(1.75, Limits<F>::max_exp), static_cast<double>(Limits<F>::max), 1e30};
      s = picks[r.next() % 5];
      break;
    }
    case 3: s = (0.5 + r.uniform()) / 255.0; break;  // typical activation scales
    default: s = (1.0 + r.uniform()) * std::ldexp(1.0, static_cast<int>(r.range(-24, 10))); break;
  }
  s = static_cast<double>(static_cast<F>(s));
  if (!(s > 0) || std::isinf(s)) s = 1.0;
  return s;
}

// [qmin, qmax] inside the type (full, narrow, or a smaller bit width) and a zero point inside it.
inline QuantCase random_case(Rng& r, IntType t, Profile profile, bool single) {
  QuantCase c;
  int32_t qmin = type_min(t);
  int32_t qmax = type_max(t);
  const bool is_signed = qmin < 0;
  const int type_bits = code_bytes(t) * 8;
  switch (r.next() % 4) {
    case 0: break;
    case 1:
      if (is_signed) qmin += 1;  // narrow range
      break;
    case 2: {
      const int bits = static_cast<int>(r.range(2, type_bits));
      qmin = is_signed ? -(1 << (bits - 1)) : 0;
      qmax = is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
      break;
    }
    default:
      qmin = static_cast<int32_t>(r.range(qmin, qmax));
      qmax = static_cast<int32_t>(r.range(qmin, qmax));
      break;
  }
  c.spec = QuantSpec{qmin, qmax, profile};
  switch (r.next() % 4) {
    case 0: c.zp = qmin; break;
    case 1: c.zp = qmax; break;
    case 2: c.zp = qmin <= 0 && 0 <= qmax ? 0 : qmin; break;
    default: c.zp = static_cast<int32_t>(r.range(qmin, qmax)); break;
  }
  c.scale = single ? random_scale<float>(r) : random_scale<double>(r);
  return c;
}

enum class InputKind { Uniform, Ties, NearTies, Specials, Mixed };
constexpr InputKind kInputKinds[] = {InputKind::Uniform, InputKind::Ties, InputKind::NearTies, InputKind::Specials,
                                     InputKind::Mixed};
inline const char* kind_name(InputKind k) {
  switch (k) {
    case InputKind::Uniform: return "uniform";
    case InputKind::Ties: return "ties";
    case InputKind::NearTies: return "near-ties";
    case InputKind::Specials: return "specials";
    case InputKind::Mixed: return "mixed";
  }
  return "?";
}

template <typename F> F special_value(Rng& r, double scale, const QuantCase& c) {
  const F inf = std::numeric_limits<F>::infinity();
  const double lo = c.spec.qmin - c.zp;
  const double hi = c.spec.qmax - c.zp;
  switch (r.next() % 24) {
    case 0: return std::numeric_limits<F>::quiet_NaN();
    case 1: return -std::numeric_limits<F>::quiet_NaN();
    case 2: return inf;
    case 3: return -inf;
    case 4: return F(0);
    case 5: return -F(0);
    case 6: return Limits<F>::max;
    case 7: return -Limits<F>::max;
    case 8: return Limits<F>::denorm_min;
    case 9: return -Limits<F>::denorm_min;
    case 10: return static_cast<F>(Limits<F>::min_normal * r.uniform());  // subnormal
    case 11: return -static_cast<F>(Limits<F>::min_normal * r.uniform());
    case 12: return Limits<F>::min_normal;
    case 13: return static_cast<F>(3e9 * scale);       // beyond 2^31 after dividing
    case 14: return static_cast<F>(-3e9 * scale);
    case 15: return static_cast<F>(2147483648.0 * scale);
    case 16: return static_cast<F>(1e20);
    case 17: return static_cast<F>(-1e20);
    case 18: return static_cast<F>(lo * scale);
    case 19: return static_cast<F>(hi * scale);
    case 20: return static_cast<F>((hi + 0.5) * scale);
    case 21: return static_cast<F>((lo - 0.5) * scale);
    case 22: return static_cast<F>((hi - 0.5) * scale);
    default: return static_cast<F>((lo + 0.5) * scale);
  }
}

template <typename F> F input_value(Rng& r, InputKind kind, const QuantCase& c) {
  const double lo = c.spec.qmin - c.zp;
  const double hi = c.spec.qmax - c.zp;
  const double s = c.scale;
  if (kind == InputKind::Mixed) {
    const InputKind kinds[] = {InputKind::Uniform, InputKind::Ties, InputKind::NearTies, InputKind::Specials};
    kind = kinds[r.next() % 4];
  }
  switch (kind) {
    case InputKind::Uniform: return static_cast<F>((lo - 3 + r.uniform() * (hi - lo + 6)) * s);
    case InputKind::Ties: return static_cast<F>((static_cast<double>(r.range(static_cast<int64_t>(lo) - 2, static_cast<int64_t>(hi) + 2)) + 0.5) * s);
    case InputKind::NearTies: {
      const F tie = static_cast<F>((static_cast<double>(r.range(static_cast<int64_t>(lo) - 2, static_cast<int64_t>(hi) + 2)) + 0.5) * s);
      return step_ulps(tie, static_cast<int>(r.range(-4, 4)));
    }
    default: return special_value<F>(r, s, c);
  }
}

}  // namespace quantkit_test
