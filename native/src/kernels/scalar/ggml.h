// Scalar GGML block kernels: the portable loops of common/ggml_legacy.h and common/ggml_k.h behind table-ready
// signatures (common/ggml_dispatch.h). n is the number of elements, a multiple of ggml_block_size(f) (the caller
// validates it, and that x is finite); out holds ggml_row_bytes(f, n) bytes (quantize) or n floats (dequantize). No
// allocation.
#pragma once

#include "../common/ggml_dispatch.h"

namespace quantkit::scalar {
namespace {

constexpr auto ggml_quantize_row = ggml_quantize_dispatch<kPortableGgmlQuantize>;
constexpr auto ggml_dequantize_row = ggml_dequantize_dispatch<kPortableGgmlDequantize>;

}  // namespace
}  // namespace quantkit::scalar
