// libFuzzer target: arbitrary bytes become kernel parameters and float data; every kernel set this CPU can run (the
// list of dispatch/kernel_sets.cc: scalar, AVX2, ...) must agree with the reference transcription (reference.h) bit
// for bit, and so with each other. Any difference aborts.
//
// Layout of an input: [op] [flags] [qa qa] [qb qb] [zp zp] [scale: 4 or 8 bytes] [data...]
//   op    selects the kernel (quantize, fake-quantize, dequantize, ranges, pack, quantize near ties, histogram, half)
//   flags bits 0-1 IntType, bit 2 profile, bit 3 float64, bits 4-7 pointer offset.
//   The histogram op reads [min: 8 bytes] [max: 8 bytes] before its data, takes bit 2 as abs and qa for the bin count.
//   The half op takes bit 3 as bfloat16 (float16 otherwise) and reads [kernel: 1 byte] [min: 8] [max: 8] before its
//   data: half bit patterns for quantize / ranges / histograms, codes for dequantize (to a half type, with a float64
//   scale of 8 more bytes).
// Parameters are mapped into what kernel-api.ts validation allows (scale finite and > 0 in its precision,
// qmin <= zp <= qmax inside the code type), since kernels assume validated arguments.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../src/dispatch/kernel_sets.h"
#include "../src/kernels/kernels.h"
#include "reference.h"

using namespace quantkit;
using namespace quantkit_test;

