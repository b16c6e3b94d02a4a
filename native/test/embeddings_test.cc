// embeddings_test: the embedding kernels (kernels/{scalar,avx2}/embeddings.h, contract in common/embeddings.h) of every
// set this CPU runs against
//   1. the golden file of the TypeScript reference (packages/quant-core/test/vectors/embeddings/kernels-golden.txt,
//      written by scripts/embeddings-oracle/generate-kernel-golden.mjs): the same bits as src/embeddings;
//   2. a naive C++ transcription of the TypeScript reference (below, independent of kernels/common), on random and
//      adversarial inputs of every length 0..130 and larger ones, and the worst-case integer sums at dim 65536;
//   3. top-k against a full sort.
// `embeddings_test --bench` measures single-thread throughput instead. `embeddings_test SEED` replays a seed;
// `--golden PATH` reads another golden file.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

#include "../src/dispatch/cpu_features.h"
#include "../src/kernels/scalar/embeddings.h"
#include "embeddings_kernels.h"
#include "test_support.h"

using namespace quantkit_test;

namespace {

const EmbeddingKernels kScalar = QK_EMBEDDING_KERNELS(quantkit::scalar, "scalar");
std::vector<const EmbeddingKernels*> g_sets;
uint64_t g_seed = 20260817ULL;

constexpr EmbeddingCodes kCodeKinds[] = {EmbeddingCodes::U8, EmbeddingCodes::I8Floor, EmbeddingCodes::I8TowardZero};
const char* kind_name(EmbeddingCodes c) {
  return c == EmbeddingCodes::U8 ? "uint8" : c == EmbeddingCodes::I8Floor ? "int8" : "int8-toward-zero";
}

// ---- naive reference: the TypeScript of src/embeddings transcribed (double arithmetic, fround where TS has it) ------

double round_to(double v, bool single) { return single ? fround(v) : v; }

uint8_t ref_code(double x, double start, double step, EmbeddingCodes kind, bool single) {
  const double t = round_to(round_to(x - start, single) / (step == 0 ? 1 : step), single);  // quantize-rows.ts
  if (kind == EmbeddingCodes::I8TowardZero) {
    const double v = round_to(t - 128, single);
    const double code = !(v > -128) ? -128 : v >= 127 ? 127 : std::trunc(v);
    return static_cast<uint8_t>(static_cast<int32_t>(code));
  }
  const double bucket = !(t > 0) ? 0 : t >= 255 ? 255 : std::floor(t);
  return static_cast<uint8_t>(static_cast<int32_t>(bucket) - (kind == EmbeddingCodes::I8Floor ? 128 : 0));
}

template <typename F>
void ref_pack(const F* x, size_t rows, size_t dim, BitOrder order, BitThreshold threshold, bool signed_codes, uint8_t* out) {
  const size_t bytes = (dim + 7) / 8;
  for (size_t i = 0; i < rows * bytes; i++) out[i] = signed_codes ? 0x80 : 0;
  for (size_t r = 0; r < rows; r++) {
    for (size_t i = 0; i < dim; i++) {
      const double v = static_cast<double>(x[r * dim + i]);
      if (threshold == BitThreshold::NonNegative ? v >= 0 : v > 0) {
        out[r * bytes + i / 8] ^= static_cast<uint8_t>(1u << (order == BitOrder::Msb ? 7 - i % 8 : i % 8));
      }
    }
  }
}

uint32_t ref_hamming(const uint8_t* a, const uint8_t* b, size_t n) {
  uint32_t d = 0;
  for (size_t j = 0; j < n; j++) {
    for (int bit = 0; bit < 8; bit++) d += ((a[j] ^ b[j]) >> bit) & 1;
  }
  return d;
}

template <typename C> uint32_t ref_integer(const C* q, const C* r, size_t n, bool l2) {
  int64_t sum = 0;
  for (size_t i = 0; i < n; i++) {
    const int64_t d = static_cast<int64_t>(q[i]) - static_cast<int64_t>(r[i]);
    sum += l2 ? d * d : static_cast<int64_t>(q[i]) * static_cast<int64_t>(r[i]);
  }
  return static_cast<uint32_t>(static_cast<uint64_t>(sum));  // modulo 2^32, as the kernels store it
}

double ref_position(uint8_t byte, EmbeddingCodes kind) {  // dequantize-value.ts codePosition
  if (kind == EmbeddingCodes::U8) return byte + 0.5;
  const int c = static_cast<int8_t>(byte);
  if (kind == EmbeddingCodes::I8Floor) return c + 128.5;
  return c + 128 + (c > 0 ? 0.5 : c < 0 ? -0.5 : 0);
}

// asymmetric-scan.ts / float-scan.ts: v (float32), terms in double, lanes[i % 8], score-lanes.ts combination.
double ref_score(const float* q, size_t dim, bool l2, const uint8_t* codes, const float* starts, const float* steps, EmbeddingCodes kind, const float* row) {
  double lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < dim; i++) {
    const double v = row != nullptr ? row[i] : fround(starts[i] + fround(ref_position(codes[i], kind) * steps[i]));
    const double d = static_cast<double>(q[i]) - v;
    lanes[i & 7] += l2 ? d * d : q[i] * v;
  }
  return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
}

