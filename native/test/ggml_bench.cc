// `ggml_test --bench`: the GGML kernels' single-thread throughput. The data are normal floats from the splitmix64 seed
// of packages/quant-core/scripts/ggml-oracle/driver.c (`driver --bench N` times upstream's _ref on the same kind of
// data). Each figure is the median and best of `reps` runs in CPU time, the sets interleaved run by run so that a
// noisy machine slows them alike.
#include "ggml_bench.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "ggml_inputs.h"
#include "../src/dispatch/cpu_features.h"
#include "../src/dispatch/kernel_sets.h"

using quantkit::GgmlFormat;

namespace quantkit_test {
namespace {

struct Rates {
  std::vector<double> quantize, dequantize;  // M elements/s, one per run
};

// M elements per second of the process's CPU time (one thread): on a shared machine, time slices given to other
// processes do not count (cache and hyperthread contention still do).
template <typename Fn> double rate_of(size_t n, Fn fn) {
  const std::clock_t start = std::clock();
  fn();
  const double s = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  return static_cast<double>(n) / (s > 0 ? s : 1e-9) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

double best(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

}  // namespace

std::vector<const quantkit::KernelTable*> usable_tables() {
  std::vector<const quantkit::KernelTable*> tables;
  const auto sets = quantkit::kernel_sets();
  for (auto s = sets.rbegin(); s != sets.rend(); ++s) {
    if (s->supported(quantkit::cpu_features())) tables.push_back(s->table);
  }
  return tables;
}

int run_ggml_bench(size_t n, int reps, const std::vector<std::string>& only) {
  if (n == 0 || n % quantkit::kGgmlSuperBlock != 0 || reps < 1) {
    std::fprintf(stderr, "ggml_test --bench: N must be a positive multiple of 256 and REPS >= 1\n");
    return 2;
  }
  std::vector<const quantkit::KernelTable*> sets;
  std::vector<GgmlFormat> formats;
  const auto wanted = [&](const char* name) { return std::find(only.begin(), only.end(), name) != only.end(); };
  for (const quantkit::KernelTable* s : usable_tables()) {
    if (wanted(s->isa)) sets.push_back(s);
  }
  for (int fi = 0; fi < quantkit::kGgmlFormatCount; fi++) {
    if (wanted(quantkit::ggml_format_name(static_cast<GgmlFormat>(fi)))) formats.push_back(static_cast<GgmlFormat>(fi));
  }
  if (sets.size() + formats.size() != only.size()) {
    std::fprintf(stderr, "ggml_test --bench: a NAME is neither a format nor a kernel set this CPU runs\n");
    return 2;
  }
  if (sets.empty()) sets = usable_tables();
  if (formats.empty()) {
    for (int fi = 0; fi < quantkit::kGgmlFormatCount; fi++) formats.push_back(static_cast<GgmlFormat>(fi));
  }
  Rng r(0x9e3779b97f4a7c15ULL);
  std::vector<float> x(n), y(n);
  for (float& v : x) v = static_cast<float>(ggml_normal(r));
  std::vector<uint8_t> q(n * 2);

  std::printf("GGML kernels, one thread, %zu normal float32 elements, M elements per CPU second: median (best) of %d runs\n", n, reps);
  std::printf("%-5s", "");
  for (const quantkit::KernelTable* s : sets) std::printf("  %8s quantize  %6s dequantize", s->isa, s->isa);
  std::printf("\n");
  for (const GgmlFormat f : formats) {
    std::vector<Rates> rates(sets.size());
    for (int rep = 0; rep < reps; rep++) {
      for (size_t k = 0; k < sets.size(); k++) {
        const quantkit::KernelTable& s = *sets[k];
        rates[k].quantize.push_back(rate_of(n, [&] { s.ggml_quantize(f, x.data(), n, q.data()); }));
        rates[k].dequantize.push_back(rate_of(n, [&] { s.ggml_dequantize(f, q.data(), n, y.data()); }));
      }
    }
    std::printf("%-5s", quantkit::ggml_format_name(f));
    for (const Rates& rt : rates) {
      std::printf("  %7.1f (%7.1f)  %7.1f (%7.1f)", median(rt.quantize), best(rt.quantize), median(rt.dequantize), best(rt.dequantize));
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace quantkit_test