namespace {

struct Reader {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
  uint64_t bytes(size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v |= static_cast<uint64_t>(pos < size ? data[pos++] : 0) << (8 * i);
    return v;
  }
};

[[noreturn]] void fail(const KernelTable* k, const char* what, size_t i, double got, double want) {
  std::fprintf(stderr, "fuzz_kernels: %s %s differs from the reference at element %zu: %a vs %a\n", k->isa, what, i, got, want);
  std::abort();
}

bool same_bits(double a, double b) {
  if (a != a && b != b) return true;
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// The tables of the kernel sets this CPU can run.
const std::vector<const KernelTable*>& tables() {
  static const std::vector<const KernelTable*> usable_tables = [] {
    std::vector<const KernelTable*> t;
    for (const KernelSet& s : kernel_sets()) {
      if (usable(s)) t.push_back(s.table);
    }
    return t;
  }();
  return usable_tables;
}

template <typename F> std::vector<F> floats_from(Reader& r, size_t offset) {
  const size_t count = (r.size - r.pos) / sizeof(F);
  std::vector<F> v(offset + count);
  if (count > 0) std::memcpy(v.data() + offset, r.data + r.pos, count * sizeof(F));
  return v;
}

template <typename F> std::vector<F> near_ties(Reader& r, size_t offset, double scale) {
  std::vector<F> v(offset);
  while (r.pos + 2 <= r.size) {
    const int k = static_cast<int8_t>(r.bytes(1)) * (r.pos % 3 == 0 ? 1 : 257);  // also beyond 8-bit ranges
    const int j = static_cast<int>(r.bytes(1) % 9) - 4;
    F x = static_cast<F>((k + 0.5) * scale);
    const F dir = j > 0 ? F(INFINITY) : -F(INFINITY);
    for (int s = 0; s < (j > 0 ? j : -j); s++) x = std::nextafter(x, dir);
    v.push_back(x);
  }
  return v;
}

float valid_scale_f32(uint64_t bits) {
  float s;
  const uint32_t b = static_cast<uint32_t>(bits);
  std::memcpy(&s, &b, sizeof s);
  s = std::fabs(s);
  return s > 0 && std::isfinite(s) ? s : 1.0f / 3.0f;
}

double valid_scale_f64(uint64_t bits) {
  double s;
  std::memcpy(&s, &bits, sizeof s);
  s = std::fabs(s);
  return s > 0 && std::isfinite(s) ? s : 1.0 / 3.0;
}

template <typename F> void fuzz_quantize(const std::vector<F>& xs, size_t off, double scale, int32_t zp, QuantSpec spec, IntType t) {
  const F* x = xs.data() + off;
  const size_t n = xs.size() - off;
  const bool single = sizeof(F) == 4;
  std::vector<int32_t> want(n);
  for (size_t i = 0; i < n; i++) want[i] = ref_quantize(x[i], scale, zp, spec, single);
  for (const KernelTable* k : tables()) {
    std::vector<uint8_t> out(n * code_bytes(t) + 2);  // vector storage is aligned for 16-bit codes
    if constexpr (sizeof(F) == 4) k->quantize_f32(x, n, static_cast<float>(scale), zp, spec, t, out.data());
    else k->quantize_f64(x, n, scale, zp, spec, t, out.data());
    for (size_t i = 0; i < n; i++) {
      if (read_code(out.data(), t, i) != want[i]) fail(k, "quantize", i, read_code(out.data(), t, i), want[i]);
    }
  }
}

template <typename F> void fuzz_fake(const std::vector<F>& xs, size_t off, double scale, int32_t zp, QuantSpec spec) {
  const F* x = xs.data() + off;
  const size_t n = xs.size() - off;
  const bool single = sizeof(F) == 4;
  std::vector<double> want(n);
  RefErrorBlock block;  // one call: lanes counted from x[0], sums +0 + S
  for (size_t i = 0; i < n; i++) want[i] = ref_fake_quantize(x[i], scale, zp, spec, single, &block);
  ErrorSums sr;
  block.add_to(&sr);
  for (const KernelTable* k : tables()) {
    std::vector<F> out(n);
    ErrorSums got;
    if constexpr (sizeof(F) == 4) k->fake_quantize_f32(x, n, static_cast<float>(scale), zp, spec, out.data(), &got);
    else k->fake_quantize_f64(x, n, scale, zp, spec, out.data(), &got);
    for (size_t i = 0; i < n; i++) {
      if (!same_bits(out[i], want[i])) fail(k, "fake_quantize", i, out[i], want[i]);
    }
    if (!same_bits(got.sum_sq, sr.sum_sq)) fail(k, "fake_quantize sum_sq", 0, got.sum_sq, sr.sum_sq);
    if (!same_bits(got.sum_abs, sr.sum_abs)) fail(k, "fake_quantize sum_abs", 0, got.sum_abs, sr.sum_abs);
    if (!same_bits(got.max_abs, sr.max_abs)) fail(k, "fake_quantize max_abs", 0, got.max_abs, sr.max_abs);
    if (!same_bits(got.sum_ref2, sr.sum_ref2)) fail(k, "fake_quantize sum_ref2", 0, got.sum_ref2, sr.sum_ref2);
    if (!same_bits(got.sum_approx2, sr.sum_approx2)) fail(k, "fake_quantize sum_approx2", 0, got.sum_approx2, sr.sum_approx2);
    if (!same_bits(got.dot, sr.dot)) fail(k, "fake_quantize dot", 0, got.dot, sr.dot);
  }
}

template <typename F> void fuzz_ranges(const std::vector<F>& xs, size_t off) {
  const F* x = xs.data() + off;
  const size_t n = xs.size() - off;
  double emin = __builtin_inf(), emax = -__builtin_inf(), eabs = 0;
  ref_min_max(x, n, &emin, &emax);
  ref_abs_max(x, n, &eabs);
  for (const KernelTable* k : tables()) {
    double mn = __builtin_inf(), mx = -__builtin_inf(), am = 0;
    if constexpr (sizeof(F) == 4) {
      k->min_max_f32(x, n, &mn, &mx);
      k->abs_max_f32(x, n, &am);
    } else {
      k->min_max_f64(x, n, &mn, &mx);
      k->abs_max_f64(x, n, &am);
    }
    if (mn != emin) fail(k, "min_max (min)", 0, mn, emin);
    if (mx != emax) fail(k, "min_max (max)", 0, mx, emax);
    if (am != eabs) fail(k, "abs_max", 0, am, eabs);
  }
}

void fuzz_dequantize(Reader& r, IntType t, double scale, int32_t zp, bool f64_out) {
  const size_t w = code_bytes(t);
  const size_t n = (r.size - r.pos) / w;
  std::vector<uint8_t> codes(n * w + 2);  // 2-byte aligned copy
  if (n > 0) std::memcpy(codes.data(), r.data + r.pos, n * w);
  std::vector<double> want(n);
  for (size_t i = 0; i < n; i++) want[i] = ref_dequantize(read_code(codes.data(), t, i), zp, scale, !f64_out);
  for (const KernelTable* k : tables()) {
    if (f64_out) {
      std::vector<double> out(n);
      k->dequantize_f64(codes.data(), t, n, scale, zp, out.data());
      for (size_t i = 0; i < n; i++) {
        if (!same_bits(out[i], want[i])) fail(k, "dequantize", i, out[i], want[i]);
      }
    } else {
      std::vector<float> out(n);
      k->dequantize_f32(codes.data(), t, n, scale, zp, out.data());
      for (size_t i = 0; i < n; i++) {
        if (!same_bits(out[i], want[i])) fail(k, "dequantize", i, out[i], want[i]);
      }
    }
  }
}

void fuzz_pack(Reader& r, int bits, bool is_signed) {
  const size_t n = r.size - r.pos;
  const uint8_t* q = r.data + r.pos;
  const size_t bytes = (n * bits + 7) / 8;
  std::vector<uint8_t> want(bytes + 1);
  ref_pack(q, n, bits, want.data());
  std::vector<int8_t> ref_s(n + 1);
  std::vector<uint8_t> ref_u(n + 1);
  ref_unpack(want.data(), n, bits, is_signed, ref_s.data(), ref_u.data());
  for (const KernelTable* k : tables()) {
    std::vector<uint8_t> packed(bytes), unpacked(n);
    k->pack(q, n, bits, packed.data());
    for (size_t i = 0; i < bytes; i++) {
      if (packed[i] != want[i]) fail(k, "pack", i, packed[i], want[i]);
    }
    k->unpack(packed.data(), n, bits, is_signed, unpacked.data());
    for (size_t i = 0; i < n; i++) {
      const uint8_t expected = is_signed ? static_cast<uint8_t>(ref_s[i]) : ref_u[i];
      if (unpacked[i] != expected) fail(k, "unpack", i, unpacked[i], expected);
    }
  }
}

// Arbitrary bits as a range the validation allows: finite, min <= max, a finite span (min >= 0 for abs).
void valid_hist_range(uint64_t a_bits, uint64_t b_bits, bool abs, double* min, double* max) {
  double a, b;
  std::memcpy(&a, &a_bits, sizeof a);
  std::memcpy(&b, &b_bits, sizeof b);
  if (!std::isfinite(a)) a = 0;
  if (!std::isfinite(b)) b = 1;
  if (abs) {
    a = std::fabs(a);
    b = std::fabs(b);
  }
  if (a > b) std::swap(a, b);
  if (!std::isfinite(b - a)) {
    a /= 4;
    b /= 4;
  }
  *min = a;
  *max = b;
}

template <typename F> void fuzz_histogram(const std::vector<F>& xs, size_t off, double min, double max, bool abs, size_t bins) {
  const F* x = xs.data() + off;
  const size_t n = xs.size() - off;
  std::vector<uint32_t> want(bins);
  ref_histogram(x, n, min, max, abs, want.data(), bins);
  for (const KernelTable* k : tables()) {
    std::vector<uint32_t> got(bins);
    if constexpr (sizeof(F) == 4) (abs ? k->abs_histogram_f32 : k->histogram_f32)(x, n, min, max, got.data(), bins);
    else (abs ? k->abs_histogram_f64 : k->histogram_f64)(x, n, min, max, got.data(), bins);
    for (size_t b = 0; b < bins; b++) {
      if (got[b] != want[b]) fail(k, abs ? "abs_histogram" : "histogram", b, got[b], want[b]);
    }
  }
}

// Half inputs widened by the oracle's decoder (reference.h) then the float32 references; half outputs by
// ref_round_half of the double product.
void fuzz_half(Reader& r, HalfType ht, IntType t, QuantSpec spec, int32_t zp, float scale, size_t off, unsigned flags) {
  const unsigned kernel = static_cast<unsigned>(r.bytes(1)) % 4;
  const uint64_t a_bits = r.bytes(8);
  const uint64_t b_bits = r.bytes(8);
  if (kernel == 3) {  // dequantize to the half type, any double scale the validation allows
    const double dscale = valid_scale_f64(r.bytes(8));
    const size_t w = code_bytes(t);
    const size_t n = (r.size - r.pos) / w;
    std::vector<uint8_t> codes(n * w + 2);
    if (n > 0) std::memcpy(codes.data(), r.data + r.pos, n * w);
    for (const KernelTable* k : tables()) {
      std::vector<uint16_t> out(n);
      k->dequantize_half(codes.data(), t, n, dscale, zp, ht, out.data());
      for (size_t i = 0; i < n; i++) {
        const uint16_t want = ref_round_half(static_cast<double>(read_code(codes.data(), t, i) - zp) * dscale, ht);
        if (out[i] != want) fail(k, "dequantize_half", i, out[i], want);
      }
    }
    return;
  }
  const size_t count = (r.size - r.pos) / 2;
  std::vector<uint16_t> xs(off + count);
  if (count > 0) std::memcpy(xs.data() + off, r.data + r.pos, count * 2);
  const uint16_t* x = xs.data() + off;
  std::vector<float> wide(count);
  for (size_t i = 0; i < count; i++) wide[i] = static_cast<float>(ref_half_value(x[i], ht));
  if (kernel == 0) {
    for (const KernelTable* k : tables()) {
      std::vector<uint8_t> out(count * code_bytes(t) + 2);
      k->quantize_half(x, ht, count, scale, zp, spec, t, out.data());
      for (size_t i = 0; i < count; i++) {
        const int32_t want = ref_quantize(wide[i], scale, zp, spec, true);
        if (read_code(out.data(), t, i) != want) fail(k, "quantize_half", i, read_code(out.data(), t, i), want);
      }
    }
  } else if (kernel == 1) {
    double emin = __builtin_inf(), emax = -__builtin_inf(), eabs = 0;
    ref_min_max(wide.data(), count, &emin, &emax);
    ref_abs_max(wide.data(), count, &eabs);
    for (const KernelTable* k : tables()) {
      double mn = __builtin_inf(), mx = -__builtin_inf(), am = 0;
      k->min_max_half(x, ht, count, &mn, &mx);
      k->abs_max_half(x, ht, count, &am);
      if (mn != emin) fail(k, "min_max_half (min)", 0, mn, emin);
      if (mx != emax) fail(k, "min_max_half (max)", 0, mx, emax);
      if (am != eabs) fail(k, "abs_max_half", 0, am, eabs);
    }
  } else {
    const bool abs = (flags & 4) != 0;
    const size_t bins = 1 + static_cast<size_t>(spec.qmax - spec.qmin) % 6000;
    double min, max;
    valid_hist_range(a_bits, b_bits, abs, &min, &max);
    std::vector<uint32_t> want(bins);
    ref_histogram(wide.data(), count, min, max, abs, want.data(), bins);
    for (const KernelTable* k : tables()) {
      std::vector<uint32_t> got(bins);
      (abs ? k->abs_histogram_half : k->histogram_half)(x, ht, count, min, max, got.data(), bins);
      for (size_t b = 0; b < bins; b++) {
        if (got[b] != want[b]) fail(k, abs ? "abs_histogram_half" : "histogram_half", b, got[b], want[b]);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{data, size};
  const unsigned op = static_cast<unsigned>(r.bytes(1)) % 8;
  const unsigned flags = static_cast<unsigned>(r.bytes(1));
  const IntType t = static_cast<IntType>(flags & 3);
  const Profile profile = (flags & 4) ? Profile::PyTorch : Profile::Onnx;
  const bool f64 = (flags & 8) != 0;
  const size_t off = flags >> 4;
  // [qmin, qmax] and zp inside the type's range.
  const int32_t lo = type_min(t);
  const int64_t span = static_cast<int64_t>(type_max(t)) - lo + 1;
  int32_t qa = lo + static_cast<int32_t>(static_cast<int64_t>(r.bytes(2)) % span);
  int32_t qb = lo + static_cast<int32_t>(static_cast<int64_t>(r.bytes(2)) % span);
  if (qa > qb) std::swap(qa, qb);
  const int32_t zp = qa + static_cast<int32_t>(static_cast<int64_t>(r.bytes(2)) % (static_cast<int64_t>(qb) - qa + 1));
  const QuantSpec spec{qa, qb, profile};
  const double scale = f64 ? valid_scale_f64(r.bytes(8)) : static_cast<double>(valid_scale_f32(r.bytes(4)));

  switch (op) {
    case 0:
      if (f64) fuzz_quantize(floats_from<double>(r, off), off, scale, zp, spec, t);
      else fuzz_quantize(floats_from<float>(r, off), off, scale, zp, spec, t);
      break;
    case 1:
      if (f64) fuzz_fake(floats_from<double>(r, off), off, scale, zp, spec);
      else fuzz_fake(floats_from<float>(r, off), off, scale, zp, spec);
      break;
    case 2: {
      // Dequantize takes any code of the type; the scale is float-exact or not (flag bit 3), the output precision is
      // chosen by flag bit 4.
      const int32_t dzp = lo + static_cast<int32_t>(static_cast<int64_t>(qa - lo + qb) % span);
      fuzz_dequantize(r, t, scale, dzp, (off & 1) != 0);
      break;
    }
    case 3:
      if (f64) fuzz_ranges(floats_from<double>(r, off), off);
      else fuzz_ranges(floats_from<float>(r, off), off);
      break;
    case 4:
      fuzz_pack(r, (flags & 1) ? 2 : 4, (flags & 2) != 0);
      break;
    case 7: {
      // Half kernels: bit 3 chooses bfloat16; the scale as a float the validation allows.
      float half_scale = static_cast<float>(scale);
      if (!(half_scale > 0) || !std::isfinite(half_scale)) half_scale = 1.0f / 3.0f;
      fuzz_half(r, f64 ? HalfType::BF16 : HalfType::F16, t, spec, zp, half_scale, off, flags);
      break;
    }
    case 6: {
      // Bins: 1..6000 from qa's raw bits (beyond the AVX2 kernel's stack arrays, 4096, too).
      const size_t bins = 1 + static_cast<size_t>(qa - lo) % 6000;
      double min, max;
      const uint64_t a_bits = r.bytes(8);
      valid_hist_range(a_bits, r.bytes(8), (flags & 4) != 0, &min, &max);
      if (f64) fuzz_histogram(floats_from<double>(r, off), off, min, max, (flags & 4) != 0, bins);
      else fuzz_histogram(floats_from<float>(r, off), off, min, max, (flags & 4) != 0, bins);
      break;
    }
    default:
      // Near ties: each data byte pair is (k, j) -> x = (k + 0.5) * scale moved by j ulps, the inputs on which a
      // reciprocal multiply and a true division round differently.
      if (f64) fuzz_quantize(near_ties<double>(r, off, scale), off, scale, zp, spec, t);
      else fuzz_quantize(near_ties<float>(r, off, scale), off, scale, zp, spec, t);
      break;
  }
  return 0;
}
