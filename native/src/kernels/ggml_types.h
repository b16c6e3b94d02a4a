// The GGML block formats (docs/GGML.md): their ids and block geometry, as upstream ggml declares them (ggml-common.h:
// QK4_0 ... QK_K and the block_* structs). A row of n elements (n a multiple of the block size) is n / block_size
// blocks of block_bytes each, end to end, little-endian, float16 fields as IEEE binary16 bits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace quantkit {

// The order of packages/quant-core/src/ggml/formats.ts (GGML_FORMAT_NAMES), not upstream's enum ggml_type values.
enum class GgmlFormat : int32_t { Q4_0 = 0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K };

constexpr int32_t kGgmlFormatCount = 11;

namespace {  // internal linkage: compiled with ISA flags too (see common/element.h)

constexpr size_t kGgmlLegacyBlock = 32;  // QK4_0 = QK4_1 = QK5_0 = QK5_1 = QK8_0 = QK8_1
constexpr size_t kGgmlSuperBlock = 256;  // QK_K

// Elements per block: 32 for the legacy formats, 256 for the K-quants' super-blocks.
constexpr size_t ggml_block_size(GgmlFormat f) {
  return static_cast<int32_t>(f) >= static_cast<int32_t>(GgmlFormat::Q2_K) ? kGgmlSuperBlock : kGgmlLegacyBlock;
}

// Bytes per block: sizeof(block_<fmt>) upstream.
constexpr size_t ggml_block_bytes(GgmlFormat f) {
  switch (f) {
    case GgmlFormat::Q4_0: return 18;   // d, qs[16]
    case GgmlFormat::Q4_1: return 20;   // d, m, qs[16]
    case GgmlFormat::Q5_0: return 22;   // d, qh[4], qs[16]
    case GgmlFormat::Q5_1: return 24;   // d, m, qh[4], qs[16]
    case GgmlFormat::Q8_0: return 34;   // d, qs[32]
    case GgmlFormat::Q8_1: return 36;   // d, s, qs[32]
    case GgmlFormat::Q2_K: return 84;   // scales[16], qs[64], d, dmin
    case GgmlFormat::Q3_K: return 110;  // hmask[32], qs[64], scales[12], d
    case GgmlFormat::Q4_K: return 144;  // d, dmin, scales[12], qs[128]
    case GgmlFormat::Q5_K: return 176;  // d, dmin, scales[12], qh[32], qs[128]
    case GgmlFormat::Q6_K: return 210;  // ql[128], qh[64], scales[16], d
  }
  return 0;
}

// Bytes of a row of n elements (n a multiple of the block size): upstream's ggml_row_size.
constexpr size_t ggml_row_bytes(GgmlFormat f, size_t n) { return n / ggml_block_size(f) * ggml_block_bytes(f); }

// The lower-case name of packages/quant-core (q4_0 ... q6_k).
constexpr const char* ggml_format_name(GgmlFormat f) {
  constexpr const char* kNames[kGgmlFormatCount] = {"q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q8_1",
                                                    "q2_k", "q3_k", "q4_k", "q5_k", "q6_k"};
  return kNames[static_cast<int32_t>(f)];
}

}  // namespace
}  // namespace quantkit