// ---- inputs ---------------------------------------------------------------------------------------------------------

template <typename F> F next_toward(F v, bool up) {
  return std::nextafter(v, up ? std::numeric_limits<F>::infinity() : -std::numeric_limits<F>::infinity());
}

template <typename F> struct Ranges {
  std::vector<F> starts, steps;
};

// Per-dimension starts and steps: ordinary, empty (0), subnormal and huge steps.
template <typename F> Ranges<F> random_ranges(Rng& r, size_t dim) {
  Ranges<F> g{std::vector<F>(dim), std::vector<F>(dim)};
  for (size_t d = 0; d < dim; d++) {
    g.starts[d] = static_cast<F>((r.uniform() - 0.6) * 0.4);
    const F width = static_cast<F>(0.05 + r.uniform() * 0.3);
    switch (r.next() % 12) {
      case 0: g.steps[d] = 0; break;
      case 1: g.steps[d] = std::numeric_limits<F>::denorm_min() * 7; break;
      case 2: g.starts[d] = static_cast<F>(-1e30), g.steps[d] = static_cast<F>(2e30 / 255); break;
      default: g.steps[d] = width / F(255); break;
    }
  }
  return g;
}

template <typename F> F random_value(Rng& r, F start, F step) {
  const F divisor = step == 0 ? F(1) : step;
  const F edge = start + static_cast<F>(r.range(-3, 258)) * divisor;
  switch (r.next() % 14) {
    case 0: return std::numeric_limits<F>::quiet_NaN();
    case 1: return r.chance(50) ? std::numeric_limits<F>::infinity() : -std::numeric_limits<F>::infinity();
    case 2: return r.chance(50) ? F(0) : -F(0);
    case 3: return static_cast<F>((r.uniform() - 0.5) * 1e7);
    case 4: case 5: return edge;
    case 6: return next_toward(edge, true);
    case 7: return next_toward(edge, false);
    case 8: return start + (static_cast<F>(r.range(-3, 258)) + F(0.5)) * divisor;
    default: return start + static_cast<F>(r.uniform() * 255) * divisor;
  }
}

std::vector<size_t> test_lengths() {
  std::vector<size_t> n;
  for (size_t i = 0; i <= 130; i++) n.push_back(i);
  for (size_t i : {255, 256, 257, 1000, 1031, 4096, 65536}) n.push_back(i);
  return n;
}

// ---- differential tests -------------------------------------------------------------------------------------------

template <typename F> void run_quantize(const EmbeddingKernels& k, const F* x, size_t rows, size_t dim, const Ranges<F>& g, EmbeddingCodes kind, uint8_t* out) {
  if constexpr (sizeof(F) == 4) k.quantize_f32(x, rows, dim, g.starts.data(), g.steps.data(), kind, out);
  else k.quantize_f64(x, rows, dim, g.starts.data(), g.steps.data(), kind, out);
}

template <typename F> void test_quantize() {
  const bool single = sizeof(F) == 4;
  for (size_t dim : test_lengths()) {
    Rng r(mix_seed(g_seed, dim * 3 + single));
    const size_t rows = dim <= 130 ? 3 : 1;
    const Ranges<F> g = random_ranges<F>(r, dim);
    Guarded<F> x(rows * dim, r.next() % 5);
    for (size_t i = 0; i < rows * dim; i++) x[i] = random_value(r, g.starts[i % dim], g.steps[i % dim]);
    for (EmbeddingCodes kind : kCodeKinds) {
      std::vector<uint8_t> expected(rows * dim);
      for (size_t i = 0; i < rows * dim; i++) expected[i] = ref_code(x[i], g.starts[i % dim], g.steps[i % dim], kind, single);
      for (const EmbeddingKernels* k : g_sets) {
        Guarded<uint8_t> out(rows * dim, r.next() % 31);
        run_quantize(*k, x.data(), rows, dim, g, kind, out.data());
        QK_CHECK(out.canaries_intact(), "%s quantize wrote outside its output (dim %zu)", k->isa, dim);
        for (size_t i = 0; i < rows * dim; i++) {
          QK_CHECK(out[i] == expected[i], "%s quantize_%s %s dim %zu [%zu]: x %a start %a step %a -> %d, expected %d", k->isa,
                   single ? "f32" : "f64", kind_name(kind), dim, i, static_cast<double>(x[i]), static_cast<double>(g.starts[i % dim]),
                   static_cast<double>(g.steps[i % dim]), out[i], expected[i]);
        }
      }
    }
  }
}

