// Tests of the half-precision kernels (half_test.h): quantize_half, quantize_groups_half, dequantize_half, min_max_half,
// min_max_rows_half, abs_max_half, histogram_half, abs_histogram_half and widen_half of every table, for float16 and
// bfloat16.
//
// The oracle never calls src/kernels: a half input is widened by ref_half_value (the IEEE fields through ldexp) and
// then goes through the float32 reference of reference.h; a half output is ref_round_half of the double product (a
// bisection over the ordered patterns and an exact comparison with the midpoint of the two candidates).
#include "half_test.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "reference.h"
#include "test_support.h"

using namespace quantkit;

namespace quantkit_test {
namespace {

constexpr IntType kHalfCodeTypes[] = {IntType::I8, IntType::U8, IntType::I16, IntType::U16};
constexpr Profile kHalfProfiles[] = {Profile::Onnx, Profile::PyTorch};

const char* half_name(HalfType t) { return t == HalfType::F16 ? "f16" : "bf16"; }
const char* profile_str(Profile p) { return p == Profile::Onnx ? "onnx" : "pytorch"; }

float widen(uint16_t h, HalfType t) { return static_cast<float>(ref_half_value(h, t)); }

bool is_nan_pattern(uint16_t h, HalfType t) { return (h & 0x7fff) > ref_half_inf(t); }

// The largest finite pattern, the smallest normal, the largest subnormal.
uint16_t max_finite(HalfType t) { return static_cast<uint16_t>(ref_half_inf(t) - 1); }
uint16_t min_normal(HalfType t) { return static_cast<uint16_t>(1 << ref_half_mantissa_bits(t)); }

// A finite positive half value (normal or subnormal), as a double.
double random_half_value(Rng& r, HalfType t, int min_exp, int max_exp) {
  for (;;) {
    const double v = std::ldexp(1.0 + r.uniform(), static_cast<int>(r.range(min_exp, max_exp)));
    const uint16_t h = ref_round_half(v, t);
    const double w = ref_half_value(h, t);
    if (w > 0 && std::isfinite(w)) return w;
  }
}

// A quantize case whose scale suits half inputs: random_case's float scale (extreme ones included), or half values
// (the scales of half tensors, where products hit ties exactly).
QuantCase half_case(Rng& r, HalfType t, IntType type, Profile p) {
  QuantCase c = random_case(r, type, p, true);
  if (r.chance(40)) c.scale = random_half_value(r, t, t == HalfType::F16 ? -24 : -133, t == HalfType::F16 ? 15 : 127);
  if (r.chance(20)) c.scale = std::ldexp(1.0, static_cast<int>(r.range(-12, 4)));
  return c;
}

// Half patterns for one element: any bit pattern, values of the float32 generators (uniform, ties, near ties,
// specials) rounded to the half type, their neighbouring patterns, and the half specials (±0, ±Inf, NaNs quiet and
// signalling, subnormals, the largest finite value).
uint16_t half_input(Rng& r, HalfType t, InputKind kind, const QuantCase& c) {
  if (kind == InputKind::Mixed) {
    const InputKind kinds[] = {InputKind::Uniform, InputKind::Ties, InputKind::NearTies, InputKind::Specials};
    kind = kinds[r.next() % 4];
  }
  const uint16_t inf = ref_half_inf(t);
  switch (kind) {
    case InputKind::Uniform:
      if (r.chance(30)) return static_cast<uint16_t>(r.next());
      return ref_round_half(input_value<float>(r, kind, c), t);
    case InputKind::Ties: return ref_round_half(input_value<float>(r, kind, c), t);
    case InputKind::NearTies: {
      const uint16_t h = ref_round_half(input_value<float>(r, InputKind::Ties, c), t);
      const int mag = std::clamp(static_cast<int>(h & 0x7fff) + static_cast<int>(r.range(-3, 3)), 0, static_cast<int>(inf));
      return static_cast<uint16_t>((h & 0x8000) | mag);
    }
    default: {
      const uint16_t quiet = static_cast<uint16_t>(inf | (1 << (ref_half_mantissa_bits(t) - 1)));
      const uint16_t specials[] = {0, 0x8000, inf, static_cast<uint16_t>(0x8000 | inf), quiet, static_cast<uint16_t>(0x8000 | quiet),
                                   static_cast<uint16_t>(inf | 1), static_cast<uint16_t>(0x7fff), 1, 0x8001,
                                   static_cast<uint16_t>(min_normal(t) - 1), min_normal(t), max_finite(t),
                                   static_cast<uint16_t>(0x8000 | max_finite(t))};
      if (r.chance(50)) return specials[r.next() % (sizeof specials / sizeof specials[0])];
      return ref_round_half(special_value<float>(r, c.scale, c), t);
    }
  }
}

// ---- quantize ------------------------------------------------------------------------------------------------------

void check_quantize(const std::vector<const KernelTable*>& tables, const Guarded<uint16_t>& x, HalfType t, const QuantCase& c, IntType type,
                    uint64_t seed, const char* what) {
  const size_t n = x.n;
  std::vector<int32_t> want(n);
  for (size_t i = 0; i < n; i++) want[i] = ref_quantize(widen(x.data()[i], t), c.scale, c.zp, c.spec, true);
  for (const KernelTable* k : tables) {
    CodeBuffer out(n, type, seed % 29);
    k->quantize_half(x.data(), t, n, static_cast<float>(c.scale), c.zp, c.spec, type, out.data());
    QK_CHECK(out.bytes.canaries_intact(), "%s quantize_half %s wrote outside its output (n %zu, seed %" PRIu64 ")", k->isa, half_name(t), n, seed);
    for (size_t i = 0; i < n; i++) {
      if (out.at(i) != want[i]) {
        QK_FAIL("%s quantize_half %s %s %s [%d,%d] zp %d scale %a (%s): n %zu x[%zu] = 0x%04x (%a) -> %d, expected %d (seed %" PRIu64 ")",
                k->isa, half_name(t), type_name(type), profile_str(c.spec.profile), c.spec.qmin, c.spec.qmax, c.zp, c.scale, what, n, i,
                x.data()[i], static_cast<double>(widen(x.data()[i], t)), out.at(i), want[i], seed);
        break;
      }
      stats().checks++;
    }
  }
}

// Per-element scales and zero points (random float scales, extreme ones included) around a base case.
void check_quantize_groups(const std::vector<const KernelTable*>& tables, const Guarded<uint16_t>& x, HalfType t, QuantSpec spec, IntType type,
                           Rng& r, uint64_t seed) {
  const size_t n = x.n;
  Guarded<float> scales(n, r.next() % 8);
  Guarded<int32_t> zps(n, r.next() % 8);
  std::vector<int32_t> want(n);
  for (size_t i = 0; i < n; i++) {
    scales[i] = r.chance(30) ? static_cast<float>(random_half_value(r, t, -14, 4)) : static_cast<float>(random_scale<float>(r));
    zps[i] = static_cast<int32_t>(r.range(spec.qmin, spec.qmax));
    want[i] = ref_quantize(widen(x.data()[i], t), scales[i], zps[i], spec, true);
  }
  for (const KernelTable* k : tables) {
    CodeBuffer out(n, type, seed % 31);
    k->quantize_groups_half(x.data(), t, n, scales.data(), zps.data(), spec, type, out.data());
    QK_CHECK(out.bytes.canaries_intact(), "%s quantize_groups_half %s wrote outside its output (n %zu, seed %" PRIu64 ")", k->isa, half_name(t), n,
             seed);
    for (size_t i = 0; i < n; i++) {
      if (out.at(i) != want[i]) {
        QK_FAIL("%s quantize_groups_half %s %s %s: n %zu x[%zu] = 0x%04x scale %a zp %d -> %d, expected %d (seed %" PRIu64 ")", k->isa,
                half_name(t), type_name(type), profile_str(spec.profile), n, i, x.data()[i], static_cast<double>(scales[i]), zps[i], out.at(i),
                want[i], seed);
        break;
      }
      stats().checks++;
    }
  }
}

// ---- ranges --------------------------------------------------------------------------------------------------------

void check_ranges(const std::vector<const KernelTable*>& tables, const Guarded<uint16_t>& x, HalfType t, Rng& r, uint64_t seed) {
  const size_t n = x.n;
  std::vector<float> w(n);
  for (size_t i = 0; i < n; i++) w[i] = widen(x.data()[i], t);
  const double init_min = r.chance(50) ? __builtin_inf() : -3.0;
  const double init_max = r.chance(50) ? -__builtin_inf() : 7.0;
  double emin = init_min, emax = init_max, eabs = 0;
  ref_min_max(w.data(), n, &emin, &emax);
  ref_abs_max(w.data(), n, &eabs);
  for (const KernelTable* k : tables) {
    double mn = init_min, mx = init_max, am = 0;
    k->min_max_half(x.data(), t, n, &mn, &mx);
    k->abs_max_half(x.data(), t, n, &am);
    // == on purpose: the sign of a zero result is unspecified (as for float32).
    QK_CHECK(mn == emin && mx == emax, "%s min_max_half %s n %zu: [%a, %a], expected [%a, %a] (seed %" PRIu64 ")", k->isa, half_name(t), n, mn, mx,
             emin, emax, seed);
    QK_CHECK(am == eabs, "%s abs_max_half %s n %zu: %a, expected %a (seed %" PRIu64 ")", k->isa, half_name(t), n, am, eabs, seed);
  }
  // Rows (min_max_rows_half): row r is x rotated by 7 r, negated (sign bit flipped) on odd rows, from starting values
  // of every kind; the element rule is specified to the bit (a zero stays the zero it was unless an element compares
  // less or greater).
  if (n == 0 || n > 70000) return;
  static const double kStarts[] = {0.0, -0.0, 1.5, -2.25, __builtin_inf(), -__builtin_inf()};
  for (size_t rows : {1, 8, 9, 17}) {
    const size_t stride = n + r.next() % 3;
    Guarded<uint16_t> m(rows * stride, r.next() % 8);
    for (size_t row = 0; row < rows; row++) {
      for (size_t i = 0; i < n; i++) {
        const uint16_t v = x.data()[(i + row * 7) % n];
        m[row * stride + i] = row % 2 == 1 ? static_cast<uint16_t>(v ^ 0x8000) : v;
      }
    }
    std::vector<double> start_min(n), start_max(n), want_min(n), want_max(n);
    for (size_t i = 0; i < n; i++) {
      want_min[i] = start_min[i] = kStarts[r.next() % 6];
      want_max[i] = start_max[i] = kStarts[r.next() % 6];
      for (size_t row = 0; row < rows; row++) {
        const double v = widen(m[row * stride + i], t);
        if (!std::isnan(v) && v < want_min[i]) want_min[i] = v;
        if (!std::isnan(v) && v > want_max[i]) want_max[i] = v;
      }
    }
    for (const KernelTable* k : tables) {
      Guarded<double> mn(n, r.next() % 4), mx(n, r.next() % 4);
      std::memcpy(mn.data(), start_min.data(), n * sizeof(double));
      std::memcpy(mx.data(), start_max.data(), n * sizeof(double));
      k->min_max_rows_half(m.data(), t, rows, stride, n, mn.data(), mx.data());
      QK_CHECK(mn.canaries_intact() && mx.canaries_intact(), "%s min_max_rows_half %s wrote outside min/max (seed %" PRIu64 ")", k->isa,
               half_name(t), seed);
      QK_CHECK(std::memcmp(mn.data(), want_min.data(), n * sizeof(double)) == 0 && std::memcmp(mx.data(), want_max.data(), n * sizeof(double)) == 0,
               "%s min_max_rows_half %s rows %zu n %zu differs from the element rule (seed %" PRIu64 ")", k->isa, half_name(t), rows, n, seed);
    }
  }
}

// ---- histograms ----------------------------------------------------------------------------------------------------

struct Range {
  double min;
  double max;
};

// A valid range (finite, min <= max, finite span; min >= 0 for abs) on the scale of the half type's values.
Range random_range(Rng& r, HalfType t, bool abs) {
  const double big = ref_half_value(max_finite(t), t);
  const double tiny = ref_half_value(min_normal(t), t);
  double a, b;
  switch (r.next() % 8) {
    case 0: a = -1; b = 1; break;
    case 1: a = (r.uniform() - 0.5) * 100; b = a + r.uniform() * 50; break;
    case 2: a = b = ref_half_value(ref_round_half((r.uniform() - 0.5) * 10, t), t); break;  // degenerate, on a value
    case 3: a = -big; b = big; break;
    case 4: a = 0; b = tiny * (1 + r.uniform()); break;  // the subnormals
    case 5: a = -static_cast<double>(r.range(0, 100)); b = a + static_cast<double>(r.range(1, 100)); break;
    case 6: a = 0; b = std::numeric_limits<double>::denorm_min(); break;  // f = +inf
    default: a = r.uniform(); b = a + std::ldexp(1.0, static_cast<int>(r.range(-20, 10))); break;
  }
  if (abs) {
    a = std::fabs(a);
    if (b < a) b = a + std::fabs(b);
  }
  return Range{a, b};
}

// Bin edges of the range as half patterns and their neighbours, plus random patterns.
uint16_t histogram_input(Rng& r, HalfType t, const Range& h, size_t bins, bool abs) {
  uint16_t v;
  switch (r.next() % 5) {
    case 0:
    case 1: {
      const double edge = h.min + static_cast<double>(r.range(0, static_cast<int64_t>(bins))) * ((h.max - h.min) / static_cast<double>(bins));
      const uint16_t e = ref_round_half(edge, t);
      v = static_cast<uint16_t>((e & 0x8000) | std::clamp(static_cast<int>(e & 0x7fff) + static_cast<int>(r.range(-2, 2)), 0, 0x7fff));
      break;
    }
    case 2: v = ref_round_half(h.min + r.uniform() * (h.max - h.min), t); break;
    case 3: v = ref_round_half(r.chance(50) ? h.min : h.max, t); break;
    default: v = static_cast<uint16_t>(r.next()); break;
  }
  return abs && r.chance(50) ? static_cast<uint16_t>(v ^ 0x8000) : v;
}

void check_histogram(const std::vector<const KernelTable*>& tables, const Guarded<uint16_t>& x, HalfType t, const Range& h, bool abs, size_t bins,
                     uint64_t seed) {
  Rng r(mix_seed(seed, 0x4a1f));
  const size_t n = x.n;
  std::vector<float> w(n);
  for (size_t i = 0; i < n; i++) w[i] = widen(x.data()[i], t);
  std::vector<uint32_t> init(bins);
  for (size_t b = 0; b < bins; b++) init[b] = r.chance(5) ? 0xffffffffu - static_cast<uint32_t>(r.range(0, 3)) : static_cast<uint32_t>(r.range(0, 1000));
  std::vector<uint32_t> want = init;
  ref_histogram(w.data(), n, h.min, h.max, abs, want.data(), bins);
  for (const KernelTable* k : tables) {
    auto run = abs ? k->abs_histogram_half : k->histogram_half;
    Guarded<uint32_t> counts(bins, r.next() % 8);
    std::memcpy(counts.data(), init.data(), bins * sizeof(uint32_t));
    const size_t split = n == 0 ? 0 : static_cast<size_t>(r.range(0, static_cast<int64_t>(n)));
    run(x.data(), t, split, h.min, h.max, counts.data(), bins);
    run(x.data() + split, t, n - split, h.min, h.max, counts.data(), bins);
    Guarded<uint32_t> whole(bins, r.next() % 8);
    std::memcpy(whole.data(), init.data(), bins * sizeof(uint32_t));
    run(x.data(), t, n, h.min, h.max, whole.data(), bins);
    QK_CHECK(counts.canaries_intact() && whole.canaries_intact(), "%s %shistogram_half %s wrote outside its counts (seed %" PRIu64 ")", k->isa,
             abs ? "abs_" : "", half_name(t), seed);
    for (size_t b = 0; b < bins; b++) {
      if (counts[b] != want[b] || whole[b] != want[b]) {
        QK_FAIL("%s %shistogram_half %s [%a, %a] bins %zu n %zu: bin %zu = %u (split at %zu) / %u, expected %u (seed %" PRIu64 ")", k->isa,
                abs ? "abs_" : "", half_name(t), h.min, h.max, bins, n, b, counts[b], split, whole[b], want[b], seed);
        break;
      }
      stats().checks++;
    }
  }
}

// ---- dequantize ----------------------------------------------------------------------------------------------------

// Products whose correct rounding differs from rounding to float32 first (the double rounding the AVX2 kernel avoids
// by rounding to odd): counted so the test shows it exercises them.
long g_double_rounding_cases = 0;

void check_dequantize(const std::vector<const KernelTable*>& tables, const CodeBuffer& q, size_t n, IntType type, double scale, int32_t zp,
                      HalfType t, uint64_t seed, const char* what) {
  std::vector<uint16_t> want(n);
  for (size_t i = 0; i < n; i++) {
    const double p = static_cast<double>(q.at(i) - zp) * scale;
    want[i] = ref_round_half(p, t);
    if (ref_round_half(static_cast<double>(static_cast<float>(p)), t) != want[i]) g_double_rounding_cases++;
  }
  for (const KernelTable* k : tables) {
    Guarded<uint16_t> out(n, seed % 8);
    k->dequantize_half(q.bytes.data(), type, n, scale, zp, t, out.data());
    QK_CHECK(out.canaries_intact(), "%s dequantize_half %s wrote outside its output (n %zu, seed %" PRIu64 ")", k->isa, half_name(t), n, seed);
    for (size_t i = 0; i < n; i++) {
      if (out[i] != want[i]) {
        QK_FAIL("%s dequantize_half %s %s zp %d scale %a (%s): n %zu q[%zu] = %d, product %a -> 0x%04x, expected 0x%04x (seed %" PRIu64 ")", k->isa,
                half_name(t), type_name(type), zp, scale, what, n, i, q.at(i), static_cast<double>(q.at(i) - zp) * scale, out[i], want[i], seed);
        break;
      }
      stats().checks++;
    }
  }
}

double step_doubles(double v, int ulps) { return step_ulps(v, ulps); }

// A scale and a code pattern for dequantize: scales that are half values, float values, arbitrary doubles, scales that
// put products on and next to the midpoints between half values (exactly, or off by a few double ulps, which rounding
// to float32 would erase), overflow past the largest finite value, subnormal results and underflow to ±0, and double
// products that overflow. `near` is the |q - zp| the code generator favours (0: none).
struct DequantizeScale {
  double scale;
  int32_t near;
  const char* what;
};

DequantizeScale dequantize_scale(Rng& r, HalfType t, IntType type) {
  const bool f16 = t == HalfType::F16;
  const int32_t span = type_max(type) - type_min(type);
  const double top = ref_half_magnitude(ref_half_inf(t), t);        // 2^(emax + 1)
  const double big = ref_half_value(max_finite(t), t);
  const double threshold = (big + top) / 2;                          // the overflow threshold
  switch (r.next() % 11) {
    case 0: return {random_half_value(r, t, f16 ? -24 : -133, f16 ? 10 : 100), 0, "half scale"};
    case 10: {  // a float of b significant bits, b often at the bound where every product is a float (24 - bits of
                // max |q - zp|) or one past it
      const int type_bits = static_cast<int>(code_bytes(type)) * 8;
      const int b = r.chance(70) ? 24 - type_bits + static_cast<int>(r.range(0, 1)) : static_cast<int>(r.range(1, 24));
      const uint64_t m = (uint64_t{1} << (b - 1)) | (r.next() & ((uint64_t{1} << (b - 1)) - 1)) | 1;
      return {std::ldexp(static_cast<double>(m), static_cast<int>(r.range(-20, 5)) - b), 0, "few-bit scale"};
    }
    case 1: return {static_cast<double>(static_cast<float>(random_scale<float>(r))), 0, "float scale"};
    case 2: return {std::ldexp(1.0 + r.uniform(), static_cast<int>(r.range(f16 ? -34 : -150, f16 ? 8 : 120))), 0, "double scale"};
    case 3:
    case 4: {  // on / near a midpoint: with q - zp = ±d the product is d * scale ~ the midpoint
      uint16_t h = static_cast<uint16_t>(r.range(0, max_finite(t) - 1));
      if (r.chance(20)) h = static_cast<uint16_t>(r.range(0, min_normal(t)));  // subnormal midpoints
      const double mid = (ref_half_magnitude(h, t) + ref_half_magnitude(static_cast<uint16_t>(h + 1), t)) / 2;
      const int32_t d = r.chance(50) ? 1 : static_cast<int32_t>(r.range(1, std::min<int32_t>(span, 300)));
      return {step_doubles(mid / d, static_cast<int>(r.range(-3, 3))), d, "midpoint"};
    }
    case 5: {  // overflow: some products beyond the threshold, one exactly on it
      const int32_t d = static_cast<int32_t>(r.range(1, std::min<int32_t>(span, 200)));
      const double s = r.chance(50) ? threshold / d : step_doubles(threshold / d, static_cast<int>(r.range(-2, 2)));
      return {s, d, "overflow"};
    }
    case 6: {  // subnormal results
      const double tiny = ref_half_value(1, t);
      return {tiny * (0.01 + r.uniform() * 3), r.chance(50) ? 1 : 0, "subnormal"};
    }
    case 7: return {ref_half_value(1, t) * 0.25 * r.uniform(), 0, "underflow"};  // products round to ±0
    case 8: return {r.chance(50) ? 1e300 : std::numeric_limits<double>::max() / 3, 0, "double overflow"};
    default: return {static_cast<double>(static_cast<float>((1.0 + r.uniform()) / 255.0)), 0, "activation scale"};
  }
}

void test_dequantize(const std::vector<const KernelTable*>& tables, uint64_t seed, HalfType t) {
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 130; n++) lengths.push_back(n);
  for (size_t n : {1000, 1001, 1007, 4099, 65536 + 5}) lengths.push_back(n);
  for (IntType type : kHalfCodeTypes) {
    for (size_t n : lengths) {
      for (int variant = 0; variant < 3; variant++) {
        const uint64_t s = mix_seed(seed, 0xde4a0000ULL + (n << 8) + (static_cast<uint64_t>(type) << 4) + static_cast<uint64_t>(variant) +
                                              (static_cast<uint64_t>(t) << 40));
        Rng r(s);
        const DequantizeScale ds = dequantize_scale(r, t, type);
        int32_t zp = r.chance(30) ? (r.chance(50) ? type_min(type) : type_max(type)) : static_cast<int32_t>(r.range(type_min(type), type_max(type)));
        CodeBuffer q(n, type, r.next() % 8);
        for (size_t i = 0; i < n; i++) {
          int64_t v = r.range(type_min(type), type_max(type));
          if (ds.near != 0 && r.chance(60)) v = static_cast<int64_t>(zp) + (r.chance(50) ? ds.near : -ds.near);
          if (r.chance(5)) v = zp;  // +0
          q.set(i, static_cast<int32_t>(std::clamp<int64_t>(v, type_min(type), type_max(type))));
        }
        check_dequantize(tables, q, n, type, ds.scale, zp, t, s, ds.what);
      }
    }
    // Every code of the 8-bit types, and a stretch of the 16-bit ones, with many scales of every kind.
    const size_t all = code_bytes(type) == 1 ? 256 : 4096;
    for (int trial = 0; trial < 200; trial++) {
      const uint64_t s = mix_seed(seed, 0xde4b0000ULL + static_cast<uint64_t>(trial) + (static_cast<uint64_t>(type) << 20) + (static_cast<uint64_t>(t) << 40));
      Rng r(s);
      const DequantizeScale ds = dequantize_scale(r, t, type);
      const int32_t zp = static_cast<int32_t>(r.range(type_min(type), type_max(type)));
      const int32_t first = code_bytes(type) == 1 ? type_min(type) : static_cast<int32_t>(std::clamp<int64_t>(
                                                                          static_cast<int64_t>(zp) - 2048, type_min(type), type_max(type) - 4095));
      CodeBuffer q(all, type, static_cast<size_t>(trial % 8));
      for (size_t i = 0; i < all; i++) q.set(i, first + static_cast<int32_t>(i));
      check_dequantize(tables, q, all, type, ds.scale, zp, t, s, ds.what);
    }
  }
}

// ---- whole pattern space -------------------------------------------------------------------------------------------

// All 65536 bit patterns, in order and shuffled, through every kernel that reads halves.
void test_all_patterns(const std::vector<const KernelTable*>& tables, uint64_t seed, HalfType t) {
  Rng r(mix_seed(seed, 0xa11 + (static_cast<uint64_t>(t) << 40)));
  Guarded<uint16_t> ordered(65536, 3);
  for (size_t i = 0; i < 65536; i++) ordered[i] = static_cast<uint16_t>(i);
  Guarded<uint16_t> shuffled(65536, 5);
  std::vector<uint16_t> perm(65536);
  for (size_t i = 0; i < 65536; i++) perm[i] = static_cast<uint16_t>(i);
  for (size_t i = 65535; i > 0; i--) std::swap(perm[i], perm[static_cast<size_t>(r.range(0, static_cast<int64_t>(i)))]);
  for (size_t i = 0; i < 65536; i++) shuffled[i] = perm[i];

  for (IntType type : kHalfCodeTypes) {
    for (Profile p : kHalfProfiles) {
      for (int trial = 0; trial < 4; trial++) {
        const uint64_t s = mix_seed(seed, 0xa1100 + (static_cast<uint64_t>(type) << 8) + (static_cast<uint64_t>(p) << 4) + trial +
                                              (static_cast<uint64_t>(t) << 40));
        Rng rc(s);
        const QuantCase c = half_case(rc, t, type, p);
        check_quantize(tables, trial % 2 == 0 ? ordered : shuffled, t, c, type, s, "all patterns");
      }
      const uint64_t s = mix_seed(seed, 0xa1200 + (static_cast<uint64_t>(type) << 8) + (static_cast<uint64_t>(p) << 4) + (static_cast<uint64_t>(t) << 40));
      Rng rg(s);
      const QuantCase base = random_case(rg, type, p, true);
      check_quantize_groups(tables, shuffled, t, base.spec, type, rg, s);
    }
  }
  // Ranges: everything (±Inf make them trivial), the finite patterns only, and random slices of the shuffled ones.
  check_ranges(tables, ordered, t, r, seed);
  {
    std::vector<uint16_t> finite;
    for (size_t i = 0; i < 65536; i++) {
      if ((perm[i] & 0x7fff) < ref_half_inf(t)) finite.push_back(perm[i]);
    }
    Guarded<uint16_t> f(finite.size(), 1);
    std::copy(finite.begin(), finite.end(), f.data());
    check_ranges(tables, f, t, r, seed);
    for (int slice = 0; slice < 40; slice++) {
      const size_t a = static_cast<size_t>(r.range(0, static_cast<int64_t>(finite.size()) - 1));
      const size_t len = std::min(finite.size() - a, static_cast<size_t>(r.range(0, 3000)));
      Guarded<uint16_t> part(len, static_cast<size_t>(slice % 8));
      std::copy(finite.begin() + static_cast<std::ptrdiff_t>(a), finite.begin() + static_cast<std::ptrdiff_t>(a + len), part.data());
      check_ranges(tables, part, t, r, seed + static_cast<uint64_t>(slice));
    }
  }
  // Histograms over every pattern: the whole range, the subnormals only (bins of the smallest step), [-1, 1] with the
  // stack-array path (n >= 2 bins), bins beyond the stack arrays, and random ranges.
  const double big = ref_half_value(max_finite(t), t);
  const double tiny = ref_half_value(min_normal(t), t);
  const struct {
    Range range;
    size_t bins;
  } fixed[] = {{{-big, big}, 1000}, {{0, tiny}, 1u << ref_half_mantissa_bits(t)}, {{-1, 1}, 4096}, {{-2, 3}, 20000}, {{0, 0}, 7}, {{-big, -big}, 3}};
  for (bool abs : {false, true}) {
    for (const auto& f : fixed) {
      Range h = f.range;
      if (abs && h.min < 0) h.min = 0;
      if (h.max < h.min) h.max = h.min;
      check_histogram(tables, shuffled, t, h, abs, f.bins, mix_seed(seed, 0xa1300 + f.bins + (abs ? 1 : 0)));
    }
    for (int trial = 0; trial < 10; trial++) {
      const uint64_t s = mix_seed(seed, 0xa1400 + trial * 2 + (abs ? 1 : 0) + (static_cast<uint64_t>(t) << 40));
      Rng rh(s);
      const size_t bins_choice[] = {1, 3, 100, 2048, 4097};
      check_histogram(tables, trial % 2 == 0 ? ordered : shuffled, t, random_range(rh, t, abs), abs, bins_choice[trial % 5], s);
    }
  }
}

// ---- every length --------------------------------------------------------------------------------------------------

void test_lengths(const std::vector<const KernelTable*>& tables, uint64_t seed, HalfType t) {
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 130; n++) lengths.push_back(n);
  for (size_t n : {1000, 1023, 4099, 65536 + 7, 262144 + 3}) lengths.push_back(n);
  for (size_t n : lengths) {
    const bool long_run = n > 2000;
    for (IntType type : kHalfCodeTypes) {
      for (Profile p : kHalfProfiles) {
        for (InputKind kind : kInputKinds) {
          if (long_run && kind != InputKind::Mixed) continue;
          const uint64_t s = mix_seed(seed, 0x1e900000ULL + (n << 12) + (static_cast<uint64_t>(type) << 8) + (static_cast<uint64_t>(p) << 4) +
                                                static_cast<uint64_t>(kind) + (static_cast<uint64_t>(t) << 50));
          Rng r(s);
          const QuantCase c = half_case(r, t, type, p);
          Guarded<uint16_t> x(n, r.next() % 8);
          for (size_t i = 0; i < n; i++) x[i] = half_input(r, t, kind, c);
          check_quantize(tables, x, t, c, type, s, kind_name(kind));
          if (kind == InputKind::Mixed) check_quantize_groups(tables, x, t, c.spec, type, r, s);
        }
      }
    }
    for (int variant = 0; variant < 3; variant++) {
      const uint64_t s = mix_seed(seed, 0x1e910000ULL + (n << 4) + static_cast<uint64_t>(variant) + (static_cast<uint64_t>(t) << 50));
      Rng r(s);
      const QuantCase c = half_case(r, t, IntType::U8, Profile::Onnx);
      Guarded<uint16_t> x(n, r.next() % 8);
      for (size_t i = 0; i < n; i++) {
        x[i] = variant == 2 ? static_cast<uint16_t>(ref_half_inf(t) | 0x8000 | (1 + r.next() % 3))  // NaN only
                            : half_input(r, t, variant == 0 ? InputKind::Mixed : InputKind::Uniform, c);
      }
      check_ranges(tables, x, t, r, s);
      for (bool abs : {false, true}) {
        if (long_run && variant != 0) continue;
        const size_t bins_choice[] = {1, 2, 5, 16, 100, 2048, 4096, 20000};
        const size_t bins = bins_choice[r.next() % 8];
        const Range h = random_range(r, t, abs);
        Guarded<uint16_t> hx(n, r.next() % 8);
        for (size_t i = 0; i < n; i++) hx[i] = r.chance(80) ? histogram_input(r, t, h, bins, abs) : x[i];
        check_histogram(tables, hx, t, h, abs, bins, s + (abs ? 1 : 0));
      }
    }
  }
}

