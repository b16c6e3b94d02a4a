// kernels_test: every kernel of every kernel set this CPU can run (the list of dispatch/kernel_sets.cc: scalar, and
// AVX2 when the CPU has it, and any set added there) against the reference transcription of the TypeScript code
// (reference.h), on random and adversarial inputs, plus known answers worked out by hand, the granularity drivers and
// dispatch. Prints the base seed; run `kernels_test SEED` to reproduce a failure.
#include <cfloat>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../src/binding/histogram_counts.h"
#include "../src/dispatch/cpu_features.h"
#include "../src/dispatch/dispatch.h"
#include "../src/dispatch/kernel_sets.h"
#include "../src/kernels/kernels.h"
#include "blocks_test.h"
#include "granularity_test.h"
#include "half_test.h"
#include "reference.h"
#include "test_support.h"

using namespace quantkit;
using namespace quantkit_test;

namespace {

std::vector<const KernelTable*> g_tables;  // the kernel sets this CPU can run (main): every test checks each of them
uint64_t g_seed = 0;

constexpr IntType kTypes[] = {IntType::I8, IntType::U8, IntType::I16, IntType::U16};
constexpr Profile kProfiles[] = {Profile::Onnx, Profile::PyTorch};

const char* profile_name(Profile p) { return p == Profile::Onnx ? "onnx" : "pytorch"; }

std::vector<size_t> test_lengths() {
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 130; n++) lengths.push_back(n);
  for (size_t n = 1000; n <= 1030; n++) lengths.push_back(n);
  return lengths;
}

// ---- quantize -----------------------------------------------------------------------------------------------------

void run_quantize(const KernelTable& k, const float* x, size_t n, const QuantCase& c, IntType t, void* out) {
  k.quantize_f32(x, n, static_cast<float>(c.scale), c.zp, c.spec, t, out);
}
void run_quantize(const KernelTable& k, const double* x, size_t n, const QuantCase& c, IntType t, void* out) {
  k.quantize_f64(x, n, c.scale, c.zp, c.spec, t, out);
}

template <typename F> const char* precision_name() { return sizeof(F) == 4 ? "f32" : "f64"; }

// Quantizes x with every table and compares each code with the reference.
template <typename F>
void check_quantize(const Guarded<F>& x, const QuantCase& c, IntType t, uint64_t seed, const char* what) {
  const bool single = sizeof(F) == 4;
  const size_t n = x.n;
  std::vector<int32_t> expected(n);
  for (size_t i = 0; i < n; i++) expected[i] = ref_quantize(x.data()[i], c.scale, c.zp, c.spec, single);
  for (const KernelTable* k : g_tables) {
    CodeBuffer out(n, t, seed % 29);
    run_quantize(*k, x.data(), n, c, t, out.data());
    QK_CHECK(out.bytes.canaries_intact(), "%s quantize_%s wrote outside its output (seed %" PRIu64 ", n %zu)", k->isa,
             precision_name<F>(), seed, n);
    for (size_t i = 0; i < n; i++) {
      if (out.at(i) != expected[i]) {
        QK_FAIL("%s quantize_%s %s %s [%d,%d] zp %d scale %a (%s): n %zu x[%zu] = %a -> %d, expected %d (seed %" PRIu64 ")",
                k->isa, precision_name<F>(), type_name(t), profile_name(c.spec.profile), c.spec.qmin, c.spec.qmax, c.zp,
                c.scale, what, n, i, static_cast<double>(x.data()[i]), out.at(i), expected[i], seed);
        break;
      }
      stats().checks++;
    }
  }
}

template <typename F> void test_quantize_random() {
  const std::vector<size_t> lengths = test_lengths();
  for (IntType t : kTypes) {
    for (Profile p : kProfiles) {
      for (size_t n : lengths) {
        for (InputKind kind : kInputKinds) {
          const uint64_t seed = mix_seed(g_seed, (static_cast<uint64_t>(t) << 40) ^ (static_cast<uint64_t>(p) << 36) ^
                                                     (n << 8) ^ static_cast<uint64_t>(kind) ^ (sizeof(F) << 50));
          Rng r(seed);
          const QuantCase c = random_case(r, t, p, sizeof(F) == 4);
          Guarded<F> x(n, r.next() % 8);
          for (size_t i = 0; i < n; i++) x[i] = input_value<F>(r, kind, c);
          check_quantize(x, c, t, seed, kind_name(kind));
        }
      }
    }
  }
}

// quantize_groups: every element its own scale and zero point (random, extreme scales included), every length of
// test_lengths so the 8-lane body and every tail run, every input kind (NaN, infinities, ties, saturation).
void run_quantize_groups(const KernelTable& k, const float* x, size_t n, const float* s, const int32_t* z, QuantSpec spec, IntType t, void* out) {
  k.quantize_groups_f32(x, n, s, z, spec, t, out);
}
void run_quantize_groups(const KernelTable& k, const double* x, size_t n, const double* s, const int32_t* z, QuantSpec spec, IntType t, void* out) {
  k.quantize_groups_f64(x, n, s, z, spec, t, out);
}

template <typename F> void test_quantize_groups_random() {
  const bool single = sizeof(F) == 4;
  for (IntType t : kTypes) {
    for (Profile p : kProfiles) {
      for (size_t n : test_lengths()) {
        for (InputKind kind : kInputKinds) {
          const uint64_t seed = mix_seed(g_seed, 0x6700000000ULL ^ (static_cast<uint64_t>(t) << 40) ^ (static_cast<uint64_t>(p) << 36) ^
                                                     (n << 8) ^ static_cast<uint64_t>(kind) ^ (sizeof(F) << 50));
          Rng r(seed);
          const QuantCase base = random_case(r, t, p, single);
          Guarded<F> x(n, r.next() % 8);
          Guarded<F> scales(n, r.next() % 8);
          Guarded<int32_t> zps(n, r.next() % 8);
          std::vector<int32_t> expected(n);
          for (size_t i = 0; i < n; i++) {
            QuantCase c = base;
            c.scale = random_scale<F>(r);
            c.zp = static_cast<int32_t>(r.range(base.spec.qmin, base.spec.qmax));
            scales[i] = static_cast<F>(c.scale);
            zps[i] = c.zp;
            x[i] = input_value<F>(r, kind, c);
            expected[i] = ref_quantize(x[i], c.scale, c.zp, c.spec, single);
          }
          for (const KernelTable* k : g_tables) {
            CodeBuffer out(n, t, seed % 29);
            run_quantize_groups(*k, x.data(), n, scales.data(), zps.data(), base.spec, t, out.data());
            QK_CHECK(out.bytes.canaries_intact(), "%s quantize_groups_%s wrote outside its output (seed %" PRIu64 ", n %zu)",
                     k->isa, precision_name<F>(), seed, n);
            for (size_t i = 0; i < n; i++) {
              if (out.at(i) != expected[i]) {
                QK_FAIL("%s quantize_groups_%s %s %s: n %zu x[%zu] = %a scale %a zp %d -> %d, expected %d (seed %" PRIu64 ")",
                        k->isa, precision_name<F>(), type_name(t), profile_name(p), n, i, static_cast<double>(x[i]),
                        static_cast<double>(scales[i]), zps[i], out.at(i), expected[i], seed);
                break;
              }
              stats().checks++;
            }
          }
        }
      }
    }
  }
}

