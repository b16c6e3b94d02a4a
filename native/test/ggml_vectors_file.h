// Reader of the flat golden-vector file written by ggml_vectors.mjs (its header comment has the layout).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../src/kernels/ggml_types.h"

namespace quantkit_test {

struct GgmlVectorCase {
  bool quantize;  // kind 0: input -> bytes -> output; kind 1: random block bytes -> output
  size_t blocks;
  std::string name;
  std::vector<float> input;  // empty for random bytes
  std::vector<uint8_t> bytes;
  std::vector<float> output;
};

struct GgmlFormatVectors {
  quantkit::GgmlFormat format;
  std::vector<GgmlVectorCase> cases;
};

class GgmlVectorReader {
 public:
  explicit GgmlVectorReader(std::vector<uint8_t> data) : data_(std::move(data)) {}

  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == data_.size(); }

  uint32_t u32() {
    uint8_t b[4] = {};
    take(b, 4);
    return static_cast<uint32_t>(b[0]) | (static_cast<uint32_t>(b[1]) << 8) | (static_cast<uint32_t>(b[2]) << 16) |
           (static_cast<uint32_t>(b[3]) << 24);
  }
  void take(void* out, size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return;
    }
    if (n != 0) std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
  }
  template <typename T> std::vector<T> array(size_t count) {
    std::vector<T> v(count);
    take(v.data(), count * sizeof(T));
    return v;
  }

 private:
  std::vector<uint8_t> data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Reads every format's cases; on failure returns false with a message in *error. Assumes a little-endian host (the
// float arrays are copied as they are stored).
inline bool read_ggml_vectors(const char* path, std::vector<GgmlFormatVectors>* out, std::string* error) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) {
    *error = std::string("cannot open ") + path;
    return false;
  }
  std::vector<uint8_t> data;
  uint8_t buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) data.insert(data.end(), buffer, buffer + got);
  std::fclose(f);

  GgmlVectorReader r(std::move(data));
  char magic[8] = {};
  r.take(magic, 8);
  if (!r.ok() || std::memcmp(magic, "QKGGMLV1", 8) != 0) {
    *error = std::string(path) + " is not a ggml_vectors.mjs file (magic QKGGMLV1)";
    return false;
  }
  const uint32_t formats = r.u32();
  for (uint32_t k = 0; k < formats && r.ok(); k++) {
    GgmlFormatVectors fv;
    const uint32_t id = r.u32();
    const uint32_t block_size = r.u32();
    const uint32_t block_bytes = r.u32();
    const uint32_t count = r.u32();
    if (id >= static_cast<uint32_t>(quantkit::kGgmlFormatCount)) {
      *error = "unknown format id " + std::to_string(id);
      return false;
    }
    fv.format = static_cast<quantkit::GgmlFormat>(id);
    if (block_size != quantkit::ggml_block_size(fv.format) || block_bytes != quantkit::ggml_block_bytes(fv.format)) {
      *error = std::string(quantkit::ggml_format_name(fv.format)) + ": block geometry differs from ggml_types.h";
      return false;
    }
    for (uint32_t c = 0; c < count && r.ok(); c++) {
      GgmlVectorCase vc;
      vc.quantize = r.u32() == 0;
      vc.blocks = r.u32();
      const uint32_t name_length = r.u32();
      if (name_length > 1024 || vc.blocks > (1u << 20)) {
        *error = std::string(path) + " is corrupt (a case with a name of " + std::to_string(name_length) + " bytes or " +
                 std::to_string(vc.blocks) + " blocks)";
        return false;
      }
      vc.name.resize(name_length);
      r.take(vc.name.data(), vc.name.size());
      if (vc.quantize) vc.input = r.array<float>(vc.blocks * block_size);
      vc.bytes = r.array<uint8_t>(vc.blocks * block_bytes);
      vc.output = r.array<float>(vc.blocks * block_size);
      fv.cases.push_back(std::move(vc));
    }
    out->push_back(std::move(fv));
  }
  if (!r.ok() || !r.at_end()) {
    *error = std::string(path) + " is truncated or has trailing bytes";
    return false;
  }
  return true;
}

}  // namespace quantkit_test