template <typename F> void test_pack() {
  for (size_t dim : test_lengths()) {
    Rng r(mix_seed(g_seed ^ 0x9ac4, dim * 2 + (sizeof(F) == 4)));
    const size_t rows = dim <= 130 ? 3 : 1;
    const size_t bytes = rows * ((dim + 7) / 8);
    Guarded<F> x(rows * dim, r.next() % 5);
    const F specials[] = {F(0), -F(0), std::numeric_limits<F>::quiet_NaN(), std::numeric_limits<F>::denorm_min(), -std::numeric_limits<F>::denorm_min(),
                          std::numeric_limits<F>::infinity(), -std::numeric_limits<F>::infinity()};
    for (size_t i = 0; i < rows * dim; i++) x[i] = r.chance(30) ? specials[r.next() % 7] : static_cast<F>(r.uniform() - 0.5);
    for (BitOrder order : {BitOrder::Msb, BitOrder::Lsb}) {
      for (BitThreshold threshold : {BitThreshold::Positive, BitThreshold::NonNegative}) {
        for (bool signed_codes : {false, true}) {
          std::vector<uint8_t> expected(bytes);
          ref_pack(x.data(), rows, dim, order, threshold, signed_codes, expected.data());
          for (const EmbeddingKernels* k : g_sets) {
            Guarded<uint8_t> out(bytes, r.next() % 31);
            if constexpr (sizeof(F) == 4) k->pack_f32(x.data(), rows, dim, order, threshold, signed_codes, out.data());
            else k->pack_f64(x.data(), rows, dim, order, threshold, signed_codes, out.data());
            QK_CHECK(out.canaries_intact(), "%s pack wrote outside its output (dim %zu)", k->isa, dim);
            QK_CHECK(std::equal(expected.begin(), expected.end(), out.data()), "%s pack_%s dim %zu order %d threshold %d signed %d differs", k->isa,
                     sizeof(F) == 4 ? "f32" : "f64", dim, static_cast<int>(order), static_cast<int>(threshold), signed_codes);
          }
        }
      }
    }
  }
}

template <typename C> C random_code(Rng& r) {
  const int64_t lo = std::numeric_limits<C>::min();
  const int64_t hi = std::numeric_limits<C>::max();
  return static_cast<C>(r.chance(20) ? (r.chance(50) ? lo : hi) : r.range(lo, hi));
}

void test_hamming() {
  for (size_t n : test_lengths()) {
    Rng r(mix_seed(g_seed ^ 0x4a11, n));
    const size_t rows = n <= 130 ? 4 : 2;
    Guarded<uint8_t> query(n, r.next() % 7);
    Guarded<uint8_t> data(rows * n, r.next() % 7);
    for (size_t j = 0; j < n; j++) query[j] = random_code<uint8_t>(r);
    for (size_t j = 0; j < rows * n; j++) data[j] = r.next() % 3 == 0 ? static_cast<uint8_t>(~query[j % n]) : random_code<uint8_t>(r);
    for (const EmbeddingKernels* k : g_sets) {
      Guarded<uint32_t> out(rows, r.next() % 5);
      k->hamming_scan(query.data(), data.data(), rows, n, out.data());
      QK_CHECK(out.canaries_intact(), "%s hamming_scan wrote outside its output (n %zu)", k->isa, n);
      for (size_t row = 0; row < rows; row++) {
        const uint32_t expected = ref_hamming(query.data(), data.data() + row * n, n);
        QK_CHECK(out[row] == expected, "%s hamming_scan n %zu row %zu: %u, expected %u", k->isa, n, row, out[row], expected);
      }
    }
  }
}