// Inputs within 4 ulps of (k + 0.5) * s for every k of the range, over many scales: the inputs where a reciprocal
// multiply rounds differently from the true division. Also counts how many such inputs exist, so the test proves it
// exercises the ONNX division fallback of the vector sets (Mode::Checked in kernels/avx2/quantize.h) rather than
// passing vacuously.
template <typename F> void test_quantize_near_ties(int scales) {
  const bool single = sizeof(F) == 4;
  long multiply_differs = 0;
  long total = 0;
  for (int si = 0; si < scales; si++) {
    const uint64_t seed = mix_seed(g_seed, 0x7e5 + si + (sizeof(F) << 40));
    Rng r(seed);
    const IntType t = si % 3 == 0 ? IntType::I8 : (si % 3 == 1 ? IntType::U8 : IntType::I16);
    QuantCase c;
    if (t == IntType::I16) {
      const int32_t zp = static_cast<int32_t>(r.range(-300, 300));
      c.spec = QuantSpec{-600, 600, Profile::Onnx};  // wide enough to hit 16-bit tolerances, small enough to be quick
      c.zp = zp;
    } else {
      c.spec = QuantSpec{type_min(t), type_max(t), Profile::Onnx};
      c.zp = static_cast<int32_t>(r.range(type_min(t), type_max(t)));
    }
    double s = (1.0 + r.uniform()) * std::ldexp(1.0, static_cast<int>(r.range(-20, 6)));
    c.scale = single ? static_cast<double>(static_cast<float>(s)) : s;
    const int lo = c.spec.qmin - c.zp;
    const int hi = c.spec.qmax - c.zp;
    std::vector<F> values;
    for (int kk = lo - 1; kk <= hi; kk++) {
      const F tie = static_cast<F>((kk + 0.5) * c.scale);
      for (int j = -4; j <= 4; j++) values.push_back(step_ulps(tie, j));
    }
    Guarded<F> x(values.size(), si % 8);
    for (size_t i = 0; i < values.size(); i++) x[i] = values[i];
    for (Profile p : kProfiles) {
      c.spec.profile = p;
      check_quantize(x, c, t, seed, "near-ties sweep");
    }
    QuantSpec onnx = c.spec;
    onnx.profile = Profile::Onnx;
    const F inv = static_cast<F>(1) / static_cast<F>(c.scale);
    for (F v : values) {
      double product = v * inv;  // what a plain reciprocal multiply would round
      product = product > lo ? product : lo;
      product = product < hi ? product : hi;
      if (static_cast<int32_t>(std::nearbyint(product)) + c.zp != ref_quantize(v, c.scale, c.zp, onnx, single)) multiply_differs++;
      total++;
    }
  }
  std::printf("  near-tie sweep %s: %ld inputs over %d scales, %ld where x * fl(1/s) rounds differently from x / s\n",
              precision_name<F>(), total, scales, multiply_differs);
  QK_CHECK(multiply_differs > 100, "the near-tie sweep should contain inputs where multiply and divide disagree");
}

// ---- fake-quantize ------------------------------------------------------------------------------------------------

void run_fake(const KernelTable& k, const float* x, size_t n, const QuantCase& c, float* out, ErrorSums* sums) {
  k.fake_quantize_f32(x, n, static_cast<float>(c.scale), c.zp, c.spec, out, sums);
}
void run_fake(const KernelTable& k, const double* x, size_t n, const QuantCase& c, double* out, ErrorSums* sums) {
  k.fake_quantize_f64(x, n, c.scale, c.zp, c.spec, out, sums);
}

bool same_sums(const ErrorSums& a, const ErrorSums& b) {
  return same(a.sum_sq, b.sum_sq) && same(a.sum_abs, b.sum_abs) && same(a.max_abs, b.max_abs) &&
         same(a.sum_ref2, b.sum_ref2) && same(a.sum_approx2, b.sum_approx2) && same(a.dot, b.dot);
}

template <typename F> void test_fake_quantize_random() {
  const bool single = sizeof(F) == 4;
  const std::vector<size_t> lengths = test_lengths();
  for (Profile p : kProfiles) {
    for (size_t n : lengths) {
      for (InputKind kind : kInputKinds) {
        const uint64_t seed = mix_seed(g_seed, 0xfa4e0000 + (n << 8) + (static_cast<uint64_t>(kind) << 4) +
                                                   static_cast<uint64_t>(p) + (sizeof(F) << 40));
        Rng r(seed);
        // Fake-quantize accepts any interval of at most 16 bits, e.g. [-32768, 65535] pieces.
        QuantCase c = random_case(r, kTypes[r.next() % 4], p, single);
        if (r.chance(25)) {
          c.spec.qmin = static_cast<int32_t>(r.range(-32768, 0));
          c.spec.qmax = static_cast<int32_t>(r.range(0, 65535));
          c.zp = static_cast<int32_t>(r.range(c.spec.qmin, c.spec.qmax));
        }
        Guarded<F> x(n, r.next() % 8);
        for (size_t i = 0; i < n; i++) x[i] = input_value<F>(r, kind, c);
        // One call's sums are +0 + S(call), its lanes counted from its first element (SPEC §6); two calls over
        // consecutive parts add up as (+0 + S(part 1)) + S(part 2), each part's lanes from its own first element.
        const size_t split = n == 0 ? 0 : static_cast<size_t>(r.range(0, static_cast<int64_t>(n)));
        std::vector<F> expected(n);
        RefErrorBlock whole, part1, part2;
        for (size_t i = 0; i < n; i++) {
          expected[i] = static_cast<F>(ref_fake_quantize(x[i], c.scale, c.zp, c.spec, single, i < split ? &part1 : &part2));
          ref_fake_quantize(x[i], c.scale, c.zp, c.spec, single, &whole);
        }
        ErrorSums expected_whole, expected_split;
        whole.add_to(&expected_whole);
        part1.add_to(&expected_split);
        part2.add_to(&expected_split);
        for (const KernelTable* k : g_tables) {
          // One call with sums, two calls with sums, and one call with sums == nullptr (values only: the same out,
          // no error pass; its output at another alignment than the others').
          enum class Run { OneCall, TwoCalls, ValuesOnly };
          for (const Run run : {Run::OneCall, Run::TwoCalls, Run::ValuesOnly}) {
            const bool two_calls = run == Run::TwoCalls;
            Guarded<F> out(n, ((seed >> 8) + (run == Run::ValuesOnly ? 3 : 0)) % 8);
            ErrorSums sums;
            if (two_calls) {
              run_fake(*k, x.data(), split, c, out.data(), &sums);
              run_fake(*k, x.data() + split, n - split, c, out.data() + split, &sums);
            } else {
              run_fake(*k, x.data(), n, c, out.data(), run == Run::ValuesOnly ? nullptr : &sums);
            }
            const ErrorSums& want = two_calls ? expected_split : expected_whole;
            const char* what = run == Run::ValuesOnly ? "fake_quantize (values only)" : "fake_quantize";
            QK_CHECK(out.canaries_intact(), "%s %s wrote outside its output (seed %" PRIu64 ")", k->isa, what, seed);
            for (size_t i = 0; i < n; i++) {
              if (!same(out[i], expected[i])) {
                QK_FAIL("%s %s_%s %s [%d,%d] zp %d scale %a: x[%zu] = %a -> %a, expected %a (seed %" PRIu64 ")",
                        k->isa, what, precision_name<F>(), profile_name(p), c.spec.qmin, c.spec.qmax, c.zp, c.scale, i,
                        static_cast<double>(x[i]), static_cast<double>(out[i]), static_cast<double>(expected[i]), seed);
                break;
              }
              stats().checks++;
            }
            if (run == Run::ValuesOnly) continue;
            QK_CHECK(same_sums(sums, want),
                     "%s fake_quantize_%s sums differ (%s): sum_sq %a/%a sum_abs %a/%a max_abs %a/%a ref2 %a/%a "
                     "approx2 %a/%a dot %a/%a (n %zu, split %zu, seed %" PRIu64 ")",
                     k->isa, precision_name<F>(), two_calls ? "two calls" : "one call", sums.sum_sq, want.sum_sq,
                     sums.sum_abs, want.sum_abs, sums.max_abs, want.max_abs, sums.sum_ref2, want.sum_ref2,
                     sums.sum_approx2, want.sum_approx2, sums.dot, want.dot, n, split, seed);
          }
        }
      }
    }
  }
}

// ---- dequantize ---------------------------------------------------------------------------------------------------

void run_dequantize(const KernelTable& k, const void* q, IntType t, size_t n, double scale, int32_t zp, float* out) {
  k.dequantize_f32(q, t, n, scale, zp, out);
}
void run_dequantize(const KernelTable& k, const void* q, IntType t, size_t n, double scale, int32_t zp, double* out) {
  k.dequantize_f64(q, t, n, scale, zp, out);
}

