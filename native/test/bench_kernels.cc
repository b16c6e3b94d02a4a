// A developer tool, not a test: single-thread throughput of the kernels in G elements/s (best of several rounds).
// Built by CMakeLists.txt; run `bench_kernels` on an idle machine. The project's benchmark package measures the addon.
#include <chrono>
#include <cmath>
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
  // Half inputs: the same values rounded to float16 / bfloat16 bit patterns (truncation suffices for timing).
  std::vector<uint16_t> h16(n), b16(n), hq(n);
  for (size_t i = 0; i < n; i++) {
    uint32_t b;
    std::memcpy(&b, &x[i], sizeof b);
    b16[i] = static_cast<uint16_t>(b >> 16);
    const uint32_t e = (b >> 23) & 0xff;  // x in [-4, 4): normal float16 or (tiny) zero
    h16[i] = static_cast<uint16_t>(((b >> 16) & 0x8000) | (e >= 113 ? ((e - 112) << 10) | ((b >> 13) & 0x3ff) : 0));
  }
  std::printf("%-6s n=%-9zu", k.isa, n);
  for (const HalfType t : {HalfType::F16, HalfType::BF16}) {
    const uint16_t* xh = t == HalfType::F16 ? h16.data() : b16.data();
    const char* name = t == HalfType::F16 ? "f16" : "bf16";
    std::printf(" q-onnx-%s %5.2f", name, best_rate(n, reps, [&] { k.quantize_half(xh, t, n, scale, 128, onnx, IntType::U8, q.data()); }));
    std::printf(" q-torch-%s %5.2f", name, best_rate(n, reps, [&] { k.quantize_half(xh, t, n, scale, 128, torch, IntType::U8, q.data()); }));
  }
  // A float scale (round to odd through double), and the nearest float16 value (11 bits: the products are floats).
  const double half_scale = std::ldexp(std::nearbyint(std::ldexp(static_cast<double>(scale), 15)), -15);
  std::printf(" dq-f16 %5.2f", best_rate(n, reps, [&] { k.dequantize_half(q.data(), IntType::U8, n, scale, 128, HalfType::F16, hq.data()); }));
  std::printf(" dq-f16-hs %5.2f", best_rate(n, reps, [&] { k.dequantize_half(q.data(), IntType::U8, n, half_scale, 128, HalfType::F16, hq.data()); }));
  std::printf(" minmax-f16 %5.2f", best_rate(n, reps, [&] {
    double mn = __builtin_inf(), mx = -__builtin_inf();
    k.min_max_half(h16.data(), HalfType::F16, n, &mn, &mx);
  }));
  std::printf(" hist-2048-f16 %5.2f", best_rate(n, reps, [&] { k.histogram_half(h16.data(), HalfType::F16, n, -4.0, 4.0, counts.data(), counts.size()); }));
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