template <typename C, typename Out>
void check_integer_scan(const char* what, void (*const EmbeddingKernels::*scan)(const C*, const C*, size_t, size_t, Out*), bool l2, const std::vector<C>& query,
                        const std::vector<C>& data, size_t rows, size_t dim, Rng& r) {
  for (const EmbeddingKernels* k : g_sets) {
    Guarded<Out> out(rows, r.next() % 5);
    (k->*scan)(query.data(), data.data(), rows, dim, out.data());
    QK_CHECK(out.canaries_intact(), "%s %s wrote outside its output (dim %zu)", k->isa, what, dim);
    for (size_t row = 0; row < rows; row++) {
      const uint32_t expected = ref_integer(query.data(), data.data() + row * dim, dim, l2);
      QK_CHECK(static_cast<uint32_t>(out[row]) == expected, "%s %s dim %zu row %zu: %u, expected %u", k->isa, what, dim, row,
               static_cast<uint32_t>(out[row]), expected);
    }
  }
}

template <typename C, typename Out>
void test_integer_scans(const char* dot_name, void (*const EmbeddingKernels::*dot)(const C*, const C*, size_t, size_t, Out*), const char* l2_name,
                        void (*const EmbeddingKernels::*l2)(const C*, const C*, size_t, size_t, uint32_t*)) {
  for (size_t dim : test_lengths()) {
    Rng r(mix_seed(g_seed ^ 0x1d07 ^ sizeof(Out), dim));
    const size_t rows = dim <= 130 ? 4 : 2;
    std::vector<C> query(dim), data(rows * dim);
    for (C& v : query) v = random_code<C>(r);
    for (C& v : data) v = random_code<C>(r);
    check_integer_scan(dot_name, dot, false, query, data, rows, dim, r);
    check_integer_scan(l2_name, l2, true, query, data, rows, dim, r);
  }
}

// The largest sums at dim 65536, where an int16 intermediate would saturate and an int32 one must not wrap.
void test_integer_extremes() {
  const size_t dim = 65536;
  Rng r(g_seed);
  auto fill = [](auto& v, auto value) { std::fill(v.begin(), v.end(), value); };
  std::vector<int8_t> qi(dim), ri(dim);
  std::vector<uint8_t> qu(dim), ru(dim);
  fill(qi, int8_t{-128}), fill(ri, int8_t{-128});
  check_integer_scan("dot_scan_i8 (-128 * -128)", &EmbeddingKernels::dot_scan_i8, false, qi, ri, 1, dim, r);
  fill(ri, int8_t{127});
  check_integer_scan("dot_scan_i8 (-128 * 127)", &EmbeddingKernels::dot_scan_i8, false, qi, ri, 1, dim, r);
  check_integer_scan("l2_scan_i8 (-128 - 127)", &EmbeddingKernels::l2_scan_i8, true, qi, ri, 1, dim, r);
  fill(qu, uint8_t{255}), fill(ru, uint8_t{255});
  check_integer_scan("dot_scan_u8 (255 * 255)", &EmbeddingKernels::dot_scan_u8, false, qu, ru, 1, dim, r);
  fill(ru, uint8_t{0});
  check_integer_scan("l2_scan_u8 (255 - 0)", &EmbeddingKernels::l2_scan_u8, true, qu, ru, 1, dim, r);
  for (const EmbeddingKernels* k : g_sets) {  // the exact values, not just agreement with the reference
    int32_t dot = 0;
    uint32_t u = 0;
    fill(ri, int8_t{-128});
    k->dot_scan_i8(qi.data(), ri.data(), 1, dim, &dot);
    QK_CHECK(dot == 1 << 30, "%s dot_scan_i8 worst case: %d", k->isa, dot);
    fill(ri, int8_t{127});
    k->dot_scan_i8(qi.data(), ri.data(), 1, dim, &dot);
    QK_CHECK(dot == -128 * 127 * 65536, "%s dot_scan_i8 most negative: %d", k->isa, dot);
    k->l2_scan_i8(qi.data(), ri.data(), 1, dim, &u);
    QK_CHECK(u == 255u * 255u * 65536u, "%s l2_scan_i8 worst case: %u", k->isa, u);
    fill(ru, uint8_t{255});
    k->dot_scan_u8(qu.data(), ru.data(), 1, dim, &u);
    QK_CHECK(u == 255u * 255u * 65536u, "%s dot_scan_u8 worst case: %u", k->isa, u);
  }
}