double random_dequantize_scale(Rng& r) {
  switch (r.next() % 6) {
    case 0: return static_cast<double>(static_cast<float>((1.0 + r.uniform()) / 255.0));  // float-exact: fast path
    case 1: return (1.0 + r.uniform()) / 255.0;                                           // needs the double product
    case 2: return 1e38;                                      // products overflow float
    case 3: return static_cast<double>(std::numeric_limits<float>::denorm_min()) * 3;  // subnormal float results
    case 4: return 1e-44 * (1.0 + r.uniform());               // double rounding into float subnormals
    default: return std::ldexp(1.0 + r.uniform(), static_cast<int>(r.range(-30, 30)));
  }
}

template <typename F> void test_dequantize_random() {
  const bool single = sizeof(F) == 4;
  const std::vector<size_t> lengths = test_lengths();
  for (IntType t : kTypes) {
    for (size_t n : lengths) {
      const uint64_t seed = mix_seed(g_seed, 0xde900000 + (n << 4) + static_cast<uint64_t>(t) + (sizeof(F) << 40));
      Rng r(seed);
      CodeBuffer q(n, t, r.next() % 8);
      for (size_t i = 0; i < n; i++) {
        q.set(i, r.chance(10) ? (r.chance(50) ? type_min(t) : type_max(t)) : static_cast<int32_t>(r.range(type_min(t), type_max(t))));
      }
      const int32_t zp = r.chance(30) ? (r.chance(50) ? type_min(t) : type_max(t)) : static_cast<int32_t>(r.range(type_min(t), type_max(t)));
      const double scale = random_dequantize_scale(r);
      for (const KernelTable* k : g_tables) {
        Guarded<F> out(n, r.next() % 8);
        run_dequantize(*k, q.data(), t, n, scale, zp, out.data());
        QK_CHECK(out.canaries_intact(), "%s dequantize wrote outside its output (seed %" PRIu64 ")", k->isa, seed);
        for (size_t i = 0; i < n; i++) {
          const F expected = static_cast<F>(ref_dequantize(q.at(i), zp, scale, single));
          if (!same(out[i], expected)) {
            QK_FAIL("%s dequantize_%s %s zp %d scale %a: q[%zu] = %d -> %a, expected %a (seed %" PRIu64 ")", k->isa,
                    precision_name<F>(), type_name(t), zp, scale, i, q.at(i), static_cast<double>(out[i]),
                    static_cast<double>(expected), seed);
            break;
          }
          stats().checks++;
        }
      }
    }
  }
}

// ---- min / max / abs-max ------------------------------------------------------------------------------------------

template <typename F> F range_value(Rng& r) {
  switch (r.next() % 12) {
    case 0: return std::numeric_limits<F>::quiet_NaN();
    case 1: return F(0);
    case 2: return -F(0);
    case 3: return r.chance(50) ? std::numeric_limits<F>::infinity() : -std::numeric_limits<F>::infinity();
    case 4: return r.chance(50) ? Limits<F>::max : -Limits<F>::max;
    case 5: return r.chance(50) ? Limits<F>::denorm_min : -Limits<F>::denorm_min;
    default: return static_cast<F>((r.uniform() - 0.5) * std::ldexp(1.0, static_cast<int>(r.range(-10, 40))));
  }
}


// The row fold (min_max_rows): rows of n elements, each x[r * stride + i] into its own min[i] / max[i], rows in order,
// from arbitrary starting values (zeros of both signs, infinities, numbers). Unlike the whole-array fold the result is
// specified to the bit: a zero stays the zero it was unless an element compares less (or greater). Row r > 0 is row 0
// rotated and, on odd rows, negated, so ties of equal values and zeros of both signs meet across rows.
template <typename F> void check_min_max_rows(const F* x, size_t n, Rng& r, uint64_t seed) {
  static const double kStarts[] = {0.0, -0.0, 1.5, -2.25, __builtin_inf(), -__builtin_inf()};
  for (size_t rows : {1, 7, 8, 9, 17}) {
    const size_t stride = n + r.next() % 3;
    std::vector<F> m(rows * stride, F(12345));
    for (size_t row = 0; row < rows; row++) {
      for (size_t i = 0; i < n; i++) {
        const F v = x[(i + row * 7) % n];
        m[row * stride + i] = row % 2 == 1 ? -v : v;
      }
    }
    std::vector<double> start_min(n), start_max(n), want_min(n), want_max(n);
    for (size_t i = 0; i < n; i++) {
      want_min[i] = start_min[i] = kStarts[r.next() % 6];
      want_max[i] = start_max[i] = kStarts[r.next() % 6];
      for (size_t row = 0; row < rows; row++) {
        const double v = m[row * stride + i];
        if (!std::isnan(v) && v < want_min[i]) want_min[i] = v;
        if (!std::isnan(v) && v > want_max[i]) want_max[i] = v;
      }
    }
    for (const KernelTable* k : g_tables) {
      std::vector<double> mn = start_min, mx = start_max;
      if constexpr (sizeof(F) == 4) k->min_max_rows_f32(m.data(), rows, stride, n, mn.data(), mx.data());
      else k->min_max_rows_f64(m.data(), rows, stride, n, mn.data(), mx.data());
      QK_CHECK(n == 0 || (std::memcmp(mn.data(), want_min.data(), n * sizeof(double)) == 0 &&
                          std::memcmp(mx.data(), want_max.data(), n * sizeof(double)) == 0),
               "%s min_max_rows_%s rows %zu n %zu differs from the element rule (seed %" PRIu64 ")", k->isa,
               precision_name<F>(), rows, n, seed);
    }
  }
}

template <typename F> void test_ranges_random() {
  const std::vector<size_t> lengths = test_lengths();
  for (size_t n : lengths) {
    for (int variant = 0; variant < 4; variant++) {
      const uint64_t seed = mix_seed(g_seed, 0x4a46e000 + (n << 4) + variant + (sizeof(F) << 40));
      Rng r(seed);
      Guarded<F> x(n, r.next() % 8);
      // variant 0: mixed specials; 1: finite only; 2: all NaN; 3: NaN-heavy with one value
      for (size_t i = 0; i < n; i++) {
        if (variant == 2) x[i] = std::numeric_limits<F>::quiet_NaN();
        else if (variant == 3) x[i] = r.chance(90) ? std::numeric_limits<F>::quiet_NaN() : range_value<F>(r);
        else if (variant == 1) x[i] = static_cast<F>((r.uniform() - 0.5) * 1000);
        else x[i] = range_value<F>(r);
      }
      const double init_min = r.chance(50) ? __builtin_inf() : -3.0;
      const double init_max = r.chance(50) ? -__builtin_inf() : 7.0;
      double emin = init_min, emax = init_max, eabs = 0;
      ref_min_max(x.data(), n, &emin, &emax);
      ref_abs_max(x.data(), n, &eabs);
      for (const KernelTable* k : g_tables) {
        double mn = init_min, mx = init_max, am = 0;
        if constexpr (sizeof(F) == 4) {
          k->min_max_f32(x.data(), n, &mn, &mx);
          k->abs_max_f32(x.data(), n, &am);
        } else {
          k->min_max_f64(x.data(), n, &mn, &mx);
          k->abs_max_f64(x.data(), n, &am);
        }
        // == on purpose: the sign of a zero result is unspecified.
        QK_CHECK(mn == emin && mx == emax, "%s min_max_%s n %zu: [%a, %a], expected [%a, %a] (seed %" PRIu64 ")", k->isa,
                 precision_name<F>(), n, mn, mx, emin, emax, seed);
        QK_CHECK(am == eabs, "%s abs_max_%s n %zu: %a, expected %a (seed %" PRIu64 ")", k->isa, precision_name<F>(), n, am,
                 eabs, seed);
      }
      check_min_max_rows(x.data(), n, r, seed);
    }
  }
}

// ---- pack / unpack ------------------------------------------------------------------------------------------------

