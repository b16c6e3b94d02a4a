#include "descriptor.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace quantkit {
namespace {

// Shortest round-trip form of a slot value, for messages.
std::string show(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

std::string show_range(int64_t lo, int64_t hi) {
  char text[48];
  std::snprintf(text, sizeof text, "[%lld, %lld]", static_cast<long long>(lo), static_cast<long long>(hi));
  return text;
}

}  // namespace

bool Descriptor::refuse_int32(Slot s, const char* code, Failure* f) const {
  return f->set(code, std::string(slot_name(s)) + " must be an int32 integer, got " + show(number(s)));
}

bool Descriptor::refuse_count(Slot s, const char* code, Failure* f) const {
  return f->set(code, std::string(slot_name(s)) + " must be an integer in [0, 2^53], got " + show(number(s)));
}

bool Descriptor::refuse_spec(int32_t qmin, int32_t qmax, IntRange codes, Failure* f) {
  return f->set(kErrBits, "[qmin, qmax] = " + show_range(qmin, qmax) + " must lie in " + show_range(codes.min, codes.max));
}

bool Descriptor::refuse_profile(int32_t profile, Failure* f) {
  return f->set(kErrOption, "profile must be 0 (onnx) or 1 (pytorch), got " + std::to_string(profile));
}

bool Descriptor::refuse_zero_point(int32_t zero_point, IntRange range, Failure* f) {
  return f->set(kErrZeroPoint, "zeroPoint must be in " + show_range(range.min, range.max) + ", got " + std::to_string(zero_point));
}

bool Descriptor::refuse_layout(const Layout& l, size_t length, Failure* f) {
  return f->set(kErrShape, "layout [outer, dim, inner] = [" + std::to_string(l.outer) + ", " + std::to_string(l.dim) + ", " +
                               std::to_string(l.inner) + "] does not hold the " + std::to_string(length) + " elements of the data");
}

bool Descriptor::bits(int* out, Failure* f) const {
  int32_t b = 0;
  if (!int32(Slot::Bits, kErrPacked, &b, f)) return false;
  if (b != 2 && b != 4) return f->set(kErrPacked, "bits must be 2 or 4, got " + std::to_string(b));
  *out = b;
  return true;
}

bool Descriptor::is_signed(bool* out, Failure* f) const {
  const double v = number(Slot::Signed);
  if (v != 0 && v != 1) return f->set(kErrArgument, "signed must be 0 or 1, got " + show(v));
  *out = v == 1;
  return true;
}

bool Descriptor::scheme(QuantSpec spec, ParamScheme* out, Failure* f) const {
  const double v = number(Slot::Scheme);
  if (v != 0 && v != 1) return f->set(kErrOption, "scheme must be 0 (affine) or 1 (symmetric), got " + show(v));
  if (v == 0 && !(spec.qmin < spec.qmax)) return f->set(kErrBits, "affine parameters need qmin < qmax");
  if (v == 1 && !(spec.qmax >= 1)) return f->set(kErrBits, "symmetric parameters need qmax >= 1");
  *out = v == 0 ? ParamScheme::Affine : ParamScheme::Symmetric;
  return true;
}

bool Descriptor::half(HalfType* out, Failure* f) const {
  const double v = number(Slot::Half);
  if (v != 0 && v != 1) return f->set(kErrOption, "half must be 0 (float16) or 1 (bfloat16), got " + show(v));
  *out = v == 0 ? HalfType::F16 : HalfType::BF16;
  return true;
}

bool Descriptor::ggml_format(GgmlFormat* out, Failure* f) const {
  const double v = number(Slot::Format);
  if (!(v >= 0 && v < kGgmlFormatCount) || v != static_cast<double>(static_cast<int32_t>(v))) {
    return f->set(kErrOption, "format must be a GGML format id in [0, " + std::to_string(kGgmlFormatCount) + "), got " + show(v));
  }
  *out = static_cast<GgmlFormat>(static_cast<int32_t>(v));
  return true;
}

bool Descriptor::choice(Slot s, int32_t count, int32_t* out, Failure* f) const {
  const double v = number(s);
  if (!(v >= 0 && v < count) || v != static_cast<double>(static_cast<int32_t>(v))) {
    return f->set(kErrOption, std::string(slot_name(s)) + " must be an integer in [0, " + std::to_string(count) + "), got " + show(v));
  }
  *out = static_cast<int32_t>(v);
  return true;
}

bool Descriptor::histogram_range(bool abs, double* min, double* max, Failure* f) const {
  const double lo = number(Slot::Min);
  const double hi = number(Slot::Max);
  // The kernels' bin arithmetic assumes this (an out-of-range index is impossible either way: bins are clamped).
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo <= hi && std::isfinite(hi - lo))) {
    return f->set(kErrRange, "histogram range [" + show(lo) + ", " + show(hi) + "] must be finite with min <= max");
  }
  if (abs && lo < 0) return f->set(kErrRange, "absHistogram needs min >= 0, got " + show(lo));
  *min = lo;
  *max = hi;
  return true;
}

}  // namespace quantkit