void test_scores() {
  for (size_t dim : test_lengths()) {
    Rng r(mix_seed(g_seed ^ 0x5c03, dim));
    const size_t rows = dim <= 130 ? 3 : 1;
    const Ranges<float> g = random_ranges<float>(r, dim);
    std::vector<float> query(dim), floats(rows * dim);
    std::vector<uint8_t> codes(rows * dim);
    for (float& v : query) v = r.chance(5) ? (r.chance(50) ? 0.0f : -0.0f) : static_cast<float>((r.uniform() - 0.5) * 0.4);
    for (float& v : floats) v = r.chance(3) ? std::ldexp(1.0f, static_cast<int>(r.range(-140, 60))) : static_cast<float>(r.uniform() - 0.5);
    for (uint8_t& c : codes) c = random_code<uint8_t>(r);
    for (bool l2 : {false, true}) {
      for (EmbeddingCodes kind : kCodeKinds) {
        for (const EmbeddingKernels* k : g_sets) {
          Guarded<double> out(rows, r.next() % 5);
          (l2 ? k->l2_scan_asymmetric : k->dot_scan_asymmetric)(query.data(), codes.data(), rows, dim, g.starts.data(), g.steps.data(), kind, out.data());
          QK_CHECK(out.canaries_intact(), "%s asymmetric scan wrote outside its output (dim %zu)", k->isa, dim);
          for (size_t row = 0; row < rows; row++) {
            const double expected = ref_score(query.data(), dim, l2, codes.data() + row * dim, g.starts.data(), g.steps.data(), kind, nullptr);
            QK_CHECK(same(out[row], expected), "%s %s_scan_asymmetric %s dim %zu row %zu: %a, expected %a", k->isa, l2 ? "l2" : "dot", kind_name(kind), dim,
                     row, out[row], expected);
          }
        }
      }
      for (const EmbeddingKernels* k : g_sets) {
        Guarded<double> out(rows, r.next() % 5);
        (l2 ? k->l2_scan_f32 : k->dot_scan_f32)(query.data(), floats.data(), rows, dim, out.data());
        for (size_t row = 0; row < rows; row++) {
          const double expected = ref_score(query.data(), dim, l2, nullptr, nullptr, nullptr, EmbeddingCodes::U8, floats.data() + row * dim);
          QK_CHECK(same(out[row], expected), "%s %s_scan_f32 dim %zu row %zu: %a, expected %a", k->isa, l2 ? "l2" : "dot", dim, row, out[row], expected);
        }
      }
    }
  }
}

template <typename T> auto top_k_of(const EmbeddingKernels* s) {
  if constexpr (std::is_same_v<T, double>) return s->top_k_f64;
  else if constexpr (std::is_same_v<T, int32_t>) return s->top_k_i32;
  else return s->top_k_u32;
}

template <typename T> void check_top_k(const std::vector<T>& scores, size_t k, bool descending) {
  std::vector<uint32_t> expected(scores.size());
  for (size_t i = 0; i < scores.size(); i++) expected[i] = static_cast<uint32_t>(i);
  std::stable_sort(expected.begin(), expected.end(), [&](uint32_t a, uint32_t b) {
    const bool a_nan = scores[a] != scores[a];
    const bool b_nan = scores[b] != scores[b];
    if (a_nan || b_nan) return !a_nan && b_nan;
    return descending ? scores[a] > scores[b] : scores[a] < scores[b];
  });
  expected.resize(std::min(k, scores.size()));
  std::vector<uint32_t> out(std::max<size_t>(expected.size(), 1));
  const size_t got = quantkit::top_k_scalar(scores.data(), scores.size(), k, descending, out.data());
  out.resize(got);
  QK_CHECK(out == expected, "top_k n %zu k %zu %s differs from a stable sort", scores.size(), k, descending ? "descending" : "ascending");
  // Every set's kernel-table top_k: the same indices, nothing written past min(k, n).
  for (const EmbeddingKernels* s : g_sets) {
    Guarded<uint32_t> heap(expected.size(), static_cast<unsigned>(k % 5));
    const size_t n = top_k_of<T>(s)(scores.data(), scores.size(), k, descending, heap.data());
    QK_CHECK(heap.canaries_intact(), "%s top_k wrote outside its output (n %zu k %zu)", s->isa, scores.size(), k);
    bool same = n == expected.size();
    for (size_t i = 0; same && i < n; i++) same = heap[i] == expected[i];
    QK_CHECK(same, "%s top_k n %zu k %zu %s differs from a stable sort", s->isa, scores.size(), k, descending ? "descending" : "ascending");
  }
}