void test_pack_random() {
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 300; n++) lengths.push_back(n);
  for (size_t n = 1000; n <= 1030; n++) lengths.push_back(n);
  for (int bits : {2, 4}) {
    for (bool is_signed : {false, true}) {
      for (size_t n : lengths) {
        const uint64_t seed = mix_seed(g_seed, 0xbac0000 + (n << 4) + bits + (is_signed ? 8 : 0));
        Rng r(seed);
        const size_t bytes = (n * bits + 7) / 8;
        Guarded<uint8_t> q(n, r.next() % 32);
        const int lo = is_signed ? -(1 << (bits - 1)) : 0;
        const int hi = is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        for (size_t i = 0; i < n; i++) q[i] = static_cast<uint8_t>(static_cast<int>(r.range(lo, hi)));
        std::vector<uint8_t> expected(bytes + 1);
        ref_pack(q.data(), n, bits, expected.data());
        // Arbitrary bytes (out-of-range codes) must pack like the reference too: only the low bits count.
        Guarded<uint8_t> noisy(n, r.next() % 32);
        for (size_t i = 0; i < n; i++) noisy[i] = static_cast<uint8_t>(r.next());
        std::vector<uint8_t> expected_noisy(bytes + 1);
        ref_pack(noisy.data(), n, bits, expected_noisy.data());
        std::vector<int8_t> ref_s(n + 1);
        std::vector<uint8_t> ref_u(n + 1);
        ref_unpack(expected.data(), n, bits, is_signed, ref_s.data(), ref_u.data());
        for (const KernelTable* k : g_tables) {
          Guarded<uint8_t> packed(bytes, r.next() % 32);
          k->pack(q.data(), n, bits, packed.data());
          QK_CHECK(packed.canaries_intact(), "%s pack wrote outside its output (seed %" PRIu64 ")", k->isa, seed);
          QK_CHECK(bytes == 0 || std::memcmp(packed.data(), expected.data(), bytes) == 0,
                   "%s pack %d bits n %zu differs from the reference (seed %" PRIu64 ")", k->isa, bits, n, seed);
          Guarded<uint8_t> packed_noisy(bytes, r.next() % 32);
          k->pack(noisy.data(), n, bits, packed_noisy.data());
          QK_CHECK(bytes == 0 || std::memcmp(packed_noisy.data(), expected_noisy.data(), bytes) == 0,
                   "%s pack %d bits n %zu of arbitrary bytes differs (seed %" PRIu64 ")", k->isa, bits, n, seed);
          Guarded<uint8_t> unpacked(n, r.next() % 32);
          k->unpack(packed.data(), n, bits, is_signed, unpacked.data());
          QK_CHECK(unpacked.canaries_intact(), "%s unpack wrote outside its output (seed %" PRIu64 ")", k->isa, seed);
          for (size_t i = 0; i < n; i++) {
            const int expected_value = is_signed ? ref_s[i] : ref_u[i];
            const int got = is_signed ? static_cast<int8_t>(unpacked[i]) : unpacked[i];
            const int original = is_signed ? static_cast<int8_t>(q[i]) : q[i];
            if (got != expected_value || got != original) {
              QK_FAIL("%s unpack %d bits %s n %zu: [%zu] = %d, expected %d (seed %" PRIu64 ")", k->isa, bits,
                      is_signed ? "signed" : "unsigned", n, i, got, expected_value, seed);
              break;
            }
            stats().checks++;
          }
        }
      }
    }
  }
}

// ---- histograms ----------------------------------------------------------------------------------------------------

struct HistRange {
  double min;
  double max;
};

// A valid histogram range (finite, min <= max, finite span; min >= 0 for abs): ordinary, degenerate (min == max), a
// subnormal span (f = bins / span overflows to +inf), tiny and huge spans, float extremes, integer edges.
template <typename F> HistRange random_hist_range(Rng& r, bool abs) {
  double a;
  double b;
  switch (r.next() % 9) {
    case 0: a = -1; b = 1; break;
    case 1: a = (r.uniform() - 0.5) * 100; b = a + r.uniform() * 50; break;
    case 2: a = b = static_cast<double>(static_cast<F>((r.uniform() - 0.5) * 10)); break;
    case 3: a = 0; b = std::numeric_limits<double>::denorm_min() * static_cast<double>(r.range(1, 3)); break;
    case 4: a = -static_cast<double>(Limits<F>::max) / 2; b = static_cast<double>(Limits<F>::max) / 2; break;
    case 5: a = 1e-300 * r.uniform(); b = a + 1e-300; break;
    case 6: a = -static_cast<double>(r.range(0, 100)); b = a + static_cast<double>(r.range(1, 100)); break;
    case 7: a = static_cast<double>(Limits<F>::denorm_min); b = static_cast<double>(Limits<F>::min_normal) * 4; break;
    default: a = r.uniform(); b = a + std::ldexp(1.0, static_cast<int>(r.range(-30, 10))); break;
  }
  if (abs) {
    a = std::fabs(a);
    if (b < a) b = a + std::fabs(b);
  }
  return HistRange{a, b};
}

// Values where binning can go wrong: exact bin edges (as the formula computes them) and their neighbours, the bounds
// and their neighbours, NaN, infinities, signed zeros, subnormals, float extremes, values just outside; for abs, also
// the negatives of all of these.
template <typename F> F hist_value(Rng& r, const HistRange& h, size_t bins, bool abs) {
  const double span = h.max - h.min;
  F v;
  switch (r.next() % 10) {
    case 0:
    case 1: v = static_cast<F>(h.min + r.uniform() * span); break;
    case 2:
    case 3: {  // a bin edge, moved by up to 2 ulps
      const double edge = h.min + static_cast<double>(r.range(0, static_cast<int64_t>(bins))) * (span / static_cast<double>(bins));
      v = step_ulps(static_cast<F>(edge), static_cast<int>(r.range(-2, 2)));
      break;
    }
    case 4: v = step_ulps(static_cast<F>(r.chance(50) ? h.min : h.max), static_cast<int>(r.range(-2, 2))); break;
    case 5: v = range_value<F>(r); break;  // NaN, +-0, +-inf, +-max, +-denorm_min, random magnitudes
    case 6: v = static_cast<F>(h.max + r.uniform() * (std::fabs(h.max) + 1)); break;
    case 7: v = static_cast<F>(h.min - r.uniform() * (std::fabs(h.min) + 1)); break;
    case 8: v = static_cast<F>(Limits<F>::min_normal * r.uniform()); break;  // subnormal (or zero)
    default: v = static_cast<F>(h.min + (r.uniform() * 1.2 - 0.1) * span); break;
  }
  return abs && r.chance(50) ? -v : v;
}

void run_histogram(const KernelTable& k, const float* x, size_t n, const HistRange& h, bool abs, uint32_t* c, size_t bins) {
  (abs ? k.abs_histogram_f32 : k.histogram_f32)(x, n, h.min, h.max, c, bins);
}
void run_histogram(const KernelTable& k, const double* x, size_t n, const HistRange& h, bool abs, uint32_t* c, size_t bins) {
  (abs ? k.abs_histogram_f64 : k.histogram_f64)(x, n, h.min, h.max, c, bins);
}

// Counts start from random values (some about to wrap past 2^32 - 1): the kernels add to them.
template <typename F>
void check_histogram(const std::vector<F>& values, const HistRange& h, bool abs, size_t bins, uint64_t seed) {
  Rng r(mix_seed(seed, 0x415));
  const size_t n = values.size();
  Guarded<F> x(n, r.next() % 8);
  for (size_t i = 0; i < n; i++) x[i] = values[i];
  std::vector<uint32_t> init(bins);
  for (size_t b = 0; b < bins; b++) init[b] = r.chance(5) ? 0xffffffffu - static_cast<uint32_t>(r.range(0, 3)) : static_cast<uint32_t>(r.range(0, 1000));
  std::vector<uint32_t> expected = init;
  ref_histogram(x.data(), n, h.min, h.max, abs, expected.data(), bins);
  for (const KernelTable* k : g_tables) {
    Guarded<uint32_t> counts(bins, r.next() % 8);
    std::memcpy(counts.data(), init.data(), bins * sizeof(uint32_t));
    // Two calls over consecutive parts must equal one over the whole (the kernel adds).
    const size_t split = n == 0 ? 0 : static_cast<size_t>(r.range(0, static_cast<int64_t>(n)));
    run_histogram(*k, x.data(), split, h, abs, counts.data(), bins);
    run_histogram(*k, x.data() + split, n - split, h, abs, counts.data(), bins);
    QK_CHECK(counts.canaries_intact() && x.canaries_intact(), "%s %shistogram_%s wrote outside its counts (seed %" PRIu64 ")",
             k->isa, abs ? "abs_" : "", precision_name<F>(), seed);
    // One call over the whole, from the same start.
    Guarded<uint32_t> whole(bins, r.next() % 8);
    std::memcpy(whole.data(), init.data(), bins * sizeof(uint32_t));
    run_histogram(*k, x.data(), n, h, abs, whole.data(), bins);
    for (size_t b = 0; b < bins; b++) {
      if (counts[b] != expected[b] || whole[b] != expected[b]) {
        QK_FAIL("%s %shistogram_%s [%a, %a] bins %zu n %zu: bin %zu = %u (split at %zu) / %u, expected %u (seed %" PRIu64 ")",
                k->isa, abs ? "abs_" : "", precision_name<F>(), h.min, h.max, bins, n, b, counts[b], split, whole[b], expected[b], seed);
        break;
      }
      stats().checks++;
    }
  }
}

