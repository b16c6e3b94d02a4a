// The NEON embedding kernels for embeddings_test (AArch64 builds, where NEON is baseline): like embeddings_avx2.cc, the
// one file of the test that includes kernels/neon/*.h (whose guard macro it sets). Everything here has internal linkage
// but the table.
#if !defined(__aarch64__)
#error "embeddings_neon.cc is built for AArch64 only"
#endif

#define QUANTKIT_NEON_TABLE_CC 1

#include "../src/kernels/neon/embeddings.h"
#include "embeddings_kernels.h"

namespace quantkit_test {

namespace neon = quantkit::neon;
extern const EmbeddingKernels kEmbeddingKernelsNeon;
const EmbeddingKernels kEmbeddingKernelsNeon = QK_EMBEDDING_KERNELS(neon, "neon");

}  // namespace quantkit_test
