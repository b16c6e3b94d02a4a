// The descriptor of a kernel call: one Float64Array of kSlotCount numbers holding every scalar argument and every
// scalar result of every kernel, in the slot order declared once below (the module exports the names as
// descriptorSlots; the TypeScript side finds slot indices by name). Plain C++, no Node.
//
// Descriptor reads the slots a kernel needs and checks them (integers where integers are needed, ranges, layout
// products without overflow), with the error codes of the TypeScript validation; results are written back with
// store_result. Which slots each kernel reads and writes: kernel_entries.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../kernels/ggml_types.h"
#include "../kernels/kernels.h"
#include "../layout/layout.h"
#include "errors.h"

namespace quantkit {

// X(Id, "jsName"), in descriptor order.
#define QUANTKIT_DESCRIPTOR_SLOTS(X)                                                      \
  X(Scale, "scale")           /* quantizeTensor, dequantizeTensor, fakeQuantizeTensor */ \
  X(ZeroPoint, "zeroPoint")   /* the same */                                               \
  X(Qmin, "qmin")             /* quantize*, fakeQuantizeTensor */                          \
  X(Qmax, "qmax")                                                                          \
  X(Profile, "profile")       /* 0 onnx, 1 pytorch */                                      \
  X(Outer, "outer")           /* axis and blocked layouts */                               \
  X(Dim, "dim")               /* the channel count (axis) or the blocked dimension */      \
  X(Inner, "inner")                                                                        \
  X(BlockSize, "blockSize")   /* blocked layouts */                                        \
  X(Bits, "bits")             /* pack, unpack: 2 or 4 */                                   \
  X(Signed, "signed")         /* unpack: 0 or 1 */                                         \
  X(Min, "min")               /* histogram range in; minMax result out */                  \
  X(Max, "max")                                                                            \
  X(AbsMax, "absMax")         /* absMax result */                                          \
  X(SumSq, "sumSq")           /* fakeQuantizeTensor results, in ErrorSums order */         \
  X(SumAbs, "sumAbs")                                                                      \
  X(MaxAbs, "maxAbs")                                                                      \
  X(SumRef2, "sumRef2")                                                                    \
  X(SumApprox2, "sumApprox2")                                                              \
  X(Dot, "dot")                                                                            \
  X(Scheme, "scheme")         /* quantizeBlockedMinMax: 0 affine, 1 symmetric */          \
  X(BadGroup, "badGroup")     /* quantizeBlockedMinMax result: first group without parameters, or -1 */ \
  X(Half, "half")             /* *Half kernels: 0 float16, 1 bfloat16 */                  \
  X(Format, "format")         /* ggml* kernels: the GGML format (GgmlFormat, kernels/ggml_types.h) */ \
  X(BadIndex, "badIndex")     /* ggmlQuantize result: first non-finite element, or -1 */ \
  X(BytesPerRow, "bytesPerRow") /* hammingScan: bytes of one packed row (dim is the embedding kernels' row length) */ \
  X(Precision, "precision")   /* quantizeEmbeddingRows, packBinaryRows: 0 int8, 1 uint8, 2 binary, 3 ubinary */ \
  X(Int8Rounding, "int8Rounding") /* int8 embedding codes: 0 floor, 1 toward-zero */       \
  X(Order, "bitOrder")        /* packBinaryRows: 0 msb, 1 lsb */                           \
  X(Threshold, "threshold")   /* packBinaryRows: 0 positive, 1 nonnegative */              \
  X(K, "k")                   /* topKKernel: how many indices (a count) */                 \
  X(ScoreOrder, "order")      /* topKKernel: 0 ascending, 1 descending */                  \
  X(ResultCount, "resultCount") /* topKKernel result: the indices written */

enum class Slot : size_t {
#define QUANTKIT_SLOT_ID(id, name) id,
  QUANTKIT_DESCRIPTOR_SLOTS(QUANTKIT_SLOT_ID)
#undef QUANTKIT_SLOT_ID
};

constexpr const char* kSlotNames[] = {
#define QUANTKIT_SLOT_NAME(id, name) name,
    QUANTKIT_DESCRIPTOR_SLOTS(QUANTKIT_SLOT_NAME)
#undef QUANTKIT_SLOT_NAME
};

constexpr size_t kSlotCount = sizeof(kSlotNames) / sizeof(kSlotNames[0]);

constexpr size_t slot_index(Slot s) { return static_cast<size_t>(s); }
constexpr const char* slot_name(Slot s) { return kSlotNames[slot_index(s)]; }

// The descriptor crosses as bytes (call.h says why), at any byte offset: slots are copied, never dereferenced as double.
inline void store_result(void* descriptor, Slot s, double value) {
  std::memcpy(static_cast<unsigned char*>(descriptor) + slot_index(s) * sizeof(double), &value, sizeof value);
}

// An inclusive range of int32 values.
struct IntRange {
  int32_t min;
  int32_t max;
};

// The checks of every slot a kernel reads. The passing path is inline and allocation-free (it runs on every call);
// each refusal builds its message out of line (descriptor.cc).
class Descriptor {
 public:
  // Copies the kSlotCount values once, so every check and every use sees the same numbers even if JavaScript writes to
  // the array meanwhile (another thread, through a SharedArrayBuffer).
  explicit Descriptor(const void* values) { std::memcpy(values_, values, sizeof values_); }