void test_top_k() {
  Rng r(g_seed ^ 0x70b);
  for (size_t n : {0, 1, 2, 7, 64, 1000}) {
    std::vector<double> d(n);
    std::vector<uint32_t> u(n);
    std::vector<int32_t> s(n);
    for (size_t i = 0; i < n; i++) {
      d[i] = r.chance(10) ? std::nan("") : r.chance(10) ? -0.0 : static_cast<double>(r.range(-5, 5)) * 0.25;  // many ties
      u[i] = r.chance(5) ? 0xffffffffu : static_cast<uint32_t>(r.range(0, 9));
      s[i] = r.chance(5) ? (r.chance(50) ? INT32_MIN : INT32_MAX) : static_cast<int32_t>(r.range(-4, 4));
    }
    for (size_t k : {size_t{0}, size_t{1}, size_t{5}, n, n + 3}) {
      for (bool descending : {false, true}) {
        check_top_k(d, k, descending);
        check_top_k(u, k, descending);
        check_top_k(s, k, descending);
      }
    }
  }
}

// Orders that steer a vector set's scan (which skips groups of items that cannot enter the heap): NaN among the first
// k items (a NaN root, which every number displaces), runs of scores tied with the root (which must not enter), sorted
// runs where every item enters or none does, and the integer extremes.
void test_top_k_orders() {
  Rng r(g_seed ^ 0x70c);
  const double nan = std::nan("");
  for (size_t n : {40, 1001}) {
    for (size_t k : {1, 3, 8, 17}) {
      std::vector<double> nan_first(n), ties(n), rising(n), falling(n);
      std::vector<int32_t> s(n);
      std::vector<uint32_t> u(n);
      for (size_t i = 0; i < n; i++) {
        nan_first[i] = i < k || r.chance(5) ? nan : static_cast<double>(r.range(-3, 3));
        ties[i] = i % 97 == 50 ? 2.0 : r.chance(50) ? 0.0 : -0.0;
        rising[i] = static_cast<double>(i);
        falling[i] = -static_cast<double>(i);
        s[i] = i % 31 == 7 ? INT32_MIN + static_cast<int32_t>(i % 3) : r.chance(50) ? INT32_MAX : static_cast<int32_t>(r.range(-2, 2));
        u[i] = i % 29 == 5 ? static_cast<uint32_t>(i % 2) : r.chance(50) ? 0xffffffffu : 0xfffffffeu;
      }
      for (bool descending : {false, true}) {
        for (const auto* d : {&nan_first, &ties, &rising, &falling}) check_top_k(*d, k, descending);
        check_top_k(s, k, descending);
        check_top_k(u, k, descending);
      }
    }
  }
}

// ---- golden file --------------------------------------------------------------------------------------------------

struct Golden {
  std::ifstream in;
  std::string word() {
    std::string w;
    in >> w;
    while (in && !w.empty() && w[0] == '#') {
      std::getline(in, w);
      in >> w;
    }
    return w;
  }
  size_t count() { return std::strtoull(word().c_str(), nullptr, 10); }
  template <typename F> std::vector<F> floats(size_t n) {
    std::vector<F> v(n);
    for (F& f : v) {
      const uint64_t bits = std::strtoull(word().c_str(), nullptr, 16);
      if constexpr (sizeof(F) == 4) {
        const uint32_t b = static_cast<uint32_t>(bits);
        std::memcpy(&f, &b, 4);
      } else {
        std::memcpy(&f, &bits, 8);
      }
    }
    return v;
  }
  std::vector<uint8_t> bytes(size_t n) {  // decimal codes, int8 ones negative
    std::vector<uint8_t> v(n);
    for (uint8_t& b : v) b = static_cast<uint8_t>(std::strtol(word().c_str(), nullptr, 10));
    return v;
  }
};

EmbeddingCodes codes_named(const std::string& s) {
  return s == "uint8" ? EmbeddingCodes::U8 : s == "int8" ? EmbeddingCodes::I8Floor : EmbeddingCodes::I8TowardZero;
}

template <typename F> void golden_quantize(Golden& g, EmbeddingCodes kind, size_t rows, size_t dim, const std::string& what) {
  Ranges<F> ranges{g.floats<F>(dim), g.floats<F>(dim)};
  const std::vector<F> x = g.floats<F>(rows * dim);
  const std::vector<uint8_t> expected = g.bytes(rows * dim);
  for (const EmbeddingKernels* k : g_sets) {
    std::vector<uint8_t> out(rows * dim);
    run_quantize(*k, x.data(), rows, dim, ranges, kind, out.data());
    QK_CHECK(out == expected, "%s golden %s differs", k->isa, what.c_str());
  }
}