template <typename F> void test_histogram_random() {
  const size_t bin_counts[] = {1, 2, 3, 5, 16, 100, 2048, 4096, 4097, 20000};
  std::vector<size_t> lengths = test_lengths();
  for (size_t n : {4103, 8200, 20011}) lengths.push_back(n);  // the stack-array path needs n >= 2 * bins
  for (bool abs : {false, true}) {
    for (size_t bins : bin_counts) {
      for (size_t n : lengths) {
        if (n > 2000 && n % 2 == 0 && bins < 100) continue;  // keep the long runs for the large bin counts
        const uint64_t seed = mix_seed(g_seed, 0x4157000000ULL + (n << 20) + (bins << 1) + (abs ? 1 : 0) + (sizeof(F) << 50));
        Rng r(seed);
        const HistRange h = random_hist_range<F>(r, abs);
        std::vector<F> values(n);
        for (size_t i = 0; i < n; i++) values[i] = hist_value<F>(r, h, bins, abs);
        check_histogram(values, h, abs, bins, seed);
      }
    }
  }
}

// Every bin edge of many ranges, as the formula computes it, and 3 ulps either side: the values whose bin depends on
// the exact double arithmetic (no contraction, no float rounding of the product).
template <typename F> void test_histogram_edges() {
  for (int trial = 0; trial < 200; trial++) {
    const uint64_t seed = mix_seed(g_seed, 0xed9e0000 + trial + (sizeof(F) << 40));
    Rng r(seed);
    const bool abs = trial % 2 == 1;
    const size_t bins = static_cast<size_t>(r.range(1, 300));
    HistRange h = random_hist_range<F>(r, abs);
    if (r.chance(50)) h = HistRange{abs ? 0.0 : -static_cast<double>(r.range(1, 9)) / 8, static_cast<double>(r.range(1, 9)) / 3};
    std::vector<F> values;
    for (size_t b = 0; b <= bins; b++) {
      const F edge = static_cast<F>(h.min + static_cast<double>(b) * ((h.max - h.min) / static_cast<double>(bins)));
      for (int j = -3; j <= 3; j++) values.push_back(step_ulps(edge, j));
    }
    for (size_t i = 0, m = values.size(); i < m; i++) values.push_back(-values[i]);
    check_histogram(values, h, abs, bins, seed);
  }
}

// add_ones (histogram_counts.h) against `count += 1` done m times.
void test_histogram_counts() {
  Rng r(mix_seed(g_seed, 0xc0));
  const double specials[] = {0.0, -0.0, 3.0, 0.1, 0.5, -7.25, 0x1p53 - 1, 0x1p53, 0x1p53 + 2, 0x1p60, -0x1p53, -0x1p53 - 2,
                             1e300, __builtin_inf(), -__builtin_inf(), __builtin_nan(""), 0x1p52 + 0.5, 4.9e-324};
  for (int trial = 0; trial < 4000; trial++) {
    double c = trial < 18 * 8 ? specials[trial % 18] : (r.chance(50) ? static_cast<double>(r.range(0, 1 << 20)) : r.uniform() * 1e6);
    if (trial >= 18 * 8 && r.chance(10)) c = 0x1p53 - static_cast<double>(r.range(0, 64));
    const uint64_t m = trial < 18 * 8 ? static_cast<uint64_t>(trial / 18) * 3 : static_cast<uint64_t>(r.range(0, 300));
    double want = c;
    for (uint64_t i = 0; i < m; i++) want += 1;
    const double got = add_ones(c, m);
    QK_CHECK(same(got, want) && (got != 0 || std::signbit(got) == std::signbit(want)), "add_ones(%a, %" PRIu64 ") = %a, expected %a", c, m, got, want);
  }
  QK_CHECK(add_ones(0xffffffffu, 2) == 1u && add_ones(5u, (uint64_t{1} << 32) + 3) == 8u, "add_ones wraps Uint32Array counts");
}

// ---- known answers (worked out by hand; a kernel wrong the same way in every ISA still fails) -----------------------

// Repeats a pattern to `n` elements so the vector bodies and the tails both see it.
template <typename T> std::vector<T> tile(const std::vector<T>& pattern, size_t n) {
  std::vector<T> v(n);
  for (size_t i = 0; i < n; i++) v[i] = pattern[i % pattern.size()];
  return v;
}

// Quantizes x (tiled to several lengths) with every table and compares the codes with want.
template <typename F>
void expect_codes(const std::vector<F>& x, std::type_identity_t<F> scale, int32_t zp, QuantSpec spec, IntType t,
                  const std::vector<int32_t>& want, const char* what) {
  for (size_t n : {x.size(), size_t{37}, size_t{100}}) {
    const std::vector<F> xs = tile(x, n);
    const std::vector<int32_t> ws = tile(want, n);
    for (const KernelTable* k : g_tables) {
      CodeBuffer out(n, t, 1);
      if constexpr (sizeof(F) == 4) k->quantize_f32(xs.data(), n, scale, zp, spec, t, out.data());
      else k->quantize_f64(xs.data(), n, scale, zp, spec, t, out.data());
      for (size_t i = 0; i < n; i++) {
        QK_CHECK(out.at(i) == ws[i], "known answer %s (%s %s, n %zu): x[%zu] = %a -> %d, expected %d", what, k->isa,
                 precision_name<F>(), n, i, static_cast<double>(xs[i]), out.at(i), ws[i]);
      }
    }
  }
}

float float_from_bits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

