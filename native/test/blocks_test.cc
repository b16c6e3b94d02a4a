// Tests of the quantize_blocks kernels and the binding's QuantizeBlocksJob (blocks_test.h).
#include "blocks_test.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "../src/binding/jobs.h"
#include "../src/binding/thread_pool.h"
#include "../src/layout/layout.h"
#include "reference.h"
#include "test_support.h"

using namespace quantkit;

namespace quantkit_test {
namespace {

template <typename F> const char* precision() { return sizeof(F) == 4 ? "f32" : "f64"; }

// params.ts qparamsFromRanges for one range, literally: Math.min / Math.max with their zero and NaN rules written out,
// roundHalfEven as std::nearbyint (ties to even in the default rounding mode). Returns false where it throws.
template <typename F> bool ref_params(double lo, double hi, bool symmetric, QuantSpec spec, double* scale_out, int32_t* zp_out) {
  const double inf = std::numeric_limits<double>::infinity();
  const double min_normal = sizeof(F) == 4 ? 0x1p-126 : 0x1p-1022;
  if (lo == inf && hi == -inf) lo = hi = 0;
  if (!(lo <= hi)) return false;
  if (!(lo > -inf && hi < inf)) return false;
  auto js_min = [](double a, double b) { return (a < b || (a == b && std::signbit(a))) ? a : b; };
  auto js_max = [](double a, double b) { return (a > b || (a == b && !std::signbit(a))) ? a : b; };
  const double levels = symmetric ? spec.qmax : spec.qmax - spec.qmin;  // 2^(bits-1) - 1 = qmax for symmetric codes
  const double low = symmetric ? 0 : js_min(lo, 0);
  const double width = symmetric ? js_max(js_max(-lo, hi), 0) : js_max(hi, 0) - low;
  double scale = 1;
  if (width != 0) {
    const double raw = width / levels;
    scale = sizeof(F) == 4 ? fround(raw) : raw;
    if (!(scale < inf)) return false;
    if (scale < min_normal) scale = min_normal;
  }
  int32_t zp = 0;
  if (!symmetric) {
    const double quotient = low / scale;
    const double z = spec.qmin - std::nearbyint(sizeof(F) == 4 ? fround(quotient) : quotient);
    zp = static_cast<int32_t>(std::fmin(std::fmax(z, spec.qmin), spec.qmax));
  }
  *scale_out = scale;
  *zp_out = zp;
  return true;
}

// A spec of the API: affine codes [0, 2^b - 1] (u8 / u16), symmetric [-2^(b-1) (+1 narrow), 2^(b-1) - 1] (i8 / i16).
struct BlocksCase {
  bool symmetric;
  QuantSpec spec;
  IntType type;
};

BlocksCase random_blocks_case(Rng& r) {
  BlocksCase c;
  c.symmetric = r.chance(50);
  const int bits = static_cast<int>(r.chance(60) ? 8 : r.range(2, 16));
  const Profile profile = r.chance(50) ? Profile::Onnx : Profile::PyTorch;
  if (c.symmetric) {
    const int32_t qmax = (1 << (bits - 1)) - 1;
    c.spec = QuantSpec{r.chance(30) ? -qmax : -qmax - 1, qmax, profile};
    c.type = bits <= 8 ? IntType::I8 : IntType::I16;
  } else {
    c.spec = QuantSpec{0, (1 << bits) - 1, profile};
    c.type = bits <= 8 ? IntType::U8 : IntType::U16;
  }
  return c;
}

// Data with blocks of every kind: smooth values of a random magnitude, near-ties, constants, all NaN, NaN sprinkled,
// ±0, subnormals, and (with `infinities`) a rare ±Inf, which has no parameters.
template <typename F> std::vector<F> random_data(Rng& r, size_t n, bool infinities) {
  std::vector<F> x(n);
  const double magnitude = std::ldexp(1.0, static_cast<int>(r.range(-30, 30)));
  const double offset = r.chance(30) ? magnitude * (r.uniform() * 4 - 2) : 0;
  const int style = static_cast<int>(r.next() % 6);
  const F constant = static_cast<F>((r.uniform() - 0.5) * magnitude);
  for (size_t i = 0; i < n; i++) {
    double v = offset + (r.uniform() * 2 - 1) * magnitude;
    switch (style) {
      case 0: if (r.chance(10)) v = std::numeric_limits<double>::quiet_NaN(); break;
      case 1: v = (r.next() % 64) / 8.0 * magnitude / 32; break;  // values on a coarse grid: exact ties
      case 2: v = constant; break;
      case 3: if (r.chance(20)) v = r.chance(50) ? 0.0 : -0.0; break;
      case 4: if (r.chance(5)) v = static_cast<double>(Limits<F>::denorm_min) * static_cast<double>(r.range(-3, 3)); break;
      default: break;
    }
    x[i] = static_cast<F>(v);
    if (infinities && r.chance(1)) x[i] = r.chance(50) ? std::numeric_limits<F>::infinity() : -std::numeric_limits<F>::infinity();
  }
  if (n > 0 && r.chance(10)) {  // a whole stretch of NaN: blocks without numbers
    const size_t a = static_cast<size_t>(r.range(0, static_cast<int64_t>(n) - 1));
    const size_t len = static_cast<size_t>(r.range(1, 70));
    for (size_t i = a; i < n && i < a + len; i++) x[i] = std::numeric_limits<F>::quiet_NaN();
  }
  if (sizeof(F) == 8 && n > 1 && r.chance(5)) {  // a float64 range whose width overflows: no scale
    x[0] = static_cast<F>(-1.5e308);
    x[1] = static_cast<F>(1.5e308);
  }
  return x;
}

// Reference results of a blocked layout: per group min/max over its elements in element order, parameters, codes.
// Returns the first group without parameters (groups after it, and their elements, are left unset), or SIZE_MAX.
template <typename F> size_t ref_blocked(const std::vector<F>& x, const Layout& l, const BlocksCase& c, std::vector<double>& scales,
                                         std::vector<int32_t>& zps, std::vector<int32_t>& codes) {
  const size_t nb = (l.dim + l.block_size - 1) / l.block_size;
  const size_t groups = l.outer * nb * l.inner;
  auto group_of = [&](size_t e) {
    const size_t i = e % l.inner;
    const size_t d = (e / l.inner) % l.dim;
    const size_t o = e / (l.inner * l.dim);
    return (o * nb + d / l.block_size) * l.inner + i;
  };
  std::vector<double> lo(groups, std::numeric_limits<double>::infinity()), hi(groups, -std::numeric_limits<double>::infinity());
  for (size_t e = 0; e < x.size(); e++) {
    const double v = x[e];
    const size_t g = group_of(e);
    if (v < lo[g]) lo[g] = v;
    if (v > hi[g]) hi[g] = v;
  }
  scales.assign(groups, 0);
  zps.assign(groups, 0);
  codes.assign(x.size(), 0);
  size_t bad = SIZE_MAX;
  for (size_t g = 0; g < groups; g++) {
    if (!ref_params<F>(lo[g], hi[g], c.symmetric, c.spec, &scales[g], &zps[g])) {
      bad = g;
      break;
    }
  }
  for (size_t e = 0; e < x.size(); e++) {
    const size_t g = group_of(e);
    if (g < bad) codes[e] = ref_quantize(x[e], scales[g], zps[g], c.spec, sizeof(F) == 4);
  }
  return bad;
}

template <typename F> size_t run_blocks(const KernelTable& t, const F* x, size_t n, size_t block, const BlocksCase& c, F* scales, int32_t* zps, void* out) {
  const ParamScheme scheme = c.symmetric ? ParamScheme::Symmetric : ParamScheme::Affine;
  if constexpr (sizeof(F) == 4) return t.quantize_blocks_f32(x, n, block, scheme, c.spec, c.type, scales, zps, out);
  else return t.quantize_blocks_f64(x, n, block, scheme, c.spec, c.type, scales, zps, out);
}

// The kernels on one run of blocks (a one-row layout), every table, canaries around every output.
template <typename F> void check_kernels_on(const std::vector<const KernelTable*>& tables, const std::vector<F>& data, size_t block, const BlocksCase& c,
                                            uint64_t seed) {
  const size_t n = data.size();
  const Layout l = Layout::blocked(1, n, 1, block);
  std::vector<double> want_scales;
  std::vector<int32_t> want_zps, want_codes;
  const size_t bad = ref_blocked(data, l, c, want_scales, want_zps, want_codes);
  const size_t groups = want_scales.size();
  const size_t want_done = bad == SIZE_MAX ? groups : bad;
  for (const KernelTable* t : tables) {
    Guarded<F> x(n, seed % 5);
    for (size_t i = 0; i < n; i++) x[i] = data[i];
    Guarded<F> scales(groups, seed % 3);
    Guarded<int32_t> zps(groups, seed % 4);
    CodeBuffer out(n, c.type, seed % 7);
    const size_t done = run_blocks<F>(*t, x.data(), n, block, c, scales.data(), zps.data(), out.data());
    QK_CHECK(done == want_done, "%s quantize_blocks_%s n %zu block %zu: %zu blocks done, expected %zu (seed %" PRIu64 ")", t->isa,
             precision<F>(), n, block, done, want_done, seed);
    QK_CHECK(scales.canaries_intact() && zps.canaries_intact() && out.bytes.canaries_intact(),
             "%s quantize_blocks_%s wrote outside its outputs (seed %" PRIu64 ")", t->isa, precision<F>(), seed);
    for (size_t g = 0; g < groups; g++) {
      const bool written = g < want_done;
      // Unwritten outputs keep the 0xA5 fill of Guarded.
      const auto fill = static_cast<decltype(bits_of(scales[g]))>(0xA5A5A5A5A5A5A5A5ULL);
      const bool ok = written ? same(static_cast<F>(scales[g]), static_cast<F>(want_scales[g])) && zps[g] == want_zps[g]
                              : bits_of(scales[g]) == fill && static_cast<uint32_t>(zps[g]) == 0xA5A5A5A5u;
      if (!ok) {
        QK_FAIL("%s quantize_blocks_%s block %zu of %zu (n %zu): scale %a zp %d, expected %a zp %d (seed %" PRIu64 ")", t->isa, precision<F>(), g,
                groups, n, static_cast<double>(scales[g]), zps[g], want_scales[g], want_zps[g], seed);
        break;
      }
      stats().checks++;
    }
    for (size_t e = 0; e < n; e++) {
      const size_t g = e / block;
      if (g >= want_done) {
        QK_CHECK(out.bytes.data()[e * code_bytes(c.type)] == 0xA5, "%s quantize_blocks_%s wrote element %zu of a block after the stop (seed %" PRIu64 ")",
                 t->isa, precision<F>(), e, seed);
        continue;
      }
      if (out.at(e) != want_codes[e]) {
        QK_FAIL("%s quantize_blocks_%s x[%zu] = %a (block %zu, scale %a, zp %d): code %d, expected %d (seed %" PRIu64 ")", t->isa, precision<F>(), e,
                static_cast<double>(data[e]), g, want_scales[g], want_zps[g], out.at(e), want_codes[e], seed);
        break;
      }
      stats().checks++;
    }
  }
}

template <typename F> void check_kernels(const std::vector<const KernelTable*>& tables, size_t n, size_t block, uint64_t seed) {
  Rng r(seed);
  const BlocksCase c = random_blocks_case(r);
  const std::vector<F> data = random_data<F>(r, n, r.chance(30));
  check_kernels_on<F>(tables, data, block, c, seed);
}

// Blocks of every kind at every position of the kernels' batches (64 blocks), each block of one kind: tiny ranges
// whose scale is below 2^-125 (ONNX takes the division body for them), values on a grid of exact ties (the checked
// multiply fails and redoes the block by division), smooth data, constants, all NaN. The kinds follow a pattern
// co-prime with the batch length, so every kind lands on every batch position and next to every other kind.
template <typename F> void check_block_kinds(const std::vector<const KernelTable*>& tables, size_t block, uint64_t seed) {
  Rng r(seed);
  const size_t blocks = 64 * 5 + 3;
  std::vector<F> data(blocks * block + block / 2);  // a partial last block
  for (size_t b = 0; b * block < data.size(); b++) {
    const int kind = static_cast<int>((b * 3 + seed) % 5);
    const double magnitude = std::ldexp(1.0, static_cast<int>(r.range(-20, 20)));
    for (size_t i = b * block; i < data.size() && i < (b + 1) * block; i++) {
      double v = (r.uniform() * 2 - 1) * magnitude;
      if (kind == 0) v = (r.uniform() * 2 - 1) * 1e-37;  // width / levels < 2^-125: the min-normal scale, division
      if (kind == 1) v = static_cast<double>(r.next() % 64) / 8.0 * magnitude / 32;
      if (kind == 3) v = magnitude;
      if (kind == 4) v = std::numeric_limits<double>::quiet_NaN();
      data[i] = static_cast<F>(v);
    }
  }
  const QuantSpec specs[] = {{0, 255, Profile::Onnx}, {0, 255, Profile::PyTorch}, {-128, 127, Profile::Onnx}, {0, 65535, Profile::Onnx},
                             {-32767, 32767, Profile::PyTorch}};
  for (const QuantSpec& spec : specs) {
    const bool symmetric = spec.qmin < 0;
    const IntType type = spec.qmax > 255 ? (symmetric ? IntType::I16 : IntType::U16) : (symmetric ? IntType::I8 : IntType::U8);
    check_kernels_on<F>(tables, data, block, BlocksCase{symmetric, spec, type}, seed);
  }
}

// The job on a random blocked layout (every mode: runs, rows ending in a partial block, units with inner > 1), with 1
// and 3 threads.
template <typename F> void check_job(const std::vector<const KernelTable*>& tables, ThreadPool& pool, uint64_t seed) {
  Rng r(seed);
  Layout l;
  l.kind = Layout::Kind::Block;
  l.outer = static_cast<size_t>(r.range(1, 40));
  l.dim = static_cast<size_t>(r.range(1, 300));
  l.inner = r.chance(50) ? 1 : static_cast<size_t>(r.range(1, 40));
  l.block_size = static_cast<size_t>(r.chance(40) ? 32 : r.range(1, 80));
  if (r.chance(10)) {  // large enough for several chunks
    l.outer = static_cast<size_t>(r.range(200, 800));
    l.dim = 256;
  }
  const size_t n = l.outer * l.dim * l.inner;
  const BlocksCase c = random_blocks_case(r);
  const std::vector<F> data = random_data<F>(r, n, r.chance(20));
  std::vector<double> want_scales;
  std::vector<int32_t> want_zps, want_codes;
  const size_t bad = ref_blocked(data, l, c, want_scales, want_zps, want_codes);
  const size_t groups = want_scales.size();
  for (const KernelTable* t : tables) {
    for (unsigned threads : {1u, 3u}) {
      std::vector<F> scales(groups);
      std::vector<int32_t> zps(groups);
      std::vector<uint8_t> out(n * code_bytes(c.type));
      QuantizeBlocksJob job(t, FloatInput{sizeof(F) == 4 ? FloatType::F32 : FloatType::F64, data.data(), n}, IntBuffer{c.type, out.data(), n},
                            c.spec, c.symmetric ? ParamScheme::Symmetric : ParamScheme::Affine, l, scales.data(), zps.data());
      QK_CHECK(execute(job, pool, threads, nullptr), "quantize-blocks job completes");
      const size_t got_bad = job.bad_group() == QuantizeBlocksJob::kNoBadGroup ? SIZE_MAX : job.bad_group();
      QK_CHECK(got_bad == bad, "%s blocks job %s [%zu, %zu, %zu] block %zu, %u threads: bad group %zu, expected %zu (seed %" PRIu64 ")", t->isa,
               precision<F>(), l.outer, l.dim, l.inner, l.block_size, threads, got_bad, bad, seed);
      if (bad != SIZE_MAX) continue;  // outputs after a refusal are unspecified
      bool ok = true;
      for (size_t g = 0; g < groups && ok; g++) {
        ok = same(scales[g], static_cast<F>(want_scales[g])) && zps[g] == want_zps[g];
        if (!ok) QK_FAIL("%s blocks job %s group %zu: scale %a zp %d, expected %a zp %d (seed %" PRIu64 ")", t->isa, precision<F>(), g,
                         static_cast<double>(scales[g]), zps[g], want_scales[g], want_zps[g], seed);
      }
      for (size_t e = 0; e < n && ok; e++) {
        ok = read_code(out.data(), c.type, e) == want_codes[e];
        if (!ok) QK_FAIL("%s blocks job %s element %zu: code %d, expected %d (seed %" PRIu64 ")", t->isa, precision<F>(), e,
                         read_code(out.data(), c.type, e), want_codes[e], seed);
      }
      stats().checks += static_cast<long>(groups + n);
    }
  }
}

// quantize_block_runs (given parameters per block) on one row x[0, n) of float32 values, or of half bit patterns (`half`
// set: the data rounded to that type), every table, canaries around the output, against ref_quantize per element.
void check_block_runs(const std::vector<const KernelTable*>& tables, size_t n, size_t block, const HalfType* half, uint64_t seed) {
  Rng r(seed);
  BlocksCase c = random_blocks_case(r);
  c.type = c.spec.qmin < 0 ? (c.spec.qmin < -128 ? IntType::I16 : IntType::I8) : (c.spec.qmax > 255 ? IntType::U16 : IntType::U8);
  const std::vector<float> data = random_data<float>(r, n, true);
  std::vector<uint16_t> bits(n);
  std::vector<float> values(data);
  if (half != nullptr) {
    for (size_t i = 0; i < n; i++) {
      bits[i] = static_cast<uint16_t>(r.next() & 0xffff);  // any pattern: NaN, ±Inf and subnormals included
      values[i] = static_cast<float>(ref_half_value(bits[i], *half));
    }
  }
  const size_t groups = (n + block - 1) / block;
  std::vector<float> scales(groups);
  std::vector<int32_t> zps(groups);
  for (size_t g = 0; g < groups; g++) {
    // Scales of every size, those outside the checked range of the ONNX profile's multiply included.
    scales[g] = static_cast<float>(std::ldexp(1.0 + r.uniform(), static_cast<int>(r.chance(5) ? r.range(-140, 130) : r.range(-20, 10))));
    zps[g] = static_cast<int32_t>(r.range(c.spec.qmin, c.spec.qmax));
  }
  for (const KernelTable* t : tables) {
    CodeBuffer out(n, c.type, seed % 7);
    if (half != nullptr) {
      Guarded<uint16_t> x(n, seed % 5);
      for (size_t i = 0; i < n; i++) x[i] = bits[i];
      t->quantize_block_runs_half(x.data(), *half, n, block, scales.data(), zps.data(), c.spec, c.type, out.data());
    } else {
      Guarded<float> x(n, seed % 5);
      for (size_t i = 0; i < n; i++) x[i] = data[i];
      t->quantize_block_runs_f32(x.data(), n, block, scales.data(), zps.data(), c.spec, c.type, out.data());
    }
    QK_CHECK(out.bytes.canaries_intact(), "%s quantize_block_runs wrote outside its output (seed %" PRIu64 ")", t->isa, seed);
    for (size_t e = 0; e < n; e++) {
      const size_t g = e / block;
      const int32_t want = ref_quantize(values[e], scales[g], zps[g], c.spec, true);
      if (out.at(e) != want) {
        QK_FAIL("%s quantize_block_runs%s n %zu block %zu: x[%zu] = %a (scale %a, zp %d): code %d, expected %d (seed %" PRIu64 ")", t->isa,
                half == nullptr ? "_f32" : "_half", n, block, e, static_cast<double>(values[e]), static_cast<double>(scales[g]), zps[g], out.at(e),
                want, seed);
        break;
      }
      stats().checks++;
    }
  }
}

}  // namespace

void test_quantize_block_runs(const std::vector<const KernelTable*>& tables, uint64_t seed) {
  const HalfType f16 = HalfType::F16, bf16 = HalfType::BF16;
  const HalfType* kinds[] = {nullptr, &f16, &bf16};
  const size_t blocks[] = {1, 3, 8, 9, 16, 32, 33, 64, 128};
  for (size_t k = 0; k < 3; k++) {
    for (size_t block : blocks) {
      for (size_t n = 0; n <= 130; n++) check_block_runs(tables, n, block, kinds[k], mix_seed(seed, 0xb1c0000 + k * 10000000 + block * 1000 + n));
      for (size_t n : {1000u, 4099u, 65536u + 7u}) check_block_runs(tables, n, block, kinds[k], mix_seed(seed, 0xb1d0000 + k * 10000000 + block * 100000 + n));
    }
  }
}

template <typename F> void test_quantize_blocks(const std::vector<const KernelTable*>& tables, uint64_t seed) {
  const size_t blocks[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100};
  for (size_t block : blocks) {
    for (size_t n = 0; n <= 130; n++) check_kernels<F>(tables, n, block, mix_seed(seed, 0xb10c0000 + block * 1000 + n + (sizeof(F) << 40)));
    for (size_t n : {1000u, 4099u, 65536u + 7u}) check_kernels<F>(tables, n, block, mix_seed(seed, 0xb10d0000 + block * 100000 + n + (sizeof(F) << 40)));
    for (uint64_t k = 0; k < 5; k++) check_block_kinds<F>(tables, block, mix_seed(seed, 0xb10f0000 + block * 10 + k + (sizeof(F) << 40)) / 5 * 5 + k);
  }
  ThreadPool pool;
  for (int i = 0; i < 150; i++) check_job<F>(tables, pool, mix_seed(seed, 0xb10e0000 + i + (sizeof(F) << 40)));
}

template void test_quantize_blocks<float>(const std::vector<const KernelTable*>&, uint64_t);
template void test_quantize_blocks<double>(const std::vector<const KernelTable*>&, uint64_t);

}  // namespace quantkit_test
