// Scalar packing: the portable loops of common/pack.h under the table's names.
#pragma once

#include "../common/pack.h"

namespace quantkit::scalar {
namespace {

void pack(const uint8_t* q, size_t n, int bits, uint8_t* out) { pack_scalar(q, n, bits, out); }
void unpack(const uint8_t* packed, size_t n, int bits, bool is_signed, uint8_t* out) {
  unpack_scalar(packed, n, bits, is_signed, out);
}

}  // namespace
}  // namespace quantkit::scalar