// ---- known answers (worked out by hand) ----------------------------------------------------------------------------

template <typename T> std::vector<T> tiled(const std::vector<T>& pattern, size_t n) {
  std::vector<T> v(n);
  for (size_t i = 0; i < n; i++) v[i] = pattern[i % pattern.size()];
  return v;
}

void test_known_answers(const std::vector<const KernelTable*>& tables, HalfType t) {
  const bool f16 = t == HalfType::F16;
  // Patterns of 1, 0.5, -0.5, the smallest subnormal, +Inf, -Inf, a NaN, 3 (= 1.5 * 2), -0.
  const std::vector<uint16_t> x = f16 ? std::vector<uint16_t>{0x3c00, 0x3800, 0xb800, 0x0001, 0x7c00, 0xfc00, 0x7e00, 0x4200, 0x8000}
                                      : std::vector<uint16_t>{0x3f80, 0x3f00, 0xbf00, 0x0001, 0x7f80, 0xff80, 0x7fc0, 0x4040, 0x8000};
  // u8, scale 0.5, zp 10: 1 -> t = 2 -> 12; 0.5 -> 1 -> 11; -0.5 -> -1 -> 9; tiny -> 0 -> 10; +Inf -> 255; -Inf -> 0;
  // NaN -> qmin 0; 3 -> 6 -> 16; -0 -> 10. Scale 2 (ties): 1 -> 0.5 -> 0 -> 10; 3 -> 1.5 -> 2 -> 12; 0.5 -> 0.25 -> 10.
  const std::vector<int32_t> want_half_scale = {12, 11, 9, 10, 255, 0, 0, 16, 10};
  const std::vector<int32_t> want_two = {10, 10, 10, 10, 255, 0, 0, 12, 10};
  for (size_t n : {x.size(), size_t{37}, size_t{100}}) {
    const std::vector<uint16_t> xs = tiled(x, n);
    for (const KernelTable* k : tables) {
      for (Profile p : kHalfProfiles) {
        for (const float scale : {0.5f, 2.0f}) {
          const std::vector<int32_t> want = tiled(scale == 0.5f ? want_half_scale : want_two, n);
          CodeBuffer out(n, IntType::U8, 1);
          k->quantize_half(xs.data(), t, n, scale, 10, QuantSpec{0, 255, p}, IntType::U8, out.data());
          for (size_t i = 0; i < n; i++) {
            QK_CHECK(out.at(i) == want[i], "known quantize_half %s (%s, scale %g, n %zu): x[%zu] = 0x%04x -> %d, expected %d", half_name(t), k->isa,
                     static_cast<double>(scale), n, i, xs[i], out.at(i), want[i]);
          }
        }
      }
      double mn = __builtin_inf(), mx = -__builtin_inf(), am = 0;
      k->min_max_half(xs.data(), t, n, &mn, &mx);
      k->abs_max_half(xs.data(), t, n, &am);
      QK_CHECK(mn == -__builtin_inf() && mx == __builtin_inf() && am == __builtin_inf(), "known min_max_half %s (%s)", half_name(t), k->isa);
      // Without the infinities: [-0.5, 3], and the smallest subnormal is 2^-24 (float16) / 2^-133 (bfloat16).
      std::vector<uint16_t> finite;
      for (uint16_t h : xs) {
        if ((h & 0x7fff) < ref_half_inf(t)) finite.push_back(h);
      }
      mn = __builtin_inf(), mx = -__builtin_inf(), am = 0;
      k->min_max_half(finite.data(), t, finite.size(), &mn, &mx);
      k->abs_max_half(finite.data(), t, finite.size(), &am);
      QK_CHECK(mn == -0.5 && mx == 3.0 && am == 3.0, "known finite min_max_half %s (%s): [%a, %a] abs %a", half_name(t), k->isa, mn, mx, am);
      // [0, 1] in 4 bins: 1 and 0.5 -> bins 3 and 2; the subnormal, -0 -> 0; 3, ±Inf, NaN and -0.5 skipped.
      std::vector<uint32_t> counts(4, 0);
      k->histogram_half(xs.data(), t, n, 0, 1, counts.data(), 4);
      const uint32_t reps = static_cast<uint32_t>(n / x.size());
      const uint32_t extra = static_cast<uint32_t>(n % x.size());  // the first `extra` patterns once more
      auto count_of = [&](size_t idx) { return reps + (idx < extra ? 1u : 0u); };
      QK_CHECK(counts[0] == count_of(3) + count_of(8) && counts[1] == 0 && counts[2] == count_of(1) && counts[3] == count_of(0),
               "known histogram_half %s (%s, n %zu): %u %u %u %u", half_name(t), k->isa, n, counts[0], counts[1], counts[2], counts[3]);
    }
  }
  // Subnormal widening: float16 0x0001 = 2^-24, 0x03ff = 1023 * 2^-24, 0x0400 = 2^-14; bfloat16 0x0001 = 2^-133.
  {
    const std::vector<uint16_t> sub = f16 ? std::vector<uint16_t>{0x0001, 0x03ff, 0x0400, 0x8200} : std::vector<uint16_t>{0x0001, 0x007f, 0x0080, 0x8040};
    const double lo = f16 ? -0x1p-15 : -0x1p-127;  // 0x8200 = -512 * 2^-24, 0x8040 = -64 * 2^-133
    const double hi = f16 ? 0x1p-14 : 0x1p-126;
    const double unit = f16 ? 0x1p-24 : 0x1p-133;
    for (const KernelTable* k : tables) {
      for (size_t n : {size_t{4}, size_t{40}}) {
        const std::vector<uint16_t> xs = tiled(sub, n);
        double mn = __builtin_inf(), mx = -__builtin_inf();
        k->min_max_half(xs.data(), t, n, &mn, &mx);
        QK_CHECK(mn == lo && mx == hi, "known subnormal min_max_half %s (%s, n %zu): [%a, %a]", half_name(t), k->isa, n, mn, mx);
        // scale = one subnormal unit: codes 1, 127 (saturated for float16's 1023), 127, 0 (qmin; -512 or -64 below it).
        CodeBuffer out(n, IntType::U8, 0);
        k->quantize_half(xs.data(), t, n, static_cast<float>(unit), 0, QuantSpec{0, 127, Profile::Onnx}, IntType::U8, out.data());
        for (size_t i = 0; i < n; i++) {
          const int32_t want[] = {1, 127, 127, 0};
          QK_CHECK(out.at(i) == want[i % 4], "known subnormal quantize_half %s (%s): x[%zu] -> %d, expected %d", half_name(t), k->isa, i, out.at(i),
                   want[i % 4]);
        }
      }
    }
  }
  // Dequantize, int16 codes with zp 0 (q - zp = q), products rounded once:
  struct Known {
    int32_t q;
    double scale;
    uint16_t want;
    const char* why;
  };
  const std::vector<Known> known =
      f16 ? std::vector<Known>{
                {2049, 1.0, 0x6800, "2049: tie between 2048 and 2050 -> even 2048"},
                {2051, 1.0, 0x6802, "2051: tie -> even 2052"},
                {1, 65520.0, 0x7c00, "65520: the overflow threshold, a tie -> Inf"},
                {1, 65519.99, 0x7bff, "just below the threshold -> 65504"},
                {-1, 65536.0, 0xfc00, "-65536 -> -Inf"},
                {1, 0x1p-25, 0x0000, "2^-25: tie between 0 and 2^-24 -> +0"},
                {3, 0x1p-25, 0x0002, "1.5 * 2^-24: tie -> 2 * 2^-24"},
                {-1, 0x1p-25, 0x8000, "-2^-25 -> -0"},
                {0, 1.0, 0x0000, "q == zp -> +0"},
                {1, 1 + 0x1p-11 + 0x1p-40, 0x3c01, "just above the midpoint of 1 and 1 + 2^-10 (float32 would make it a tie -> 1)"},
                {1, 1 + 0x1p-11 - 0x1p-40, 0x3c00, "just below that midpoint"},
                {-3, (0x1p-24 + 0x1p-25 + 0x1p-60) / 3, 0x8002, "about -1.5 * 2^-24 - tiny: above the tie in magnitude -> -2 * 2^-24"},
                {1, 65504.0 + 16.0 - 0x1p-30, 0x7bff, "just below 65520 (float32 would round it to the tie -> Inf)"},
                {1000, 1e300, 0x7c00, "double product beyond float32 -> Inf"},
            }
          : std::vector<Known>{
                {257, 1.0, 0x4380, "257: tie between 256 and 258 -> even 256"},
                {259, 1.0, 0x4382, "259: tie -> even 260"},
                {1, 0x1p128 - 0x1p119, 0x7f80, "the overflow threshold, a tie -> Inf"},
                {1, 0x1p128 - 0x1p119 - 0x1p100, 0x7f7f, "just below the threshold (float32 would round it onto the tie -> Inf)"},
                {1, 0x1p-134, 0x0000, "2^-134: tie between 0 and 2^-133 -> +0"},
                {3, 0x1p-134, 0x0002, "1.5 * 2^-133: tie -> 2 * 2^-133"},
                {-1, 0x1p-134, 0x8000, "-2^-134 -> -0"},
                {1, 1 + 0x1p-8 + 0x1p-30, 0x3f81, "just above the midpoint of 1 and 1 + 2^-7 (float32 would make it a tie -> 1)"},
                {1, 1 + 0x1p-8 - 0x1p-30, 0x3f80, "just below that midpoint"},
                {1, 0x1p-134 + 0x1p-160, 0x0001, "just above the smallest midpoint (below float32's subnormals)"},
                {2, 1e300, 0x7f80, "double product beyond float32 -> Inf"},
                {-2, 1e300, 0xff80, "-> -Inf"},
            };
  for (const Known& kn : known) {
    for (size_t n : {size_t{1}, size_t{9}, size_t{40}}) {
      CodeBuffer q(n, IntType::I16, 0);
      for (size_t i = 0; i < n; i++) q.set(i, kn.q);
      for (const KernelTable* k : tables) {
        std::vector<uint16_t> out(n, 0x1234);
        k->dequantize_half(q.data(), IntType::I16, n, kn.scale, 0, t, out.data());
        for (size_t i = 0; i < n; i++) {
          QK_CHECK(out[i] == kn.want, "known dequantize_half %s (%s, n %zu): %d * %a -> 0x%04x, expected 0x%04x (%s)", half_name(t), k->isa, n, kn.q,
                   kn.scale, out[i], kn.want, kn.why);
        }
        // The oracle agrees with the hand-worked answer too.
        QK_CHECK(ref_round_half(static_cast<double>(kn.q) * kn.scale, t) == kn.want, "oracle ref_round_half %s: %s", half_name(t), kn.why);
      }
    }
  }
  // Products of 8-bit codes and a scale of 17 significant bits have up to 25 bits: not floats, so the AVX2 kernel must
  // not take its float-multiply path (8 + 17 > 24). Found by search: 137 * 125511 = 17195007 = 2^24 * 0x1.065fffp+0
  // is just below the float16 midpoint 0x1.066p+0 between 0x3c19 and 0x3c1a (-> 0x3c19), and odd, so a float32
  // product is a tie that rounds up onto that midpoint, which then ties to even 0x3c1a. bfloat16: 163 * 111371 =
  // 18153473 = 2^24 * 0x1.150001p+0, just above the midpoint 0x1.15p+0 between 0x3f8a and 0x3f8b (-> 0x3f8b); the
  // float32 product ties down onto the midpoint, then to even 0x3f8a.
  {
    const int32_t code = f16 ? 137 : 163;
    const double scale = f16 ? 0x1.ea47p-8 : 0x1.b30bp-8;
    const uint16_t want = f16 ? 0x3c19 : 0x3f8b;
    for (size_t n : {size_t{1}, size_t{8}, size_t{40}}) {
      const std::vector<uint8_t> q(n, static_cast<uint8_t>(code));
      for (const KernelTable* k : tables) {
        Guarded<uint16_t> out(n, 2);
        k->dequantize_half(q.data(), IntType::U8, n, scale, 0, t, out.data());
        QK_CHECK(out.canaries_intact(), "known dequantize_half %s (%s) wrote outside its output", half_name(t), k->isa);
        for (size_t i = 0; i < n; i++) {
          QK_CHECK(out[i] == want, "known dequantize_half %s (%s, n %zu): u8 %d * %a -> 0x%04x, expected 0x%04x (a 25-bit product)", half_name(t),
                   k->isa, n, code, scale, out[i], want);
        }
      }
    }
    QK_CHECK(ref_round_half(code * scale, t) == want && ref_round_half(static_cast<float>(code * scale), t) != want,
             "oracle ref_round_half %s on the 25-bit product", half_name(t));
  }
  // The decoder and the widening agree on every pattern's value (ref_half_value against the float32 of the kernels'
  // widening, observed through min_max_half of one element; NaN patterns leave the fold untouched).
  for (const KernelTable* k : tables) {
    long bad = 0;
    for (uint32_t h = 0; h < 65536; h++) {
      const uint16_t p = static_cast<uint16_t>(h);
      double mn = __builtin_inf(), mx = -__builtin_inf();
      k->min_max_half(&p, t, 1, &mn, &mx);
      const double v = ref_half_value(p, t);
      const bool ok = is_nan_pattern(p, t) ? (mn == __builtin_inf() && mx == -__builtin_inf())
                                           : (std::memcmp(&mn, &v, sizeof v) == 0 && std::memcmp(&mx, &v, sizeof v) == 0);
      if (!ok && bad++ < 3) QK_FAIL("%s min_max_half %s of the single pattern 0x%04x: [%a, %a], expected %a", k->isa, half_name(t), p, mn, mx, v);
      stats().checks++;
    }
  }
}

