// Packing of 2- and 4-bit codes (ONNX order: element 0 in the lowest bits, padding bits zero), ISA-neutral: the
// portable loops (the scalar set, and the tails of vector sets). Internal linkage only (see element.h).
#pragma once

#include "element.h"

namespace quantkit {
namespace {

// Packs q[0, n) into ceil(n * bits / 8) bytes.
inline void pack_scalar(const uint8_t* q, size_t n, int bits, uint8_t* out) {
  const unsigned per_byte = 8u / static_cast<unsigned>(bits);
  const unsigned mask = (1u << bits) - 1u;
  const size_t bytes = (n + per_byte - 1) / per_byte;
  size_t i = 0;
  for (size_t b = 0; b < bytes; b++) {
    unsigned byte = 0;
    for (unsigned k = 0; k < per_byte && i < n; k++, i++) byte |= (q[i] & mask) << (k * static_cast<unsigned>(bits));
    out[b] = static_cast<uint8_t>(byte);
  }
}

// Unpacks n codes, sign-extending each field when is_signed.
inline void unpack_scalar(const uint8_t* packed, size_t n, int bits, bool is_signed, uint8_t* out) {
  const unsigned per_byte = 8u / static_cast<unsigned>(bits);
  const unsigned mask = (1u << bits) - 1u;
  const unsigned sign_bit = 1u << (bits - 1);
  for (size_t i = 0; i < n; i++) {
    const unsigned field = (packed[i / per_byte] >> ((i % per_byte) * static_cast<unsigned>(bits))) & mask;
    out[i] = static_cast<uint8_t>(is_signed && (field & sign_bit) ? field | ~mask : field);
  }
}

}  // namespace
}  // namespace quantkit