template <typename F> void golden_pack(Golden& g, BitOrder order, BitThreshold threshold, bool signed_codes, size_t rows, size_t dim, const std::string& what) {
  const std::vector<F> x = g.floats<F>(rows * dim);
  const std::vector<uint8_t> expected = g.bytes(rows * ((dim + 7) / 8));
  for (const EmbeddingKernels* k : g_sets) {
    std::vector<uint8_t> out(expected.size());
    if constexpr (sizeof(F) == 4) k->pack_f32(x.data(), rows, dim, order, threshold, signed_codes, out.data());
    else k->pack_f64(x.data(), rows, dim, order, threshold, signed_codes, out.data());
    QK_CHECK(out == expected, "%s golden %s differs", k->isa, what.c_str());
  }
}

void golden_scores(Golden& g, bool l2, EmbeddingCodes kind, size_t rows, size_t dim, const std::string& what) {
  const std::vector<float> query = g.floats<float>(dim);
  const std::vector<float> starts = g.floats<float>(dim);
  const std::vector<float> steps = g.floats<float>(dim);
  const std::vector<uint8_t> codes = g.bytes(rows * dim);
  const std::vector<double> expected = g.floats<double>(rows);
  for (const EmbeddingKernels* k : g_sets) {
    std::vector<double> out(rows);
    (l2 ? k->l2_scan_asymmetric : k->dot_scan_asymmetric)(query.data(), codes.data(), rows, dim, starts.data(), steps.data(), kind, out.data());
    for (size_t r = 0; r < rows; r++) QK_CHECK(same(out[r], expected[r]), "%s golden %s row %zu: %a, expected %a", k->isa, what.c_str(), r, out[r], expected[r]);
  }
}

void test_golden(const char* path) {
  Golden g{std::ifstream(path)};
  QK_CHECK(g.in.good(), "cannot read the golden file %s", path);
  size_t cases = 0;
  for (std::string kind = g.word(); g.in && kind != "end"; kind = g.word(), cases++) {
    if (kind == "quantize") {
      const std::string type = g.word(), codes = g.word();
      const size_t rows = g.count(), dim = g.count();
      const std::string what = "quantize " + type + " " + codes + " " + std::to_string(rows) + "x" + std::to_string(dim);
      if (type == "f32") golden_quantize<float>(g, codes_named(codes), rows, dim, what);
      else golden_quantize<double>(g, codes_named(codes), rows, dim, what);
    } else if (kind == "pack") {
      const std::string type = g.word(), order = g.word(), threshold = g.word(), precision = g.word();
      const size_t rows = g.count(), dim = g.count();
      const std::string what = "pack " + type + " " + order + " " + threshold + " " + precision + " " + std::to_string(rows) + "x" + std::to_string(dim);
      const BitOrder o = order == "msb" ? BitOrder::Msb : BitOrder::Lsb;
      const BitThreshold t = threshold == "positive" ? BitThreshold::Positive : BitThreshold::NonNegative;
      if (type == "f32") golden_pack<float>(g, o, t, precision == "binary", rows, dim, what);
      else golden_pack<double>(g, o, t, precision == "binary", rows, dim, what);
    } else if (kind == "asym") {
      const std::string metric = g.word(), codes = g.word();
      const size_t rows = g.count(), dim = g.count();
      golden_scores(g, metric == "l2", codes_named(codes), rows, dim, "asym " + metric + " " + codes + " " + std::to_string(rows) + "x" + std::to_string(dim));
    } else {
      QK_FAIL("golden file: unknown case '%s'", kind.c_str());
      return;
    }
  }
  QK_CHECK(cases > 200, "golden file: only %zu cases read", cases);
  std::printf("  golden: %zu cases\n", cases);
}

// ---- bench ----------------------------------------------------------------------------------------------------------