// ---- widen_half ----------------------------------------------------------------------------------------------------

// widen_half of every set: each of the 65536 patterns widened to the bits of ref_half_value (NaN: quiet, payload kept,
// as f16_to_f32_bits), at every length up to 70 and at a long odd length, at odd offsets, nothing written past out.
void test_widen(const std::vector<const KernelTable*>& tables, HalfType t) {
  Guarded<uint16_t> all(65536, 3);
  for (size_t i = 0; i < 65536; i++) all[i] = static_cast<uint16_t>(i);
  std::vector<uint32_t> want(65536);
  for (size_t i = 0; i < 65536; i++) {
    const uint16_t h = static_cast<uint16_t>(i);
    if (t == HalfType::BF16) {  // the top half of a float32, NaN payloads (signalling ones too) kept as they are
      want[i] = static_cast<uint32_t>(h) << 16;
    } else if (is_nan_pattern(h, t)) {  // float16 NaN: quiet, its payload moved up into the float32 mantissa
      want[i] = (static_cast<uint32_t>(h & 0x8000) << 16) | 0x7fc00000u | (static_cast<uint32_t>(h & 0x3ff) << 13);
    } else {
      const float f = widen(h, t);
      std::memcpy(&want[i], &f, 4);
    }
  }
  for (const KernelTable* k : tables) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{15}, size_t{16}, size_t{17}, size_t{24}, size_t{33}, size_t{70}, size_t{4097}, size_t{4105}, size_t{65536}}) {
      for (size_t start : {size_t{0}, size_t{65536} - n}) {
        Guarded<float> out(n, 1 + n % 5);
        k->widen_half(all.data() + start, t, n, out.data());
        QK_CHECK(out.canaries_intact(), "%s widen_half %s n %zu wrote outside out", k->isa, half_name(t), n);
        for (size_t i = 0; i < n; i++) {
          uint32_t got;
          std::memcpy(&got, &out[i], 4);
          if (got != want[start + i]) QK_FAIL("%s widen_half %s n %zu: pattern 0x%04zx -> 0x%08x, expected 0x%08x", k->isa, half_name(t), n, start + i, got, want[start + i]);
        }
      }
    }
  }
}

}  // namespace

void test_half(const std::vector<const KernelTable*>& tables, uint64_t seed, HalfType t) {
  g_double_rounding_cases = 0;
  test_widen(tables, t);
  test_known_answers(tables, t);
  test_all_patterns(tables, seed, t);
  test_lengths(tables, seed, t);
  test_dequantize(tables, seed, t);
  std::printf("  dequantize_half %s: %ld products where rounding to float32 first would round wrongly\n", half_name(t), g_double_rounding_cases);
  QK_CHECK(g_double_rounding_cases > 1000, "the dequantize_half test should contain products that double rounding gets wrong");
}

}  // namespace quantkit_test