void test_known_answers() {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const QuantSpec u8_onnx{0, 255, Profile::Onnx};
  const QuantSpec u8_torch{0, 255, Profile::PyTorch};

  // scale 0.5, zp 10: t = 2x; ties go to even t BEFORE zp is added; saturation; NaN -> qmin; +-Inf saturate.
  const std::vector<float> x1 = {0.0f, 0.25f, 0.75f, -0.25f, -0.75f, 1.25f, 1.75f, 1000.0f, -1000.0f, nan, inf, -inf, -0.0f, 5e9f};
  const std::vector<int32_t> q1 = {10, 10, 12, 10, 8, 12, 14, 255, 0, 0, 255, 0, 10, 255};
  expect_codes(x1, 0.5f, 10, u8_onnx, IntType::U8, q1, "u8 zp 10");
  expect_codes(x1, 0.5f, 10, u8_torch, IntType::U8, q1, "u8 zp 10 pytorch");
  // Odd zero point: 0.25 -> t = 0.5 -> 0 -> 11 (rounding t + zp = 11.5 would give 12).
  const std::vector<int32_t> q1odd = {11, 11, 13, 11, 9, 13, 15, 255, 0, 0, 255, 0, 11, 255};
  expect_codes(x1, 0.5f, 11, u8_onnx, IntType::U8, q1odd, "u8 zp 11");

  // int8 narrow symmetric, scale 0.25: 31.875 -> t = 127.5 -> clamp 127; -40 -> -160 -> -127; 0.125 -> 0.5 -> 0;
  // 0.375 -> 1.5 -> 2; -0.625 -> -2.5 -> -2; 2^31 and beyond saturate.
  const std::vector<float> x2 = {31.875f, -40.0f, 0.125f, 0.375f, -0.625f, 2147483648.0f, -3e9f, nan};
  const std::vector<int32_t> q2 = {127, -127, 0, 2, -2, 127, -127, -127};
  expect_codes(x2, 0.25f, 0, QuantSpec{-127, 127, Profile::Onnx}, IntType::I8, q2, "i8 narrow");

  // 16-bit types: scale 1/8 (exact), zp -3 for int16 and 40000 for uint16.
  const std::vector<float> x3 = {0.0625f, -0.0625f, 0.1875f, 4096.0f, -4096.0f, 1e30f};
  expect_codes(x3, 0.125f, -3, QuantSpec{-32768, 32767, Profile::Onnx}, IntType::I16,
                   {-3, -3, -1, 32765, -32768, 32767}, "i16 zp -3");
  expect_codes(x3, 0.125f, 40000, QuantSpec{0, 65535, Profile::Onnx}, IntType::U16,
                   {40000, 40000, 40002, 65535, 7232, 65535}, "u16 zp 40000");

  // Division versus reciprocal multiply (values checked with exact rational arithmetic):
  //   s = 0.1f (0x3dcccccd), x = 0x3fc66666 (1.5499999523): x / s = 15.4999993 -> fl = 15.499999 -> 15 (ONNX),
  //   x * fl(1/s) rounds to 15.5 exactly -> 16 (PyTorch, ties to even).
  //   x = 0x40500001 (3.2500002): x / s = 32.5000019 -> fl = 32.5 -> 32 (ONNX, even); x * fl(1/s) = 32.500004 -> 33.
  const float s01 = float_from_bits(0x3dcccccd);
  const std::vector<float> x4 = {float_from_bits(0x3fc66666), float_from_bits(0x40500001)};
  expect_codes(x4, s01, 0, u8_onnx, IntType::U8, {15, 32}, "onnx divides");
  expect_codes(x4, s01, 0, u8_torch, IntType::U8, {16, 33}, "pytorch multiplies");
  // float64: s = 0.1, x = 0.15 -> x / s = 1.4999999999999998 -> 1, x * (1/0.1) = 1.5 -> 2;
  // x = 0.35 -> 3 / 4; x = 0x1.ccccccccccccep-2 -> x / s = 4.5 exactly -> 4, x * (1/s) = 4.500000000000001 -> 5.
  const std::vector<double> x5 = {0.15, 0.35, 0x1.ccccccccccccep-2};
  expect_codes(x5, 0.1, 0, u8_onnx, IntType::U8, {1, 3, 4}, "f64 onnx divides");
  expect_codes(x5, 0.1, 0, u8_torch, IntType::U8, {2, 4, 5}, "f64 pytorch multiplies");

  // Dequantize: int8 codes, zp -3, scale 0.5 -> (q + 3) / 2.
  {
    const std::vector<int32_t> codes = {-128, 127, 0, 5, -3};
    const std::vector<float> want = {-62.5f, 65.0f, 1.5f, 4.0f, 0.0f};
    for (size_t n : {codes.size(), size_t{41}}) {
      const std::vector<int32_t> cs = tile(codes, n);
      const std::vector<float> ws = tile(want, n);
      CodeBuffer q(n, IntType::I8, 0);
      for (size_t i = 0; i < n; i++) q.set(i, cs[i]);
      for (const KernelTable* k : g_tables) {
        std::vector<float> out(n);
        std::vector<double> out64(n);
        k->dequantize_f32(q.data(), IntType::I8, n, 0.5, -3, out.data());
        k->dequantize_f64(q.data(), IntType::I8, n, 0.5, -3, out64.data());
        for (size_t i = 0; i < n; i++) {
          QK_CHECK(out[i] == ws[i] && out64[i] == ws[i], "known dequantize (%s): [%zu] = %a / %a, expected %a", k->isa, i,
                   static_cast<double>(out[i]), out64[i], static_cast<double>(ws[i]));
        }
      }
    }
    // A scale that is not a float: 3 * 0.1 = 0.30000000000000004 in double, then 0.3f (0x3e99999a) in float.
    CodeBuffer q(20, IntType::U8, 0);
    for (size_t i = 0; i < 20; i++) q.set(i, 3);
    for (const KernelTable* k : g_tables) {
      std::vector<float> out(20);
      std::vector<double> out64(20);
      k->dequantize_f32(q.data(), IntType::U8, 20, 0.1, 0, out.data());
      k->dequantize_f64(q.data(), IntType::U8, 20, 0.1, 0, out64.data());
      for (size_t i = 0; i < 20; i++) {
        QK_CHECK(bits_of(out[i]) == 0x3e99999au && out64[i] == 0.30000000000000004,
                 "known dequantize with a double scale (%s): %a / %a", k->isa, static_cast<double>(out[i]), out64[i]);
      }
    }
  }

  // Fake-quantize int8 [-128, 127], scale 0.5, zp 0: 0.25 -> 0 (error 0.25), 0.75 -> 1.0 (error -0.25), 3 -> 3.
  // sum_sq 0.125, sum_abs 0.5, max_abs 0.25, sum_ref2 9.625, sum_approx2 10, dot 9.75.
  {
    const QuantSpec spec{-128, 127, Profile::Onnx};
    for (const KernelTable* k : g_tables) {
      const float xf[] = {0.25f, 0.75f, 3.0f};
      float of[3];
      ErrorSums s;
      k->fake_quantize_f32(xf, 3, 0.5f, 0, spec, of, &s);
      QK_CHECK(of[0] == 0.0f && of[1] == 1.0f && of[2] == 3.0f, "known fake_quantize_f32 (%s) outputs", k->isa);
      QK_CHECK(s.sum_sq == 0.125 && s.sum_abs == 0.5 && s.max_abs == 0.25 && s.sum_ref2 == 9.625 &&
                   s.sum_approx2 == 10.0 && s.dot == 9.75,
               "known fake_quantize_f32 (%s) sums: %a %a %a %a %a %a", k->isa, s.sum_sq, s.sum_abs, s.max_abs, s.sum_ref2,
               s.sum_approx2, s.dot);
      // 16 elements: the same values repeated take the vector bodies; a NaN makes max_abs NaN for good.
      std::vector<double> xd = tile(std::vector<double>{0.25, 0.75, 3.0}, 15);
      xd.push_back(std::nan(""));
      xd.push_back(0.25);
      std::vector<double> od(xd.size());
      ErrorSums sd;
      k->fake_quantize_f64(xd.data(), xd.size(), 0.5, 0, spec, od.data(), &sd);
      QK_CHECK(od[15] == -64.0 && std::isnan(sd.max_abs) && std::isnan(sd.sum_sq) && sd.sum_approx2 == 50.0 + 4096.0,
               "known fake_quantize_f64 (%s): NaN -> qmin = -128 -> -64, max_abs NaN; got %a, max_abs %a, approx2 %a",
               k->isa, od[15], sd.max_abs, sd.sum_approx2);
    }
  }

  // The lane order of the sums (SPEC §6), on a case where it shows: x = {2^27, 1 x 8}, int16, scale 2^20, zp 0, so
  // out = {2^27, 0 x 8} and ref^2 = {2^54, 1 x 8} (ulp(2^54) = 4). In element order 2^54 + 1 rounds back to 2^54 eight
  // times: 2^54. In lanes, L0 = 2^54 + 1 -> 2^54 (elements 0 and 8) and L1..L7 = 1, so
  // ((L0 + L4) + (L1 + L5)) + ((L2 + L6) + (L3 + L7)) = ((2^54 + 1 -> 2^54) + 2 -> 2^54, a tie to even) + 4 = 2^54 + 4.
  // As two calls split after x[0]: (+0 + 2^54) + 8 = 2^54 + 8. dot and approx2 are 2^54 either way, sum_sq and sum_abs
  // 8, max_abs 1.
  {
    const QuantSpec spec{-32768, 32767, Profile::Onnx};
    const double big = 0x1p27, big2 = 0x1p54;
    const std::vector<double> xd{big, 1, 1, 1, 1, 1, 1, 1, 1};
    const std::vector<float> xf(xd.begin(), xd.end());
    for (const KernelTable* k : g_tables) {
      for (int calls = 1; calls <= 2; calls++) {
        const double want_ref2 = calls == 1 ? big2 + 4 : big2 + 8;
        std::vector<double> od(xd.size());
        std::vector<float> of(xf.size());
        ErrorSums sd, sf;
        const size_t first = calls == 1 ? xd.size() : 1;
        k->fake_quantize_f64(xd.data(), first, 0x1p20, 0, spec, od.data(), &sd);
        k->fake_quantize_f32(xf.data(), first, 0x1p20f, 0, spec, of.data(), &sf);
        if (calls == 2) {
          k->fake_quantize_f64(xd.data() + 1, xd.size() - 1, 0x1p20, 0, spec, od.data() + 1, &sd);
          k->fake_quantize_f32(xf.data() + 1, xf.size() - 1, 0x1p20f, 0, spec, of.data() + 1, &sf);
        }
        for (const ErrorSums& e : {sd, sf}) {
          QK_CHECK(e.sum_ref2 == want_ref2 && e.dot == big2 && e.sum_approx2 == big2 && e.sum_sq == 8 && e.sum_abs == 8 &&
                       e.max_abs == 1,
                   "lane order of fake_quantize sums (%s, %d call(s)): ref2 %a (expected %a), dot %a, approx2 %a, sq %a, "
                   "abs %a, max %a",
                   k->isa, calls, e.sum_ref2, want_ref2, e.dot, e.sum_approx2, e.sum_sq, e.sum_abs, e.max_abs);
        }
        QK_CHECK(od[0] == big && of[0] == static_cast<float>(big) && od[8] == 0 && of[8] == 0, "lane order case outputs (%s)", k->isa);
      }
      // The fixed combination: ref^2 lanes {2^54, 0, 1, 1, 0, 0, 1, 0} give ((2^54 + 0) + (0 + 0)) + ((1 + 1) + (1 + 0))
      // = 2^54 + 3 -> 2^54 + 4; a left fold or adjacent pairs ((L0 + L1) + (L2 + L3)) + ... would give 2^54.
      const std::vector<double> cd{big, 0, 1, 1, 0, 0, 1, 0};
      const std::vector<float> cf(cd.begin(), cd.end());
      std::vector<double> ocd(cd.size());
      std::vector<float> ocf(cf.size());
      ErrorSums ed, ef;
      k->fake_quantize_f64(cd.data(), cd.size(), 0x1p20, 0, spec, ocd.data(), &ed);
      k->fake_quantize_f32(cf.data(), cf.size(), 0x1p20f, 0, spec, ocf.data(), &ef);
      QK_CHECK(ed.sum_ref2 == big2 + 4 && ef.sum_ref2 == big2 + 4 && ed.sum_sq == 3 && ef.sum_sq == 3,
               "lane combination of fake_quantize sums (%s): ref2 %a / %a, expected %a", k->isa, ed.sum_ref2, ef.sum_ref2, big2 + 4);
    }
  }

  // Ranges: NaN ignored, infinities count; all-NaN leaves the initial values; abs-max of nothing stays 0.
  for (const KernelTable* k : g_tables) {
    const std::vector<float> v = tile(std::vector<float>{nan, 3.0f, -2.0f, nan, 1.0f}, 45);
    double mn = __builtin_inf(), mx = -__builtin_inf(), am = 0;
    k->min_max_f32(v.data(), v.size(), &mn, &mx);
    k->abs_max_f32(v.data(), v.size(), &am);
    QK_CHECK(mn == -2.0 && mx == 3.0 && am == 3.0, "known min/max (%s): [%g, %g] abs %g", k->isa, mn, mx, am);
    std::vector<double> w(37, std::nan(""));
    mn = __builtin_inf(), mx = -__builtin_inf(), am = 0;
    k->min_max_f64(w.data(), w.size(), &mn, &mx);
    k->abs_max_f64(w.data(), w.size(), &am);
    QK_CHECK(mn == __builtin_inf() && mx == -__builtin_inf() && am == 0, "known all-NaN ranges (%s)", k->isa);
    w[20] = -__builtin_inf();
    k->min_max_f64(w.data(), w.size(), &mn, &mx);
    k->abs_max_f64(w.data(), w.size(), &am);
    QK_CHECK(mn == -__builtin_inf() && mx == -__builtin_inf() && am == __builtin_inf(), "known -inf range (%s)", k->isa);
  }

  // Histograms, each pattern tiled to 99 elements so that the vector bodies see it too:
  //   [0, 1] in 4 bins: 0, 0.2499 -> 0; 0.25 -> 1; 0.5 -> 2; 0.75 and 1 (max: last bin) -> 3; NaN, outside and
  //   infinities skipped. min == max = 2: only 2 counts, in bin 0. A subnormal span [0, 2^-1074] makes f = 8 / span
  //   overflow: `| 0` sends 0 (NaN product) and 2^-1074 (+inf product) to bin 0. fl32(0.1) is just above the edge 0.1.
  //   |x| over [0, 1] in 2 bins: -1 -> 1, -0.5 and 0.5 -> 1, 0.25 -> 0; -3 and NaN skipped.
  for (const KernelTable* k : g_tables) {
    struct Case {
      std::vector<double> x;
      double min, max;
      size_t bins;
      bool abs;
      std::vector<uint32_t> want;  // per pattern
    };
    const double dnan = std::nan("");
    const double dinf = __builtin_inf();
    const Case cases[] = {
        {{0, 0.25, 0.5, 0.75, 1, dnan, -0.1, 1.1, dinf, -dinf, 0.2499}, 0, 1, 4, false, {2, 1, 1, 2}},
        {{2, 2, 3, 1}, 2, 2, 3, false, {2, 0, 0}},
        {{0, 4.9e-324, 1e-300, -0.0}, 0, 4.9e-324, 8, false, {3, 0, 0, 0, 0, 0, 0, 0}},
        {{-1, -0.5, 0.5, 0.25, dnan, -3}, 0, 1, 2, true, {1, 3}},
    };
    for (const Case& c : cases) {
      const size_t reps = 99 / c.x.size();
      const std::vector<double> xd = tile(c.x, reps * c.x.size());
      std::vector<float> xf(xd.size());
      for (size_t i = 0; i < xd.size(); i++) xf[i] = static_cast<float>(xd[i]);
      std::vector<uint32_t> cd(c.bins, 0), cf(c.bins, 0);
      (c.abs ? k->abs_histogram_f64 : k->histogram_f64)(xd.data(), xd.size(), c.min, c.max, cd.data(), c.bins);
      // float32: 4.9e-324 and 1e-300 become 0, so the subnormal case counts them all in bin 0 as well.
      (c.abs ? k->abs_histogram_f32 : k->histogram_f32)(xf.data(), xf.size(), c.min, c.max, cf.data(), c.bins);
      for (size_t b = 0; b < c.bins; b++) {
        const uint32_t want = c.want[b] * static_cast<uint32_t>(reps);
        const uint32_t want_f = c.bins == 8 ? (b == 0 ? static_cast<uint32_t>(xd.size()) : 0) : want;
        QK_CHECK(cd[b] == want && cf[b] == want_f, "known histogram (%s) [%g, %g] bin %zu: f64 %u f32 %u, expected %u / %u", k->isa,
                 c.min, c.max, b, cd[b], cf[b], want, want_f);
      }
    }
    std::vector<float> tenth(40, 0.1f);
    std::vector<uint32_t> deciles(10, 0);
    deciles[1] = 0xfffffffeu;  // and the count wraps past 2^32 - 1
    k->histogram_f32(tenth.data(), tenth.size(), 0, 1, deciles.data(), 10);
    QK_CHECK(deciles[0] == 0 && deciles[1] == 38, "known histogram (%s): fl32(0.1) is in bin 1 of [0, 1] / 10, counts wrap: %u %u",
             k->isa, deciles[0], deciles[1]);
  }

  // Packing: 4 bits [1, 2, 3] -> 0x21 0x03; int8 [-1, -8, 7] -> 0x8f 0x07; 2 bits [1, 2, 3, 0, 1] -> 0x39 0x01.
  for (const KernelTable* k : g_tables) {
    const uint8_t a[] = {1, 2, 3};
    const uint8_t b[] = {0xff, 0xf8, 0x07};
    const uint8_t c[] = {1, 2, 3, 0, 1};
    uint8_t out[2];
    k->pack(a, 3, 4, out);
    QK_CHECK(out[0] == 0x21 && out[1] == 0x03, "known pack 4-bit (%s): %02x %02x", k->isa, out[0], out[1]);
    k->pack(b, 3, 4, out);
    QK_CHECK(out[0] == 0x8f && out[1] == 0x07, "known pack signed 4-bit (%s): %02x %02x", k->isa, out[0], out[1]);
    k->pack(c, 5, 2, out);
    QK_CHECK(out[0] == 0x39 && out[1] == 0x01, "known pack 2-bit (%s): %02x %02x", k->isa, out[0], out[1]);
    uint8_t un[3];
    const uint8_t packed[] = {0x8f, 0x07};
    k->unpack(packed, 3, 4, true, un);
    QK_CHECK(un[0] == 0xff && un[1] == 0xf8 && un[2] == 0x07, "known unpack signed 4-bit (%s)", k->isa);
    // 2-bit signed 0x39 -> fields 1, 2, 3, 0 -> 1, -2, -1, 0.
    uint8_t un2[4];
    const uint8_t packed2[] = {0x39};
    k->unpack(packed2, 4, 2, true, un2);
    QK_CHECK(un2[0] == 1 && un2[1] == 0xfe && un2[2] == 0xff && un2[3] == 0, "known unpack signed 2-bit (%s)", k->isa);
    // 64 codes 0..15 (4-bit) through the vector path: byte j = (2j % 16) | ((2j + 1) % 16) << 4.
    std::vector<uint8_t> codes(64), packed64(32);
    for (size_t i = 0; i < 64; i++) codes[i] = static_cast<uint8_t>(i % 16);
    k->pack(codes.data(), 64, 4, packed64.data());
    for (size_t j = 0; j < 32; j++) {
      QK_CHECK(packed64[j] == static_cast<uint8_t>(((2 * j) % 16) | (((2 * j + 1) % 16) << 4)), "known pack 64 (%s) byte %zu",
               k->isa, j);
    }
  }
}

