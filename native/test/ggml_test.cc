// ggml_test: the GGML block kernels of every registered kernel set this CPU runs (the ggml_quantize / ggml_dequantize
// slots of dispatch/kernel_sets.cc's tables, what the addon calls) against upstream ggml's golden vectors byte for
// byte and bit for bit, and every other set against the scalar set on seeded random data.
//
//   ggml_test VECTORS.bin [SEED]    VECTORS.bin from `node native/test/ggml_vectors.mjs VECTORS.bin`; SEED (a number)
//                                   varies the random data of the AVX2-vs-scalar runs
//   ggml_test --bench [N] [REPS] [NAME...]
//                                   M elements/s of each format's quantize and dequantize (ggml_bench.cc); NAMEs
//                                   (formats such as q4_k, or kernel sets such as avx2) limit what is timed
//
// Exit status 0 when every check passed. A set runs only when the CPU and OS support it (KernelSet::supported).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ggml_bench.h"
#include "ggml_inputs.h"
#include "ggml_vectors_file.h"
#include "test_support.h"

using quantkit::GgmlFormat;
using quantkit::KernelTable;
using quantkit::ggml_block_size;
using quantkit::ggml_format_name;
using quantkit::ggml_row_bytes;

namespace quantkit_test {
namespace {

// Checks that a quantized row equals the expected bytes; `what` names the run, `other` the expected side.
void expect_bytes(const std::vector<uint8_t>& got, const std::vector<uint8_t>& want, GgmlFormat f, const std::string& what, const char* other) {
  size_t at = 0;
  while (at < got.size() && got[at] == want[at]) at++;
  const size_t bytes = quantkit::ggml_block_bytes(f);
  QK_CHECK(at == got.size(), "%s: byte %zu (block %zu, offset %zu) is 0x%02x, %s 0x%02x", what.c_str(), at, at / bytes,
           at % bytes, got[at], other, want[at]);
}

// Checks that a dequantized row equals the expected floats in bits, or (nan_equal) with any NaN equal to any NaN.
void expect_floats(const std::vector<float>& got, const std::vector<float>& want, bool nan_equal, const std::string& what, const char* other) {
  size_t at = 0;
  while (at < got.size() && (nan_equal ? same(got[at], want[at]) : bits_of(got[at]) == bits_of(want[at]))) at++;
  QK_CHECK(at == got.size(), "%s: element %zu is 0x%08x, %s 0x%08x", what.c_str(), at, bits_of(got[at]), other, bits_of(want[at]));
}

// The golden outputs as this CPU's upstream ggml writes them. They were made on x86-64, where an invalid operation
// (Inf - Inf, 0 * Inf: an Inf or NaN float16 scale) gives the default NaN 0xffc00000; on AArch64 it gives 0x7fc00000
// (the architecture's default NaN: upstream ggml built for arm64 writes that too). Every other bit is kept.
std::vector<float> platform_default_nans(std::vector<float> want) {
#if defined(__aarch64__)
  const uint32_t arm_default_nan = 0x7fc00000u;
  for (float& w : want) {
    if (bits_of(w) == 0xffc00000u) std::memcpy(&w, &arm_default_nan, sizeof w);
  }
#endif
  return want;
}

void check_golden(const KernelTable& set, const std::vector<GgmlFormatVectors>& vectors) {
  long cases = 0;
  for (const GgmlFormatVectors& fv : vectors) {
    const GgmlFormat f = fv.format;
    const std::string prefix = std::string(set.isa) + " " + ggml_format_name(f) + " ";
    for (const GgmlVectorCase& c : fv.cases) {
      const size_t n = c.blocks * ggml_block_size(f);
      if (c.quantize) {
        std::vector<uint8_t> bytes(ggml_row_bytes(f, n), 0xA5);
        set.ggml_quantize(f, c.input.data(), n, bytes.data());
        expect_bytes(bytes, c.bytes, f, prefix + "quantize " + c.name, "upstream");
      }
      std::vector<float> out(n, -1.0f);
      set.ggml_dequantize(f, c.bytes.data(), n, out.data());
      expect_floats(out, platform_default_nans(c.output), false, prefix + "dequantize " + c.name, "upstream");
      cases++;
    }
  }
  std::printf("%-6s golden vectors: %ld cases of %zu formats\n", set.isa, cases, vectors.size());
}

// Random block bytes for dequantize: every field arbitrary, float16 fields included (NaN and Inf scales too).
void fill_random_bytes(Rng& r, std::vector<uint8_t>& bytes) {
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(r.next());
}

// AVX2 vs scalar on every length of 1..64 blocks, and a long row (kLongRow blocks: the legacy quantizers' prefetching
// path), for every input distribution: quantize bytes equal (each set's output prefilled differently, so an unwritten
// byte shows), dequantize bits equal on those bytes and on random bytes.
constexpr size_t kShortRows = 64;
constexpr size_t kLongRow = 200;

void check_against_scalar(const KernelTable& set, const KernelTable& scalar, uint64_t seed) {
  long runs = 0;
  for (int fi = 0; fi < quantkit::kGgmlFormatCount; fi++) {
    const GgmlFormat f = static_cast<GgmlFormat>(fi);
    const size_t block = ggml_block_size(f);
    for (int di = 0; di < static_cast<int>(GgmlInput::Count); di++) {
      const GgmlInput d = static_cast<GgmlInput>(di);
      Rng r(mix_seed(seed, static_cast<uint64_t>(fi * 100 + di)));
      for (size_t row = 1; row <= kShortRows + 1; row++) {
        const size_t blocks = row <= kShortRows ? row : kLongRow;
        const size_t n = blocks * block;
        const std::string what = std::string(set.isa) + " " + ggml_format_name(f) + ", " + ggml_input_name(d) + ", " +
                                 std::to_string(blocks) + " blocks";
        std::vector<float> x(n);
        fill_ggml_input(d, r, x.data(), n, block);
        std::vector<uint8_t> want(ggml_row_bytes(f, n), 0xA5), got(ggml_row_bytes(f, n), 0x5A);
        scalar.ggml_quantize(f, x.data(), n, want.data());
        set.ggml_quantize(f, x.data(), n, got.data());
        expect_bytes(got, want, f, what + ", quantize", "scalar");
        for (int pass = 0; pass < 2; pass++) {
          if (pass == 1) fill_random_bytes(r, want);
          std::vector<float> ys(n, 1.0f), ya(n, -1.0f);
          scalar.ggml_dequantize(f, want.data(), n, ys.data());
          set.ggml_dequantize(f, want.data(), n, ya.data());
          // NaN payloads of random NaN scales may depend on operand order: any NaN equals any NaN there.
          expect_floats(ya, ys, pass == 1, what + (pass == 0 ? ", dequantize" : ", dequantize random bytes"), "scalar");
        }
        runs++;
      }
    }
  }
  std::printf("%-6s vs scalar: %ld runs (11 formats x %d distributions x 1..%zu and %zu blocks)\n", set.isa, runs,
              static_cast<int>(GgmlInput::Count), kShortRows, kLongRow);
}

int run_checks(const char* vectors_path, uint64_t seed) {
  std::vector<GgmlFormatVectors> vectors;
  std::string error;
  if (!read_ggml_vectors(vectors_path, &vectors, &error)) {
    std::fprintf(stderr, "ggml_test: %s\n", error.c_str());
    return 2;
  }
  const std::vector<const KernelTable*> tables = usable_tables();  // scalar first
  for (const KernelTable* t : tables) {
    check_golden(*t, vectors);
    if (t != tables.front()) check_against_scalar(*t, *tables.front(), seed);
  }
  const Stats& s = stats();
  std::printf("ggml_test: %ld checks, %ld failures\n", s.checks, s.failures);
  return s.failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace quantkit_test

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "--bench") == 0) {
    const size_t n = argc >= 3 ? std::strtoull(argv[2], nullptr, 10) : (size_t{1} << 24);
    const int reps = argc >= 4 ? std::atoi(argv[3]) : 5;
    return quantkit_test::run_ggml_bench(n, reps, std::vector<std::string>(argv + std::min(argc, 4), argv + argc));
  }
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s VECTORS.bin [SEED] | --bench [N] [REPS] [NAME...]\n", argv[0]);
    return 2;
  }
  return quantkit_test::run_checks(argv[1], argc == 3 ? std::strtoull(argv[2], nullptr, 0) : 0x6767'6d6c'2016ULL);
}
