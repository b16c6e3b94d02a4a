// The parameter types of the embedding kernels (common/embeddings.h has their contract): plain enums shared by the
// kernel table and the binding, so neither needs the kernels' code to name them.
#pragma once

#include <cstdint>

namespace quantkit {

// How scalar codes relate to buckets (src/embeddings/dequantize-value.ts ScalarCodeKind).
enum class EmbeddingCodes : int32_t { U8 = 0, I8Floor = 1, I8TowardZero = 2 };
// Where element 8j + b of a row goes in byte j: Msb bit 7 - b (numpy packbits), Lsb bit b (Qdrant, FAISS).
enum class BitOrder : int32_t { Msb = 0, Lsb = 1 };
// Positive: x > 0 (sentence-transformers, Qdrant); NonNegative: x >= 0, so -0 is 1 (FAISS).
enum class BitThreshold : int32_t { Positive = 0, NonNegative = 1 };

}  // namespace quantkit