  double number(Slot s) const { return values_[slot_index(s)]; }

  // An integer in int32 range.
  bool int32(Slot s, const char* code, int32_t* out, Failure* f) const {
    const double v = number(s);
    // In range first (NaN fails it), so the conversion is defined; an integer converts back to itself.
    if (!(v >= -2147483648.0 && v <= 2147483647.0) || static_cast<double>(static_cast<int32_t>(v)) != v) {
      return refuse_int32(s, code, f);
    }
    *out = static_cast<int32_t>(v);
    return true;
  }

  // A non-negative integer up to 2^53 (an element count).
  bool count(Slot s, const char* code, size_t* out, Failure* f) const {
    const double v = number(s);
    if (!(v >= 0 && v <= 9007199254740992.0) || static_cast<double>(static_cast<int64_t>(v)) != v) return refuse_count(s, code, f);
    *out = static_cast<size_t>(v);
    return true;
  }

  // qmin, qmax and profile; [qmin, qmax] must lie in `codes` (the range of the code type).
  bool spec(IntRange codes, QuantSpec* out, Failure* f) const {
    int32_t qmin = 0, qmax = 0, profile = 0;
    if (!int32(Slot::Qmin, kErrBits, &qmin, f) || !int32(Slot::Qmax, kErrBits, &qmax, f) || !int32(Slot::Profile, kErrOption, &profile, f)) {
      return false;
    }
    if (qmin > qmax || qmin < codes.min || qmax > codes.max) return refuse_spec(qmin, qmax, codes, f);
    if (profile != 0 && profile != 1) return refuse_profile(profile, f);
    *out = QuantSpec{qmin, qmax, static_cast<Profile>(profile)};
    return true;
  }

  // zeroPoint, inside `range`.
  bool zero_point(IntRange range, int32_t* out, Failure* f) const {
    if (!int32(Slot::ZeroPoint, kErrZeroPoint, out, f)) return false;
    if (*out < range.min || *out > range.max) return refuse_zero_point(*out, range, f);
    return true;
  }

  // outer, dim and inner (and blockSize for Block): a layout of `kind` whose product is `length`, without overflow.
  bool layout(Layout::Kind kind, size_t length, Layout* out, Failure* f) const {
    Layout l;
    l.kind = kind;
    if (!count(Slot::Outer, kErrShape, &l.outer, f) || !count(Slot::Dim, kErrShape, &l.dim, f) || !count(Slot::Inner, kErrShape, &l.inner, f)) {
      return false;
    }
    if (kind == Layout::Kind::Block) {
      if (!count(Slot::BlockSize, kErrBlockSize, &l.block_size, f)) return false;
      if (l.block_size < 1) return f->set(kErrBlockSize, "blockSize must be >= 1");
    }
    size_t n;
    if (__builtin_mul_overflow(l.outer, l.dim, &n) || __builtin_mul_overflow(n, l.inner, &n) || n != length) {
      return refuse_layout(l, length, f);
    }
    *out = l;
    return true;
  }

  // bits: 2 or 4.
  bool bits(int* out, Failure* f) const;
  // signed: 0 or 1.
  bool is_signed(bool* out, Failure* f) const;
  // scheme: 0 (affine, which needs qmin < qmax) or 1 (symmetric, which needs qmax >= 1), for the parameters of `spec`.
  bool scheme(QuantSpec spec, ParamScheme* out, Failure* f) const;
  // half: 0 (float16) or 1 (bfloat16).
  bool half(HalfType* out, Failure* f) const;
  // format: a GGML format id, 0 .. kGgmlFormatCount - 1 (GGML_FORMAT_NAMES order).
  bool ggml_format(GgmlFormat* out, Failure* f) const;
  // An integer choice of slot s in [0, count) (an enum's index: precision, int8Rounding, bitOrder, threshold).
  bool choice(Slot s, int32_t count, int32_t* out, Failure* f) const;
  // min and max of a histogram: finite, min <= max, finite max - min, and min >= 0 for |x| (abs).
  bool histogram_range(bool abs, double* min, double* max, Failure* f) const;

 private:
  bool refuse_int32(Slot s, const char* code, Failure* f) const;
  bool refuse_count(Slot s, const char* code, Failure* f) const;
  static bool refuse_spec(int32_t qmin, int32_t qmax, IntRange codes, Failure* f);
  static bool refuse_profile(int32_t profile, Failure* f);
  static bool refuse_zero_point(int32_t zero_point, IntRange range, Failure* f);
  static bool refuse_layout(const Layout& l, size_t length, Failure* f);

  double values_[kSlotCount];
};

}  // namespace quantkit
