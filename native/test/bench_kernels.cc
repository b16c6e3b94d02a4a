// A developer tool, not a test: single-thread throughput of the kernels in G elements/s (best of several rounds).
// Built by CMakeLists.txt; run `bench_kernels` on an idle machine. The project's benchmark package measures the addon.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "../src/dispatch/kernel_sets.h"
#include "../src/kernels/kernels.h"

using namespace quantkit;

namespace {

template <typename Fn> double best_rate(size_t n, size_t reps, Fn fn) {
  double best = 0;
  for (int round = 0; round < 5; round++) {
    const auto start = std::chrono::steady_clock::now();
    for (size_t r = 0; r < reps; r++) fn();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = static_cast<double>(n) * static_cast<double>(reps) / s / 1e9;
    if (rate > best) best = rate;
  }
  return best;
}

void bench(const KernelTable& k, size_t n, size_t reps) {
  std::vector<float> x(n), y(n);
  std::vector<uint8_t> q(n);
  uint64_t s = 12345;
  for (size_t i = 0; i < n; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    x[i] = static_cast<float>(static_cast<double>(s >> 40) / static_cast<double>(1ULL << 24) * 8.0 - 4.0);
  }
  const float scale = 8.0f / 255.0f;
  const QuantSpec onnx{0, 255, Profile::Onnx};
  const QuantSpec torch{0, 255, Profile::PyTorch};
  std::printf("%-6s n=%-9zu", k.isa, n);
  std::printf(" q-onnx %5.2f", best_rate(n, reps, [&] { k.quantize_f32(x.data(), n, scale, 128, onnx, IntType::U8, q.data()); }));
  std::printf(" q-torch %5.2f", best_rate(n, reps, [&] { k.quantize_f32(x.data(), n, scale, 128, torch, IntType::U8, q.data()); }));
  std::printf(" dq %5.2f", best_rate(n, reps, [&] { k.dequantize_f32(q.data(), IntType::U8, n, scale, 128, y.data()); }));
  std::printf(" minmax %5.2f", best_rate(n, reps, [&] {
    double mn = __builtin_inf(), mx = -__builtin_inf();
    k.min_max_f32(x.data(), n, &mn, &mx);
  }));
  std::printf(" fake %5.2f", best_rate(n, reps, [&] {
    ErrorSums sums;
    k.fake_quantize_f32(x.data(), n, scale, 128, onnx, y.data(), &sums);
  }));
  std::vector<uint32_t> counts(2048);
  std::printf(" hist-2048 %5.2f", best_rate(n, reps, [&] { k.histogram_f32(x.data(), n, -4.0, 4.0, counts.data(), counts.size()); }));
  std::printf("  G elem/s\n");
}

}  // namespace

// Every kernel set this CPU can run (dispatch/kernel_sets.cc), scalar last.
int main() {
  for (const KernelSet& s : kernel_sets()) {
    if (!usable(s)) continue;
    bench(*s.table, 256 * 1024, 200);
    bench(*s.table, 16 * 1024 * 1024, 4);
  }
  return 0;
}