// ---- dispatch -----------------------------------------------------------------------------------------------------

// The list of kernel sets and select_kernels / available_isas over it, whatever sets this build has.
void test_dispatch() {
  const std::span<const KernelSet> sets = kernel_sets();
  QK_CHECK(!sets.empty() && std::strcmp(sets.back().name, "scalar") == 0 && sets.back().table == &kScalarKernels &&
               usable(sets.back()),
           "the scalar set is the last entry and usable on every CPU");
  std::string usable_names;
  std::string accepted = "'auto'";
  const KernelTable* best = nullptr;
  for (size_t i = 0; i < sets.size(); i++) {
    const KernelSet& s = sets[i];
    QK_CHECK(s.table != nullptr && s.supported != nullptr && s.needs != nullptr && std::strcmp(s.name, s.table->isa) == 0,
             "kernel set %s: a table whose isa is its name, a CPU requirement", s.name);
    QK_CHECK(kernel_table_complete(*s.table), "kernel set %s: every slot of its table is set", s.name);
    for (size_t j = 0; j < i; j++) QK_CHECK(std::strcmp(sets[j].name, s.name) != 0, "kernel set %s listed twice", s.name);
    accepted += i + 1 == sets.size() ? " or '" : ", '";
    accepted += std::string(s.name) + "'";
    std::string error;
    const KernelTable* chosen = select_kernels(s.name, &error);
    if (usable(s)) {
      QK_CHECK(chosen == s.table && error.empty(), "select_kernels(\"%s\") returns its table on this CPU", s.name);
      if (best == nullptr) best = s.table;
      usable_names += (usable_names.empty() ? "" : ",") + std::string(s.name);
    } else {
      QK_CHECK(chosen == nullptr && error.find(s.name) != std::string::npos && error.find(s.needs) != std::string::npos,
               "select_kernels(\"%s\") refused with an error naming the set and what it needs on a CPU without it: %s",
               s.name, error.c_str());
    }
  }
#if defined(__x86_64__) || defined(_M_X64)
  const bool avx2_listed = sets.size() > 1 && std::strcmp(sets.front().name, "avx2") == 0;
  QK_CHECK(avx2_listed && usable(sets.front()) == (cpu_features().avx2 && cpu_features().f16c) &&
               std::strcmp(sets.front().needs, "AVX2 and F16C") == 0,
           "x86-64 builds list avx2 first, usable iff the CPU has AVX2 and F16C (the float16 conversions of the half kernels)");
#endif
  std::string error;
  QK_CHECK(select_kernels("auto", &error) == best, "auto picks the first usable set of the list");
  QK_CHECK(select_kernels(nullptr, &error) == best && select_kernels("", nullptr) == best, "null/empty = auto");
  error.clear();
  QK_CHECK(select_kernels("avx512", &error) == nullptr && error == "unknown ISA 'avx512' (expected " + accepted + ")",
           "unknown ISA refused with an error naming it and every accepted name: %s", error.c_str());
  QK_CHECK(select_kernels("bogus", nullptr) == nullptr, "unknown ISA without an error string");
  QK_CHECK(available_isas() == usable_names, "available_isas: %s, expected %s", available_isas(), usable_names.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress stays visible if a kernel crashes
  g_seed = argc > 1 ? std::strtoull(argv[1], nullptr, 0) : 20240601ULL;
  std::printf("kernels_test: base seed %" PRIu64 " (pass it as the first argument to reproduce)\n", g_seed);
  // Every set of the list this CPU can run, scalar (the last entry) first: a difference from the reference that every
  // set shares then shows on the portable code first.
  std::printf("  kernel sets:");
  const std::span<const KernelSet> sets = kernel_sets();
  for (auto s = sets.rbegin(); s != sets.rend(); ++s) {
    if (usable(*s)) {
      g_tables.push_back(s->table);
      std::printf(" %s", s->name);
    } else {
      std::printf(" %s (NOT tested: this CPU lacks %s)", s->name, s->needs);
    }
  }
  std::printf("\n");

  struct Step {
    const char* name;
    void (*run)();
  };
  const Step steps[] = {
      {"dispatch", test_dispatch},
      {"known answers", test_known_answers},
      {"quantize f32", test_quantize_random<float>},
      {"quantize f64", test_quantize_random<double>},
      {"quantize groups f32", test_quantize_groups_random<float>},
      {"quantize groups f64", test_quantize_groups_random<double>},
      {"quantize near ties f32", [] { test_quantize_near_ties<float>(600); }},
      {"quantize near ties f64", [] { test_quantize_near_ties<double>(300); }},
      {"fake-quantize f32", test_fake_quantize_random<float>},
      {"fake-quantize f64", test_fake_quantize_random<double>},
      {"dequantize f32", test_dequantize_random<float>},
      {"dequantize f64", test_dequantize_random<double>},
      {"min/max/abs-max f32", test_ranges_random<float>},
      {"min/max/abs-max f64", test_ranges_random<double>},
      {"pack/unpack", test_pack_random},
      {"histogram f32", test_histogram_random<float>},
      {"histogram f64", test_histogram_random<double>},
      {"histogram edges f32", test_histogram_edges<float>},
      {"histogram edges f64", test_histogram_edges<double>},
      {"histogram counts", test_histogram_counts},
      {"granularity f32", [] { test_granularity<float>(g_tables, g_seed); }},
      {"granularity f64", [] { test_granularity<double>(g_tables, g_seed); }},
      {"quantize blocks f32", [] { test_quantize_blocks<float>(g_tables, g_seed); }},
      {"quantize blocks f64", [] { test_quantize_blocks<double>(g_tables, g_seed); }},
      {"quantize block runs", [] { test_quantize_block_runs(g_tables, g_seed); }},
      {"half f16", [] { test_half(g_tables, g_seed, HalfType::F16); }},
      {"half bf16", [] { test_half(g_tables, g_seed, HalfType::BF16); }},
  };
  for (const Step& s : steps) {
    const long before = stats().failures;
    s.run();
    std::printf("  %-24s %s\n", s.name, stats().failures == before ? "ok" : "FAILED");
  }
  std::printf("kernels_test: %ld checks, %ld failures\n", stats().checks, stats().failures);
  return stats().failures == 0 ? 0 : 1;
}
