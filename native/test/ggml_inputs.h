// Seeded float32 inputs for the GGML kernels' AVX2-vs-scalar checks: one distribution per run, with the block-level
// variety (per-block scales, zero and constant blocks, signed zeros) that reaches the kernels' special paths.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "test_support.h"

namespace quantkit_test {

enum class GgmlInput : int {
  Normal,         // N(0, sigma), sigma log-uniform in 1e-3..1e3 per block
  HeavyTailed,    // normal / sqrt(uniform), 3% outliers x40
  TinyScales,     // sigma 1e-9..1e-4 (float16 scales subnormal or 0), some float32-subnormal blocks
  Near65504,      // values around ±65504, and blocks whose float16 scale is near its overflow (amax ~ 8.3e6, ~4.1e6)
  Huge,           // 1e20..3e38: float16 scales overflow, products overflow
  Ties,           // half-integers times powers of two: exact rounding ties everywhere
  SparseZeros,    // mostly ±0 with a few values; all-zero and constant blocks, one-sided blocks
  Count
};

inline const char* ggml_input_name(GgmlInput d) {
  switch (d) {
    case GgmlInput::Normal: return "normal";
    case GgmlInput::HeavyTailed: return "heavy-tailed";
    case GgmlInput::TinyScales: return "tiny-scales";
    case GgmlInput::Near65504: return "near-65504";
    case GgmlInput::Huge: return "huge";
    case GgmlInput::Ties: return "ties";
    case GgmlInput::SparseZeros: return "sparse-zeros";
    case GgmlInput::Count: break;
  }
  return "?";
}

inline double ggml_normal(Rng& r) {
  const double u = r.uniform(), v = r.uniform();
  return std::sqrt(-2.0 * std::log(1.0 - u)) * std::cos(6.283185307179586 * v);
}

inline double ggml_log_uniform(Rng& r, double lo, double hi) {
  return std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * r.uniform());
}

inline float ggml_finite(double v) {
  const float f = static_cast<float>(v);
  return std::isfinite(f) ? f : std::copysign(FLT_MAX, f);
}

// Fills x[0, n) block by block (block elements each; sub-blocks of 16 get their own magnitude in K-quant blocks).
inline void fill_ggml_input(GgmlInput d, Rng& r, float* x, size_t n, size_t block) {
  for (size_t b = 0; b < n; b += block) {
    float* xb = x + b;
    const int special = static_cast<int>(r.range(0, 19));  // 1 in 20 blocks: zero / constant / one-sided
    for (size_t s = 0; s < block; s += 16) {
      const double sub_scale = block > 32 && r.chance(30) ? ggml_log_uniform(r, 1e-3, 1e3) : 1.0;
      for (size_t i = s; i < s + 16; i++) {
        double v = 0;
        switch (d) {
          case GgmlInput::Normal: v = ggml_normal(r) * sub_scale; break;
          case GgmlInput::HeavyTailed: {
            v = ggml_normal(r) / std::sqrt(1.0 - r.uniform() * 0.999);
            if (r.chance(3)) v *= 40;
            break;
          }
          case GgmlInput::TinyScales: v = ggml_normal(r) * sub_scale * 1e-6; break;
          case GgmlInput::Near65504: v = (r.chance(50) ? 65504.0 : 8.3e6) * (1 + (r.uniform() - 0.5) * 1e-3) * (r.chance(50) ? 1 : -1) * (r.chance(70) ? 1 : r.uniform()); break;
          case GgmlInput::Huge: v = ggml_log_uniform(r, 1e20, 3.4e38) * (r.chance(50) ? 1 : -1); break;
          case GgmlInput::Ties: v = (static_cast<double>(r.range(-64, 64)) + (r.chance(50) ? 0.5 : 0.0)) * std::ldexp(1.0, static_cast<int>(r.range(-8, 4))); break;
          case GgmlInput::SparseZeros: v = r.chance(80) ? (r.chance(50) ? 0.0 : -0.0) : ggml_normal(r) * sub_scale; break;
          case GgmlInput::Count: break;
        }
        xb[i] = ggml_finite(v);
      }
    }
    if (d == GgmlInput::TinyScales && r.chance(10)) {  // float32 subnormals: 1/d overflows in the legacy formats
      for (size_t i = 0; i < block; i++) xb[i] = static_cast<float>(ggml_normal(r) * 1e-40);
    }
    // Block sigma for the legacy formats (K-quant blocks vary per sub-block above).
    if (block == 32 && (d == GgmlInput::Normal || d == GgmlInput::TinyScales)) {
      const double sigma = ggml_log_uniform(r, 1e-3, 1e3);
      for (size_t i = 0; i < block; i++) xb[i] = ggml_finite(xb[i] * sigma);
    }
    if (special == 0) {
      const bool negative = r.chance(50);
      for (size_t i = 0; i < block; i++) xb[i] = negative ? -0.0f : 0.0f;
    } else if (special == 1) {
      const float c = xb[0];
      for (size_t i = 0; i < block; i++) xb[i] = c;
    } else if (special == 2) {
      for (size_t i = 0; i < block; i++) xb[i] = std::fabs(xb[i]);
    } else if (special == 3) {
      for (size_t i = 0; i < block; i++) xb[i] = -std::fabs(xb[i]);
    } else if (special == 4 && block >= 2) {
      // +max and -max of equal magnitude: which comes first decides q4_0 / q5_0 / K-quant signs.
      const size_t a = static_cast<size_t>(r.range(0, static_cast<int64_t>(block) - 1));
      const size_t c = static_cast<size_t>(r.range(0, static_cast<int64_t>(block) - 1));
      float m = 0;
      for (size_t i = 0; i < block; i++) m = std::fmax(m, std::fabs(xb[i]));
      xb[a] = m;
      if (c != a) xb[c] = -m;
    }
  }
}

}  // namespace quantkit_test
