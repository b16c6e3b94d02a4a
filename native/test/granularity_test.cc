// Layout tests of kernels_test: the granularity drivers and the layout jobs, against the reference group formulas of
// packages/quant-core/src/types.ts (written out here independently of layout.h).
#include "granularity_test.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <vector>

#include "../src/binding/jobs.h"
#include "../src/binding/thread_pool.h"
#include "../src/layout/granularity.h"
#include "../src/layout/layout.h"
#include "reference.h"
#include "test_support.h"

using namespace quantkit;

namespace quantkit_test {
namespace {

constexpr IntType kCodeTypes[] = {IntType::I8, IntType::U8, IntType::I16, IntType::U16};
constexpr Profile kAllProfiles[] = {Profile::Onnx, Profile::PyTorch};

template <typename F> const char* precision() { return sizeof(F) == 4 ? "f32" : "f64"; }
const char* kind_name(const Layout& l) { return l.kind == Layout::Kind::Axis ? "axis" : "blocked"; }

struct ScaleStore {
  std::vector<float> f32;
  std::vector<double> f64;
  bool use_f64;
  ScaleArray view() const { return use_f64 ? ScaleArray{f64.data(), true} : ScaleArray{f32.data(), false}; }
  double at(size_t i) const { return use_f64 ? f64[i] : f32[i]; }
};

ScaleStore random_scales(Rng& r, size_t groups) {
  ScaleStore s;
  s.use_f64 = r.chance(50);
  for (size_t g = 0; g < groups; g++) {
    double v = (1.0 + r.uniform()) * std::ldexp(1.0, static_cast<int>(r.range(-12, 2)));
    if (r.chance(10)) v = std::ldexp(1.0, static_cast<int>(r.range(-8, 0)));
    s.f32.push_back(static_cast<float>(v));
    s.f64.push_back(s.use_f64 ? v : static_cast<double>(static_cast<float>(v)));
  }
  return s;
}

// The reference formulas: groups of a layout, and the group of element e.
size_t ref_blocks(const Layout& l) { return (l.dim + l.block_size - 1) / l.block_size; }
size_t ref_groups(const Layout& l) { return l.kind == Layout::Kind::Axis ? l.dim : l.outer * ref_blocks(l) * l.inner; }
size_t ref_group(const Layout& l, size_t e) {
  if (l.kind == Layout::Kind::Axis) return (e / l.inner) % l.dim;
  const size_t i = e % l.inner;
  const size_t d = (e / l.inner) % l.dim;
  const size_t o = e / (l.inner * l.dim);
  return (o * ref_blocks(l) + d / l.block_size) * l.inner + i;
}

// Three consecutive ranges [0, a), [a, b), [b, end) covering [0, total) (end = SIZE_MAX: "to the end").
struct Cuts {
  size_t a, b;
};
Cuts random_cuts(Rng& r, size_t total) {
  const size_t a = total == 0 ? 0 : static_cast<size_t>(r.range(0, static_cast<int64_t>(total)));
  const size_t b = total == 0 ? 0 : static_cast<size_t>(r.range(static_cast<int64_t>(a), static_cast<int64_t>(total)));
  return {a, b};
}

// A random layout problem and its reference answers.
template <typename F> struct Case {
  Layout layout;
  size_t n;
  size_t groups;
  IntType type;
  QuantSpec spec;
  ScaleStore scales;
  std::vector<int32_t> zps;
  std::vector<F> x;
  std::vector<int32_t> want_q;
  std::vector<double> want_min, want_max;

  GroupParams params() const { return GroupParams{scales.view(), zps.data()}; }

  Case(const Layout& l, uint64_t seed) : layout(l), n(l.outer * l.dim * l.inner), groups(ref_groups(l)) {
    const bool single = sizeof(F) == 4;
    Rng r(seed);
    type = kCodeTypes[r.next() % 4];
    const QuantCase base = random_case(r, type, kAllProfiles[r.next() % 2], single);
    spec = base.spec;
    scales = random_scales(r, groups);
    zps.resize(groups);
    for (size_t g = 0; g < groups; g++) zps[g] = static_cast<int32_t>(r.range(spec.qmin, spec.qmax));
    x.resize(n);
    want_q.resize(n);
    want_min.assign(groups, __builtin_inf());
    want_max.assign(groups, -__builtin_inf());
    for (size_t e = 0; e < n; e++) {
      const size_t g = ref_group(l, e);
      QuantCase c = base;
      c.zp = zps[g];
      c.scale = scales.at(g);
      x[e] = input_value<F>(r, InputKind::Mixed, c);
      want_q[e] = ref_quantize(x[e], c.scale, c.zp, spec, single);
      ref_min_max(&x[e], 1, &want_min[g], &want_max[g]);
    }
  }

  F want_dq(size_t e) const {
    const size_t g = ref_group(layout, e);
    return static_cast<F>(ref_dequantize(want_q[e], zps[g], scales.at(g), sizeof(F) == 4));
  }
};

template <typename F> bool check_codes(const Case<F>& c, const CodeBuffer& q, const char* what, const char* isa, uint64_t seed) {
  for (size_t e = 0; e < c.n; e++) {
    if (q.at(e) != c.want_q[e]) {
      QK_FAIL("%s %s quantize_%s %s (%s): element %zu of %zu: %d, expected %d (seed %" PRIu64 ")", isa, kind_name(c.layout),
              precision<F>(), type_name(c.type), what, e, c.n, q.at(e), c.want_q[e], seed);
      return false;
    }
    stats().checks++;
  }
  return true;
}

template <typename F> bool check_values(const Case<F>& c, const std::vector<F>& dq, const char* what, const char* isa, uint64_t seed) {
  for (size_t e = 0; e < c.n; e++) {
    const F want = c.want_dq(e);
    if (!same(dq[e], want)) {
      QK_FAIL("%s %s dequantize_%s (%s): element %zu: %a, expected %a (seed %" PRIu64 ")", isa, kind_name(c.layout), precision<F>(),
              what, e, static_cast<double>(dq[e]), static_cast<double>(want), seed);
      return false;
    }
    stats().checks++;
  }
  return true;
}

template <typename F>
bool check_ranges(const Case<F>& c, const std::vector<double>& mn, const std::vector<double>& mx, const char* what, const char* isa,
                  uint64_t seed) {
  for (size_t g = 0; g < c.groups; g++) {
    if (mn[g] != c.want_min[g] || mx[g] != c.want_max[g]) {
      QK_FAIL("%s %s min_max_%s (%s) group %zu of %zu: [%a, %a], expected [%a, %a] (seed %" PRIu64 ")", isa, kind_name(c.layout),
              precision<F>(), what, g, c.groups, mn[g], mx[g], c.want_min[g], c.want_max[g], seed);
      return false;
    }
    stats().checks++;
  }
  return true;
}

// The drivers, whole and in three random row / unit ranges.
template <typename F> void check_drivers(const std::vector<const KernelTable*>& tables, const Layout& l, uint64_t seed) {
  const Case<F> c(l, seed);
  Rng r(mix_seed(seed, 7));
  QK_CHECK(l.groups() == c.groups, "%s groups(): %zu, expected %zu", kind_name(l), l.groups(), c.groups);
  const size_t units = l.kind == Layout::Kind::Axis ? l.dim : (l.inner == 0 ? 0 : l.outer * ref_blocks(l));
  QK_CHECK(l.min_max_units() == units, "%s min_max_units(): %zu, expected %zu", kind_name(l), l.min_max_units(), units);
  for (const KernelTable* k : tables) {
    const Cuts rows = random_cuts(r, l.rows());
    const Cuts parts = random_cuts(r, units);

    CodeBuffer q(c.n, c.type, 0), q_parts(c.n, c.type, 0);
    quantize_layout(*k, c.x.data(), c.params(), l, c.spec, c.type, q.data());
    for (RowRange range : {RowRange{0, rows.a}, RowRange{rows.a, rows.b}, RowRange{rows.b, SIZE_MAX}}) {
      quantize_layout(*k, c.x.data(), c.params(), l, c.spec, c.type, q_parts.data(), range);
    }
    check_codes(c, q, "whole", k->isa, seed);
    check_codes(c, q_parts, "row ranges", k->isa, seed);

    CodeBuffer codes(c.n, c.type, 0);
    for (size_t e = 0; e < c.n; e++) codes.set(e, c.want_q[e]);
    std::vector<F> dq(c.n), dq_parts(c.n);
    dequantize_layout(*k, codes.data(), c.type, c.params(), l, dq.data());
    for (RowRange range : {RowRange{0, rows.a}, RowRange{rows.a, rows.b}, RowRange{rows.b, SIZE_MAX}}) {
      dequantize_layout(*k, codes.data(), c.type, c.params(), l, dq_parts.data(), range);
    }
    check_values(c, dq, "whole", k->isa, seed);
    check_values(c, dq_parts, "row ranges", k->isa, seed);

    std::vector<double> mn(c.groups, 12345.0), mx(c.groups, -12345.0), mn_parts(c.groups, 12345.0), mx_parts(c.groups, -12345.0);
    min_max_layout(*k, c.x.data(), l, mn.data(), mx.data());
    for (UnitRange range : {UnitRange{0, parts.a}, UnitRange{parts.a, parts.b}, UnitRange{parts.b, SIZE_MAX}}) {
      min_max_layout(*k, c.x.data(), l, mn_parts.data(), mx_parts.data(), range);
    }
    check_ranges(c, mn, mx, "whole", k->isa, seed);
    check_ranges(c, mn_parts, mx_parts, "unit ranges", k->isa, seed);
  }
}

FloatInput float_input(const float* x, size_t n) { return FloatInput{FloatType::F32, x, n}; }
FloatInput float_input(const double* x, size_t n) { return FloatInput{FloatType::F64, x, n}; }
FloatOutput float_output(float* x, size_t n) { return FloatOutput{FloatType::F32, x, n}; }
FloatOutput float_output(double* x, size_t n) { return FloatOutput{FloatType::F64, x, n}; }

// The binding's layout jobs on 1 and 3 threads: layouts big enough for many chunks (jobs.h), so chunks run on the
// pool's threads and meet at chunk boundaries.
template <typename F> void check_jobs(const std::vector<const KernelTable*>& tables, ThreadPool& pool, const Layout& l, uint64_t seed) {
  const Case<F> c(l, seed);
  for (const KernelTable* k : tables) {
    for (unsigned threads : {1u, 3u}) {
      char what[32];
      std::snprintf(what, sizeof what, "job, %u threads", threads);

      CodeBuffer q(c.n, c.type, 0);
      QuantizeJob quantize(k, float_input(c.x.data(), c.n), IntBuffer{c.type, q.data(), c.n}, c.spec, QuantParams::grouped(l, c.params()));
      QK_CHECK(quantize.chunk_count() > 1 || c.n <= kChunkElements, "%s quantize job: %zu chunks", kind_name(l), quantize.chunk_count());
      QK_CHECK(execute(quantize, pool, threads, nullptr), "quantize job completes");
      check_codes(c, q, what, k->isa, seed);

      CodeBuffer codes(c.n, c.type, 0);
      for (size_t e = 0; e < c.n; e++) codes.set(e, c.want_q[e]);
      std::vector<F> dq(c.n);
      DequantizeJob dequantize(k, IntBuffer{c.type, codes.data(), c.n}, float_output(dq.data(), c.n), QuantParams::grouped(l, c.params()));
      QK_CHECK(execute(dequantize, pool, threads, nullptr), "dequantize job completes");
      check_values(c, dq, what, k->isa, seed);

      std::vector<double> mn(c.groups, 12345.0), mx(c.groups, -12345.0);
      GroupMinMaxJob min_max(k, float_input(c.x.data(), c.n), l, mn.data(), mx.data());
      // Along the last axis the min/max job is one streaming chunk by design (jobs.cc); every other layout splits.
      const bool one_chunk = l.kind == Layout::Kind::Axis && l.inner == 1;
      QK_CHECK(min_max.chunk_count() > 1 || one_chunk || l.min_max_units() * l.min_max_unit_elements() <= kChunkElements,
               "%s min/max job: %zu chunks",
               kind_name(l), min_max.chunk_count());
      QK_CHECK(execute(min_max, pool, threads, nullptr), "min/max job completes");
      check_ranges(c, mn, mx, what, k->isa, seed);
    }
  }
}

}  // namespace

template <typename F> void test_granularity(const std::vector<const KernelTable*>& tables, uint64_t base_seed) {
  const size_t inners[] = {1, 2, 3, 7, 16, 17, 40};
  for (int trial = 0; trial < 300; trial++) {
    const uint64_t seed = mix_seed(base_seed, 0x96a0000 + trial + (sizeof(F) << 40));
    Rng r(seed);
    const size_t outer = static_cast<size_t>(r.range(1, 4));
    const size_t inner = inners[r.next() % 7];
    const size_t channels = static_cast<size_t>(r.range(r.chance(10) ? 0 : 1, 9));
    check_drivers<F>(tables, Layout::axis(outer, channels, inner), mix_seed(seed, 1));

    const size_t dim = static_cast<size_t>(r.range(r.chance(10) ? 0 : 1, 70));
    const size_t block_size = static_cast<size_t>(r.range(1, static_cast<int64_t>(dim) + 3));
    check_drivers<F>(tables, Layout::blocked(outer, dim, inner, block_size), mix_seed(seed, 2));
  }
  // Layouts without elements whose other dimensions are huge: nothing is read, every group still gets +inf / -inf.
  check_drivers<F>(tables, Layout::axis(size_t{1} << 52, 3, 0), mix_seed(base_seed, 3));
  check_drivers<F>(tables, Layout::blocked(size_t{1} << 52, 5, 0, 2), mix_seed(base_seed, 4));
  check_drivers<F>(tables, Layout::axis(0, 4, size_t{1} << 52), mix_seed(base_seed, 5));

  ThreadPool pool;
  const Layout big[] = {
      Layout::axis(3, 70001, 1),          // last axis: whole rows of channels per min/max chunk
      Layout::axis(5, 3, 9001),           // few long channels
      Layout::axis(257, 300, 2),          // many short rows
      Layout::blocked(2, 100003, 1, 32),  // runs of one block
      Layout::blocked(3, 1001, 71, 16),   // rows of per-element groups
  };
  for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) check_jobs<F>(tables, pool, big[i], mix_seed(base_seed, 0x10b0 + i));
}

template void test_granularity<float>(const std::vector<const KernelTable*>&, uint64_t);
template void test_granularity<double>(const std::vector<const KernelTable*>&, uint64_t);

}  // namespace quantkit_test