template <typename Fn> double best_seconds(int rounds, Fn fn) {
  double best = 1e30;
  for (int i = 0; i < rounds; i++) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

void bench() {
  Rng r(1);
  const size_t rows = 1 << 20;
  {
    const size_t bytes = 128;
    std::vector<uint8_t> data(rows * bytes), query(bytes);
    for (auto& b : data) b = static_cast<uint8_t>(r.next());
    for (auto& b : query) b = static_cast<uint8_t>(r.next());
    std::vector<uint32_t> out(rows);
    for (const EmbeddingKernels* k : g_sets) {
      const double s = best_seconds(5, [&] { k->hamming_scan(query.data(), data.data(), rows, bytes, out.data()); });
      std::printf("  %-6s hamming_scan   %zu rows x %zu bytes: %7.1f M rows/s (%.2f GB/s)\n", k->isa, rows, bytes, rows / s / 1e6, rows * bytes / s / 1e9);
    }
  }
  const size_t dim = 1024;
  std::vector<int8_t> data(rows * dim), query(dim);
  for (auto& b : data) b = static_cast<int8_t>(r.next());
  for (auto& b : query) b = static_cast<int8_t>(r.next());
  std::vector<float> fquery(dim), starts(dim), steps(dim);
  for (size_t i = 0; i < dim; i++) fquery[i] = static_cast<float>(r.uniform() - 0.5), starts[i] = -0.2f, steps[i] = 0.4f / 255;
  std::vector<int32_t> dots(rows);
  std::vector<double> scores(rows);
  for (const EmbeddingKernels* k : g_sets) {
    const double s = best_seconds(7, [&] { k->dot_scan_i8(query.data(), data.data(), rows, dim, dots.data()); });
    std::printf("  %-6s dot_scan_i8    %zu rows x %zu: %7.2f G multiply-adds/s (%.1f M rows/s)\n", k->isa, rows, dim, rows * dim / s / 1e9, rows / s / 1e6);
  }
  for (const EmbeddingKernels* k : g_sets) {  // 1 MiB of rows, scanned again and again: in cache
    const size_t cached = 1024, reps = 256;
    const double s = best_seconds(3, [&] {
      for (size_t i = 0; i < reps; i++) k->dot_scan_i8(query.data(), data.data(), cached, dim, dots.data());
    });
    std::printf("  %-6s dot_scan_i8    %zu rows x %zu (in cache): %7.2f G multiply-adds/s\n", k->isa, cached, dim, reps * cached * dim / s / 1e9);
  }
  for (const EmbeddingKernels* k : g_sets) {
    const double s = best_seconds(3, [&] {
      k->dot_scan_asymmetric(fquery.data(), reinterpret_cast<const uint8_t*>(data.data()), rows, dim, starts.data(), steps.data(), EmbeddingCodes::I8Floor, scores.data());
    });
    std::printf("  %-6s dot_scan_asymmetric (float32 query, int8 rows) %zu x %zu: %7.2f G elements/s (%.1f M rows/s)\n", k->isa, rows, dim, rows * dim / s / 1e9,
                rows / s / 1e6);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  bool run_bench = false;
  const char* golden = QK_EMBEDDINGS_GOLDEN;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--bench") == 0) run_bench = true;
    else if (std::strcmp(argv[i], "--golden") == 0 && i + 1 < argc) golden = argv[++i];
    else g_seed = std::strtoull(argv[i], nullptr, 0);
  }
  g_sets.push_back(&kScalar);
  std::printf("embeddings_test: seed %" PRIu64 "; kernel sets: scalar", g_seed);
#if defined(QK_EMBEDDINGS_AVX2)
  if (quantkit::cpu_features().avx2 && quantkit::cpu_features().f16c) {
    g_sets.push_back(&kEmbeddingKernelsAvx2);
    std::printf(" avx2");
  } else {
    std::printf(" (avx2 NOT tested: this CPU lacks AVX2/F16C)");
  }
#endif
#if defined(QK_EMBEDDINGS_NEON)
  g_sets.push_back(&kEmbeddingKernelsNeon);
  std::printf(" neon");
#endif
  std::printf("\n");
  if (run_bench) {
    bench();
    return 0;
  }
  struct Step {
    const char* name;
    void (*run)();
  };
  static const char* golden_path = golden;
  const Step steps[] = {
      {"golden file of the TypeScript reference", [] { test_golden(golden_path); }},
      {"quantize f32", test_quantize<float>},
      {"quantize f64", test_quantize<double>},
      {"pack binary f32", test_pack<float>},
      {"pack binary f64", test_pack<double>},
      {"hamming", test_hamming},
      {"integer scans int8", [] { test_integer_scans<int8_t, int32_t>("dot_scan_i8", &EmbeddingKernels::dot_scan_i8, "l2_scan_i8", &EmbeddingKernels::l2_scan_i8); }},
      {"integer scans uint8", [] { test_integer_scans<uint8_t, uint32_t>("dot_scan_u8", &EmbeddingKernels::dot_scan_u8, "l2_scan_u8", &EmbeddingKernels::l2_scan_u8); }},
      {"integer extremes at dim 65536", test_integer_extremes},
      {"asymmetric and float scores", test_scores},
      {"top-k", test_top_k},
      {"top-k orders (NaN root, ties)", test_top_k_orders},
  };
  for (const Step& step : steps) {
    const long before = stats().failures;
    step.run();
    std::printf("  %-42s %s\n", step.name, stats().failures == before ? "ok" : "FAILED");
  }
  std::printf("embeddings_test: %ld checks, %ld failures\n", stats().checks, stats().failures);
  return stats().failures == 0 ? 0 : 1;
}
