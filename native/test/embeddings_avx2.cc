// The AVX2 embedding kernels for embeddings_test: the one file of the test compiled with -mavx2 -mf16c (like
// kernels/avx2/table.cc, whose guard macro it sets to include kernels/avx2/*.h). Everything here has internal linkage
// but the table, which embeddings_test.cc uses only after the CPU check.
#if !defined(__AVX2__)
#error "embeddings_avx2.cc must be compiled with -mavx2 -mf16c"
#endif

#define QUANTKIT_AVX2_TABLE_CC 1

#include "../src/kernels/avx2/embeddings.h"
#include "embeddings_kernels.h"

namespace quantkit_test {

namespace avx2 = quantkit::avx2;
extern const EmbeddingKernels kEmbeddingKernelsAvx2;
const EmbeddingKernels kEmbeddingKernelsAvx2 = QK_EMBEDDING_KERNELS(avx2, "avx2");

}  // namespace quantkit_test
