// The Node-API binding of quantkit's kernels; the only file that includes napi.h.
//
// JavaScript interface (abiVersion 1; packages/quant-native/src/addon.ts declares it for TypeScript):
//
//   abiVersion, version, isa (what 'auto' picks here), hardwareConcurrency
//   createEngine(isa: 'auto' | 'avx2' | 'scalar', threads: 1..256) -> Engine
//   Engine = { isa, threads, <kernels>, <kernels>Async }; the module exports also hold the kernels of a default engine
//   ('auto', all available cores).
//
//   quantizeTensor(x, scale, zp, qmin, qmax, profile, out)                       profile: 0 onnx, 1 pytorch
//   quantizeAxis(x, scales, zps, outer, channels, inner, qmin, qmax, profile, out)
//   quantizeBlocked(x, scales, zps, outer, dim, inner, blockSize, qmin, qmax, profile, out)
//   dequantizeTensor(q, scale, zp, out)
//   dequantizeAxis(q, scales, zps, outer, channels, inner, out)
//   dequantizeBlocked(q, scales, zps, outer, dim, inner, blockSize, out)
//   fakeQuantizeTensor(x, scale, zp, qmin, qmax, profile, out, sums)             sums: Float64Array(6), ErrorSums order
//   minMax(x, result)                                                            result: Float64Array(2) = [min, max]
//   absMax(x, result)                                                            result: Float64Array(1)
//   minMaxAxis(x, outer, channels, inner, outMin, outMax)
//   minMaxBlocked(x, outer, dim, inner, blockSize, outMin, outMax)
//   pack(q, bits, out)
//   unpack(packed, bits, signed, out)
//   histogram(x, min, max, counts)                                               counts: Uint32Array or Float64Array,
//   absHistogram(x, min, max, counts)                                            ADDED to (calibrate/histogram.ts)
//
//   <kernel>Async(...the same arguments, cancel?: Int32Array) -> Promise<undefined>: runs on the libuv thread pool
//   (plus this addon's pool), keeps every array argument referenced until it settles, stops between chunks once
//   cancel[0] != 0 (Atomics.store from JavaScript) and then rejects with an Error named 'AbortError' (code ABORT_ERR).
//
// x and float outputs are Float32Array or Float64Array; codes Int8/Uint8/Int16/Uint16Array; scales Float32Array or
// Float64Array, zero points Int32Array. Any byteOffset, SharedArrayBuffer views included. Argument values are
// validated once in TypeScript (packages/quant-core); this file re-checks everything that decides which memory is
// read or written (array types, lengths, layout products, group counts), plus cheap scalar ranges, and throws an
// Error with a quantkit `code` instead of touching memory out of bounds. Per-group scale and zero point values are
// not re-checked here (that would be an O(groups) pass on the JavaScript thread); a bad one gives wrong codes, never
// an out-of-bounds access.
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "../bench/bandwidth.h"
#include "../dispatch/dispatch.h"
#include "jobs.h"
#include "thread_pool.h"

#ifndef QUANT_NATIVE_VERSION
#error "QUANT_NATIVE_VERSION must be defined by the build (see native/CMakeLists.txt)"
#endif

namespace quantkit {
namespace {

// Version of the JavaScript interface above. packages/quant-native/src/addon.ts has the same number; the loader
// refuses a binary whose number differs. Bump both whenever a function, an argument or a result changes.
constexpr int32_t kAbiVersion = 2;

constexpr size_t kMaxArgs = 12;
constexpr size_t kMaxArrays = 6;  // the most typed arrays a call takes: quantizeAxis/Blocked async, 5

constexpr const char* kErrInputType = "ERR_QUANT_INPUT_TYPE";
constexpr const char* kErrShape = "ERR_QUANT_SHAPE";
constexpr const char* kErrOutput = "ERR_QUANT_OUTPUT";
constexpr const char* kErrScale = "ERR_QUANT_SCALE";
constexpr const char* kErrZeroPoint = "ERR_QUANT_ZERO_POINT";
constexpr const char* kErrBits = "ERR_QUANT_BITS";
constexpr const char* kErrPacked = "ERR_QUANT_PACKED";
constexpr const char* kErrBlockSize = "ERR_QUANT_BLOCK_SIZE";
constexpr const char* kErrOption = "ERR_QUANT_OPTION";
constexpr const char* kErrRange = "ERR_QUANT_RANGE";
constexpr const char* kErrArgument = "ERR_QUANT_NATIVE_ARGUMENT";
constexpr const char* kErrIsa = "ERR_QUANT_NATIVE_ISA";
constexpr const char* kErrThreads = "ERR_QUANT_NATIVE_THREADS";

// Per-environment state (napi_set_instance_data): each worker_thread that loads the addon gets its own.
struct AddonState;

// A kernel table and a thread count; the `data` of every function of one engine object.
struct Engine {
  const KernelTable* table;
  unsigned threads;
  AddonState* state;
};

struct AddonState {
  // Shared with in-flight async calls, so the pool outlives the environment's teardown if it must.
  std::shared_ptr<ThreadPool> pool = std::make_shared<ThreadPool>();
  // One engine per (table, threads) pair, kept until the environment is torn down (functions point at them).
  std::vector<std::unique_ptr<Engine>> engines;

  Engine* engine(const KernelTable* table, unsigned threads) {
    for (auto& e : engines) {
      if (e->table == table && e->threads == threads) return e.get();
    }
    engines.push_back(std::make_unique<Engine>(Engine{table, threads, this}));
    return engines.back().get();
  }
};

// Throws a JavaScript Error with a `code`; returns nullptr so callbacks can `return fail(...)` (undefined).
napi_value fail(napi_env env, const char* code, const std::string& message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, code, message.c_str());
  return nullptr;
}

bool checked_mul(size_t a, size_t b, size_t* out) { return !__builtin_mul_overflow(a, b, out); }

// ---- argument unpacking ----------------------------------------------------------------------------------------------

// The arguments of one call. Getters throw on the first bad argument and return false; typed arrays are recorded so
// an async call can keep them alive.
class Call {
 public:
  Call(napi_env env, napi_callback_info info) : env_(env) {
    void* data = nullptr;
    napi_get_cb_info(env, info, &argc_, argv_, nullptr, &data);
    engine_ = static_cast<Engine*>(data);
  }

  napi_env env() const { return env_; }
  Engine* engine() const { return engine_; }
  const napi_value* arrays() const { return arrays_; }
  size_t array_count() const { return array_count_; }

  bool fail(const char* code, const std::string& message) {
    quantkit::fail(env_, code, message);
    return false;
  }

  bool float_input(size_t i, const char* name, FloatInput* out) {
    FloatType type;
    if (!float_array(i, name, kErrInputType, &type, const_cast<void**>(&out->data), &out->length)) return false;
    out->type = type;
    return true;
  }

  bool float_output(size_t i, const char* name, FloatOutput* out) {
    return float_array(i, name, kErrOutput, &out->type, &out->data, &out->length);
  }

  bool int_array(size_t i, const char* name, const char* code, IntBuffer* out) {
    napi_typedarray_type type;
    if (!typed_array(i, name, code, &type, &out->data, &out->length)) return false;
    switch (type) {
      case napi_int8_array: out->type = IntType::I8; return true;
      case napi_uint8_array: out->type = IntType::U8; return true;
      case napi_int16_array: out->type = IntType::I16; return true;
      case napi_uint16_array: out->type = IntType::U16; return true;
      default: return fail(code, std::string(name) + " must be an Int8Array, Uint8Array, Int16Array or Uint16Array");
    }
  }

  // An array of exactly one element type; min_length is checked when expected_length is SIZE_MAX.
  bool exact_array(size_t i, const char* name, const char* code, napi_typedarray_type want, const char* want_name,
                   void** data, size_t* length) {
    napi_typedarray_type type;
    if (!typed_array(i, name, code, &type, data, length)) return false;
    if (type != want) return fail(code, std::string(name) + " must be a " + want_name);
    return true;
  }

  // Histogram counts: a Uint32Array or Float64Array of 1 .. 2^31 - 1 elements.
  bool histogram_counts(size_t i, HistogramCounts* out) {
    napi_typedarray_type type;
    if (!typed_array(i, "counts", kErrOutput, &type, &out->data, &out->bins)) return false;
    if (type == napi_uint32_array) out->type = HistogramCounts::Type::U32;
    else if (type == napi_float64_array) out->type = HistogramCounts::Type::F64;
    else return fail(kErrOutput, "counts must be a Uint32Array or Float64Array");
    if (out->bins < 1 || out->bins > 2147483647u) return fail(kErrOutput, "counts must have 1 to 2^31 - 1 elements");
    return true;
  }

  bool float64_slots(size_t i, const char* name, size_t count, double** out) {
    void* data;
    size_t length;
    if (!exact_array(i, name, kErrOutput, napi_float64_array, "Float64Array", &data, &length)) return false;
    if (length != count) return fail(kErrOutput, std::string(name) + " must have " + std::to_string(count) + " elements, got " + std::to_string(length));
    *out = static_cast<double*>(data);
    return true;
  }

  bool number(size_t i, const char* name, double* out) {
    if (napi_get_value_double(env_, argv_[i], out) != napi_ok) return fail(kErrArgument, std::string(name) + " must be a number");
    return true;
  }

  bool int32(size_t i, const char* name, const char* code, int32_t* out) {
    double v;
    if (!number(i, name, &v)) return false;
    if (!(v >= -2147483648.0 && v <= 2147483647.0) || v != std::floor(v)) return fail(code, std::string(name) + " must be an int32 integer");
    *out = static_cast<int32_t>(v);
    return true;
  }

  // A non-negative integer element count (up to 2^53).
  bool count(size_t i, const char* name, const char* code, size_t* out) {
    double v;
    if (!number(i, name, &v)) return false;
    if (!(v >= 0 && v <= 9007199254740992.0) || v != std::floor(v)) return fail(code, std::string(name) + " must be an integer >= 0");
    *out = static_cast<size_t>(v);
    return true;
  }

  bool boolean(size_t i, const char* name, bool* out) {
    if (napi_get_value_bool(env_, argv_[i], out) != napi_ok) return fail(kErrArgument, std::string(name) + " must be a boolean");
    return true;
  }

  // The optional cancel flag of an async call: undefined, or an Int32Array with at least one element.
  bool cancel_flag(size_t i, const int32_t** out) {
    napi_valuetype t;
    napi_typeof(env_, argv_[i], &t);
    if (t == napi_undefined) {
      *out = nullptr;
      return true;
    }
    void* data;
    size_t length;
    if (!exact_array(i, "cancel", kErrArgument, napi_int32_array, "Int32Array", &data, &length)) return false;
    if (length < 1) return fail(kErrArgument, "cancel must have at least one element");
    *out = static_cast<const int32_t*>(data);
    return true;
  }

  // Async calls refuse resizable (non-shared) ArrayBuffers: one could shrink while a worker thread still uses it.
  bool check_not_resizable() {
    for (size_t k = 0; k < array_count_; k++) {
      napi_value buffer;
      napi_typedarray_type type;
      size_t length, offset;
      void* data;
      if (napi_get_typedarray_info(env_, arrays_[k], &type, &length, &data, &buffer, &offset) != napi_ok) continue;
      bool is_arraybuffer = false;
      napi_is_arraybuffer(env_, buffer, &is_arraybuffer);
      if (!is_arraybuffer) continue;  // SharedArrayBuffer: may only grow
      napi_value resizable;
      if (napi_get_named_property(env_, buffer, "resizable", &resizable) != napi_ok) return false;
      bool value = false;
      napi_get_value_bool(env_, resizable, &value);
      if (value) return fail(kErrArgument, "async calls do not accept views on resizable ArrayBuffers (they could shrink during the call)");
    }
    return true;
  }

 private:
  bool typed_array(size_t i, const char* name, const char* code, napi_typedarray_type* type, void** data, size_t* length) {
    napi_value buffer;
    size_t offset;
    if (napi_get_typedarray_info(env_, argv_[i], type, length, data, &buffer, &offset) != napi_ok) {
      return fail(code, std::string(name) + " must be a typed array");
    }
    if (array_count_ < kMaxArrays) arrays_[array_count_++] = argv_[i];
    return true;
  }

  bool float_array(size_t i, const char* name, const char* code, FloatType* type, void** data, size_t* length) {
    napi_typedarray_type t;
    if (!typed_array(i, name, code, &t, data, length)) return false;
    if (t == napi_float32_array) *type = FloatType::F32;
    else if (t == napi_float64_array) *type = FloatType::F64;
    else return fail(code, std::string(name) + " must be a Float32Array or Float64Array");
    return true;
  }

  napi_env env_;
  Engine* engine_ = nullptr;
  size_t argc_ = kMaxArgs;
  napi_value argv_[kMaxArgs];
  napi_value arrays_[kMaxArrays];
  size_t array_count_ = 0;
};

struct IntRange {
  int32_t min;
  int32_t max;
};

IntRange range_of(IntType t) {
  switch (t) {
    case IntType::I8: return {-128, 127};
    case IntType::U8: return {0, 255};
    case IntType::I16: return {-32768, 32767};
    case IntType::U16: return {0, 65535};
  }
  return {0, 0};
}

// qmin, qmax and profile at consecutive positions; [qmin, qmax] must fit `range`.
bool parse_spec(Call& c, size_t i, IntRange range, QuantSpec* spec) {
  int32_t profile;
  if (!c.int32(i, "qmin", kErrBits, &spec->qmin) || !c.int32(i + 1, "qmax", kErrBits, &spec->qmax) ||
      !c.int32(i + 2, "profile", kErrOption, &profile)) {
    return false;
  }
  if (spec->qmin > spec->qmax || spec->qmin < range.min || spec->qmax > range.max) {
    return c.fail(kErrBits, "[qmin, qmax] = [" + std::to_string(spec->qmin) + ", " + std::to_string(spec->qmax) + "] must lie in [" +
                                std::to_string(range.min) + ", " + std::to_string(range.max) + "]");
  }
  if (profile != 0 && profile != 1) return c.fail(kErrOption, "profile must be 0 (onnx) or 1 (pytorch)");
  spec->profile = static_cast<Profile>(profile);
  return true;
}

bool parse_zero_point(Call& c, size_t i, int32_t lo, int32_t hi, int32_t* zp) {
  if (!c.int32(i, "zeroPoint", kErrZeroPoint, zp)) return false;
  if (*zp < lo || *zp > hi) return c.fail(kErrZeroPoint, "zeroPoint must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return true;
}

// outer, dim (channels) and inner at i..i+2, then blockSize at i+3 for a blocked layout. Checks the product against
// `length` without overflow and returns the number of groups.
bool parse_layout(Call& c, size_t i, GroupLayout::Kind kind, size_t length, GroupLayout* layout, size_t* groups) {
  layout->kind = kind;
  const char* dim_name = kind == GroupLayout::Kind::Axis ? "channels" : "dim";
  if (!c.count(i, "outer", kErrShape, &layout->outer) || !c.count(i + 1, dim_name, kErrShape, &layout->dim) ||
      !c.count(i + 2, "inner", kErrShape, &layout->inner)) {
    return false;
  }
  if (kind == GroupLayout::Kind::Block) {
    if (!c.count(i + 3, "blockSize", kErrBlockSize, &layout->block_size)) return false;
    if (layout->block_size < 1) return c.fail(kErrBlockSize, "blockSize must be >= 1");
  }
  size_t n;
  if (!checked_mul(layout->outer, layout->dim, &n) || !checked_mul(n, layout->inner, &n) || n != length) {
    return c.fail(kErrShape, "layout does not hold the " + std::to_string(length) + " elements of the data");
  }
  if (kind == GroupLayout::Kind::Axis) {
    *groups = layout->dim;
  } else {
    // outer * blocks * inner <= outer * dim * inner = length: no overflow.
    *groups = layout->outer * layout->blocks() * layout->inner;
  }
  return true;
}

// scales (any float array) and zero points (Int32Array) at i, i+1, each with `groups` elements.
bool parse_group_params(Call& c, size_t i, size_t groups, GroupParams* params) {
  FloatInput scales;
  if (!c.float_input(i, "scales", &scales)) return false;
  if (scales.length != groups) return c.fail(kErrScale, "scales must have " + std::to_string(groups) + " elements, got " + std::to_string(scales.length));
  void* zps;
  size_t zps_length;
  if (!c.exact_array(i + 1, "zeroPoints", kErrZeroPoint, napi_int32_array, "Int32Array", &zps, &zps_length)) return false;
  if (zps_length != groups) return c.fail(kErrZeroPoint, "zeroPoints must have " + std::to_string(groups) + " elements, got " + std::to_string(zps_length));
  params->scales_type = scales.type;
  params->scales = scales.data;
  params->zero_points = static_cast<const int32_t*>(zps);
  return true;
}

bool same_length(Call& c, size_t out_length, size_t length, const char* code = kErrOutput) {
  if (out_length != length) return c.fail(code, "out must have " + std::to_string(length) + " elements, got " + std::to_string(out_length));
  return true;
}

// ---- one parser per kernel: fills the arguments of a job ---------------------------------------------------------------

struct QuantizeArgs {
  FloatInput x;
  IntBuffer out;
  GroupLayout layout;
  GroupParams params;
  QuantSpec spec;
  QuantizeJob job(const KernelTable* t) const { return QuantizeJob(t, x, out, layout, params, spec); }
};

template <GroupLayout::Kind K> struct Quantize : QuantizeArgs {
  // (x, scale, zp | scales, zps [, layout...], qmin, qmax, profile, out)
  static constexpr size_t kLayoutArgs = K == GroupLayout::Kind::Tensor ? 0 : K == GroupLayout::Kind::Axis ? 3 : 4;
  static constexpr size_t kArgc = 7 + kLayoutArgs;
  bool parse(Call& c) {
    const size_t spec_at = 3 + kLayoutArgs;
    if (!c.float_input(0, "x", &x) || !c.int_array(kArgc - 1, "out", kErrOutput, &out) || !same_length(c, out.length, x.length) ||
        !parse_spec(c, spec_at, range_of(out.type), &spec)) {
      return false;
    }
    if (K == GroupLayout::Kind::Tensor) {
      return c.number(1, "scale", &params.scale) && parse_zero_point(c, 2, spec.qmin, spec.qmax, &params.zero_point);
    }
    size_t groups;
    return parse_layout(c, 3, K, x.length, &layout, &groups) && parse_group_params(c, 1, groups, &params);
  }
};

struct DequantizeArgs {
  IntBuffer q;
  FloatOutput out;
  GroupLayout layout;
  GroupParams params;
  DequantizeJob job(const KernelTable* t) const { return DequantizeJob(t, q, out, layout, params); }
};

template <GroupLayout::Kind K> struct Dequantize : DequantizeArgs {
  // (q, scale, zp | scales, zps [, layout...], out)
  static constexpr size_t kLayoutArgs = K == GroupLayout::Kind::Tensor ? 0 : K == GroupLayout::Kind::Axis ? 3 : 4;
  static constexpr size_t kArgc = 4 + kLayoutArgs;
  bool parse(Call& c) {
    if (!c.int_array(0, "q", kErrInputType, &q) || !c.float_output(kArgc - 1, "out", &out) || !same_length(c, out.length, q.length)) {
      return false;
    }
    if (K == GroupLayout::Kind::Tensor) {
      const IntRange r = range_of(q.type);
      return c.number(1, "scale", &params.scale) && parse_zero_point(c, 2, r.min, r.max, &params.zero_point);
    }
    size_t groups;
    return parse_layout(c, 3, K, q.length, &layout, &groups) && parse_group_params(c, 1, groups, &params);
  }
};

struct FakeQuantize {
  // (x, scale, zp, qmin, qmax, profile, out, sums)
  static constexpr size_t kArgc = 8;
  FloatInput x;
  FloatOutput out;
  double scale;
  int32_t zp;
  QuantSpec spec;
  double* sums;
  bool parse(Call& c) {
    if (!c.float_input(0, "x", &x) || !c.float_output(6, "out", &out) || !same_length(c, out.length, x.length)) return false;
    if (out.type != x.type) return c.fail(kErrOutput, "out must have the same element type as x");
    return c.number(1, "scale", &scale) && parse_spec(c, 3, IntRange{-32768, 65535}, &spec) &&
           parse_zero_point(c, 2, spec.qmin, spec.qmax, &zp) && c.float64_slots(7, "sums", 6, &sums);
  }
  FakeQuantizeJob job(const KernelTable* t) const { return FakeQuantizeJob(t, x, out, scale, zp, spec, sums); }
};

template <ReduceJob::Kind K> struct Reduce {
  // (x, result)
  static constexpr size_t kArgc = 2;
  FloatInput x;
  double* result;
  bool parse(Call& c) { return c.float_input(0, "x", &x) && c.float64_slots(1, "result", K == ReduceJob::Kind::MinMax ? 2 : 1, &result); }
  ReduceJob job(const KernelTable* t) const { return ReduceJob(t, x, K, result); }
};

template <GroupLayout::Kind K> struct GroupMinMax {
  // (x, layout..., outMin, outMax)
  static constexpr size_t kLayoutArgs = K == GroupLayout::Kind::Axis ? 3 : 4;
  static constexpr size_t kArgc = 3 + kLayoutArgs;
  FloatInput x;
  GroupLayout layout;
  double* out_min;
  double* out_max;
  bool parse(Call& c) {
    size_t groups;
    return c.float_input(0, "x", &x) && parse_layout(c, 1, K, x.length, &layout, &groups) &&
           c.float64_slots(kArgc - 2, "outMin", groups, &out_min) && c.float64_slots(kArgc - 1, "outMax", groups, &out_max);
  }
  GroupMinMaxJob job(const KernelTable* t) const { return GroupMinMaxJob(t, x, layout, out_min, out_max); }
};

bool parse_bits(Call& c, size_t i, int* bits) {
  int32_t b;
  if (!c.int32(i, "bits", kErrPacked, &b)) return false;
  if (b != 2 && b != 4) return c.fail(kErrPacked, "bits must be 2 or 4");
  *bits = b;
  return true;
}

size_t packed_bytes(size_t count, int bits) { return count / static_cast<size_t>(8 / bits) + (count % static_cast<size_t>(8 / bits) != 0); }

struct Pack {
  // (q, bits, out)
  static constexpr size_t kArgc = 3;
  IntBuffer q;
  int bits;
  uint8_t* out;
  bool parse(Call& c) {
    void* data;
    size_t length;
    if (!c.int_array(0, "q", kErrInputType, &q) || !parse_bits(c, 1, &bits) ||
        !c.exact_array(2, "out", kErrOutput, napi_uint8_array, "Uint8Array", &data, &length)) {
      return false;
    }
    if (q.type != IntType::I8 && q.type != IntType::U8) return c.fail(kErrInputType, "q must be an Int8Array or Uint8Array");
    if (length != packed_bytes(q.length, bits)) return c.fail(kErrPacked, "out must have " + std::to_string(packed_bytes(q.length, bits)) + " bytes");
    out = static_cast<uint8_t*>(data);
    return true;
  }
  PackJob job(const KernelTable* t) const { return PackJob(t, false, static_cast<const uint8_t*>(q.data), q.length, bits, false, out); }
};

struct Unpack {
  // (packed, bits, signed, out)
  static constexpr size_t kArgc = 4;
  const uint8_t* packed;
  int bits;
  bool is_signed;
  IntBuffer out;
  bool parse(Call& c) {
    void* data;
    size_t length;
    if (!c.exact_array(0, "packed", kErrInputType, napi_uint8_array, "Uint8Array", &data, &length) || !parse_bits(c, 1, &bits) ||
        !c.boolean(2, "signed", &is_signed) || !c.int_array(3, "out", kErrOutput, &out)) {
      return false;
    }
    if (out.type != IntType::I8 && out.type != IntType::U8) return c.fail(kErrOutput, "out must be an Int8Array or Uint8Array");
    if (length != packed_bytes(out.length, bits)) return c.fail(kErrPacked, "packed must have " + std::to_string(packed_bytes(out.length, bits)) + " bytes");
    packed = static_cast<const uint8_t*>(data);
    return true;
  }
  PackJob job(const KernelTable* t) const { return PackJob(t, true, packed, out.length, bits, is_signed, static_cast<uint8_t*>(out.data)); }
};

template <bool Abs> struct Histogram {
  // (x, min, max, counts)
  static constexpr size_t kArgc = 4;
  FloatInput x;
  double min;
  double max;
  HistogramCounts counts;
  bool parse(Call& c) {
    if (!c.float_input(0, "x", &x) || !c.number(1, "min", &min) || !c.number(2, "max", &max) || !c.histogram_counts(3, &counts)) return false;
    // The kernels' bin arithmetic assumes this (an out-of-range index is impossible either way: bins are clamped).
    if (!(std::isfinite(min) && std::isfinite(max) && min <= max && std::isfinite(max - min))) {
      return c.fail(kErrRange, "histogram range must be finite with min <= max");
    }
    if (Abs && min < 0) return c.fail(kErrRange, "absHistogram needs min >= 0");
    return true;
  }
  HistogramJob job(const KernelTable* t) const { return HistogramJob(t, x, Abs, min, max, counts); }
};

// ---- sync and async entry points ---------------------------------------------------------------------------------------

template <typename Args> napi_value RunSync(napi_env env, napi_callback_info info) {
  Call call(env, info);
  Args args;
  if (!args.parse(call)) return nullptr;
  Engine* e = call.engine();
  auto job = args.job(e->table);
  execute(job, *e->state->pool, e->threads, nullptr);
  return nullptr;
}

// One async kernel call: queued on the libuv thread pool, settles a promise on the JavaScript thread.
class AsyncCall {
 public:
  // Every typed array of the call (the cancel flag included) is referenced until Complete.
  static napi_value Start(Call& call, std::unique_ptr<Job> job, const int32_t* cancel) {
    napi_env env = call.env();
    std::unique_ptr<AsyncCall> self(new AsyncCall());
    self->job_ = std::move(job);
    self->pool_ = call.engine()->state->pool;
    self->threads_ = call.engine()->threads;
    self->cancel_ = cancel;
    self->env_ = env;
    for (size_t k = 0; k < call.array_count(); k++) {
      if (napi_create_reference(env, call.arrays()[k], 1, &self->refs_[self->ref_count_]) != napi_ok) return fail(env, kErrArgument, "cannot reference an argument");
      self->ref_count_++;
    }
    napi_value promise;
    napi_value name;
    if (napi_create_promise(env, &self->deferred_, &promise) != napi_ok ||
        napi_create_string_utf8(env, "quantkit", NAPI_AUTO_LENGTH, &name) != napi_ok ||
        napi_create_async_work(env, nullptr, name, Execute, Complete, self.get(), &self->work_) != napi_ok) {
      return fail(env, kErrArgument, "cannot create the async work");
    }
    if (napi_queue_async_work(env, self->work_) != napi_ok) return fail(env, kErrArgument, "cannot queue the async work");
    self.release();  // owned by the queued work until Complete
    return promise;
  }

  ~AsyncCall() {
    for (size_t k = 0; k < ref_count_; k++) napi_delete_reference(env_, refs_[k]);
    if (work_ != nullptr) napi_delete_async_work(env_, work_);
  }

 private:
  AsyncCall() = default;

  // On a libuv worker thread: no Node-API calls here.
  static void Execute(napi_env, void* data) {
    auto* self = static_cast<AsyncCall*>(data);
    self->completed_ = execute(*self->job_, *self->pool_, self->threads_, self->cancel_);
  }

  static void Complete(napi_env env, napi_status status, void* data) {
    std::unique_ptr<AsyncCall> self(static_cast<AsyncCall*>(data));
    if (status == napi_ok && self->completed_) {
      napi_value undefined;
      napi_get_undefined(env, &undefined);
      napi_resolve_deferred(env, self->deferred_, undefined);
      return;
    }
    napi_value message, code, error, name;
    napi_create_string_utf8(env, "The operation was aborted", NAPI_AUTO_LENGTH, &message);
    napi_create_string_utf8(env, "ABORT_ERR", NAPI_AUTO_LENGTH, &code);
    napi_create_string_utf8(env, "AbortError", NAPI_AUTO_LENGTH, &name);
    napi_create_error(env, code, message, &error);
    napi_set_named_property(env, error, "name", name);
    napi_reject_deferred(env, self->deferred_, error);
  }

  std::unique_ptr<Job> job_;
  std::shared_ptr<ThreadPool> pool_;
  unsigned threads_ = 1;
  const int32_t* cancel_ = nullptr;
  bool completed_ = false;
  napi_env env_ = nullptr;
  napi_deferred deferred_ = nullptr;
  napi_async_work work_ = nullptr;
  napi_ref refs_[kMaxArrays];
  size_t ref_count_ = 0;
};

template <typename Args> napi_value RunAsync(napi_env env, napi_callback_info info) {
  Call call(env, info);
  Args args;
  const int32_t* cancel = nullptr;
  if (!args.parse(call) || !call.cancel_flag(Args::kArgc, &cancel) || !call.check_not_resizable()) return nullptr;
  using JobType = decltype(args.job(nullptr));
  std::unique_ptr<Job> job(new JobType(args.job(call.engine()->table)));
  return AsyncCall::Start(call, std::move(job), cancel);
}

// ---- engines and module setup --------------------------------------------------------------------------------------

struct KernelEntry {
  const char* name;
  const char* async_name;
  napi_callback sync;
  napi_callback async;
};

template <typename Args> constexpr KernelEntry entry(const char* name, const char* async_name) {
  return KernelEntry{name, async_name, RunSync<Args>, RunAsync<Args>};
}

using K = GroupLayout::Kind;

const KernelEntry kKernels[] = {
    entry<Quantize<K::Tensor>>("quantizeTensor", "quantizeTensorAsync"),
    entry<Quantize<K::Axis>>("quantizeAxis", "quantizeAxisAsync"),
    entry<Quantize<K::Block>>("quantizeBlocked", "quantizeBlockedAsync"),
    entry<Dequantize<K::Tensor>>("dequantizeTensor", "dequantizeTensorAsync"),
    entry<Dequantize<K::Axis>>("dequantizeAxis", "dequantizeAxisAsync"),
    entry<Dequantize<K::Block>>("dequantizeBlocked", "dequantizeBlockedAsync"),
    entry<FakeQuantize>("fakeQuantizeTensor", "fakeQuantizeTensorAsync"),
    entry<Reduce<ReduceJob::Kind::MinMax>>("minMax", "minMaxAsync"),
    entry<Reduce<ReduceJob::Kind::AbsMax>>("absMax", "absMaxAsync"),
    entry<GroupMinMax<K::Axis>>("minMaxAxis", "minMaxAxisAsync"),
    entry<GroupMinMax<K::Block>>("minMaxBlocked", "minMaxBlockedAsync"),
    entry<Pack>("pack", "packAsync"),
    entry<Unpack>("unpack", "unpackAsync"),
    entry<Histogram<false>>("histogram", "histogramAsync"),
    entry<Histogram<true>>("absHistogram", "absHistogramAsync"),
};

// Defines isa, threads and every kernel of `engine` on `target`.
bool define_engine(napi_env env, napi_value target, Engine* engine) {
  constexpr size_t kernels = sizeof(kKernels) / sizeof(kKernels[0]);
  napi_property_descriptor props[2 * kernels + 2];
  napi_value isa, threads;
  if (napi_create_string_utf8(env, engine->table->isa, NAPI_AUTO_LENGTH, &isa) != napi_ok ||
      napi_create_uint32(env, engine->threads, &threads) != napi_ok) {
    return false;
  }
  size_t n = 0;
  props[n++] = {"isa", nullptr, nullptr, nullptr, nullptr, isa, napi_enumerable, nullptr};
  props[n++] = {"threads", nullptr, nullptr, nullptr, nullptr, threads, napi_enumerable, nullptr};
  for (const KernelEntry& k : kKernels) {
    props[n++] = {k.name, nullptr, k.sync, nullptr, nullptr, nullptr, napi_enumerable, engine};
    props[n++] = {k.async_name, nullptr, k.async, nullptr, nullptr, nullptr, napi_enumerable, engine};
  }
  return napi_define_properties(env, target, n, props) == napi_ok;
}

// createEngine(isa, threads)
napi_value CreateEngine(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void* data = nullptr;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  auto* state = static_cast<AddonState*>(data);
  char isa[32];
  size_t isa_length = 0;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], isa, sizeof(isa), &isa_length) != napi_ok) {
    return fail(env, kErrIsa, "isa must be a string ('auto', 'avx2' or 'scalar')");
  }
  double threads = 0;
  if (napi_get_value_double(env, argv[1], &threads) != napi_ok || !(threads >= 1 && threads <= kMaxThreads) || threads != std::floor(threads)) {
    return fail(env, kErrThreads, "threads must be an integer in 1.." + std::to_string(kMaxThreads));
  }
  std::string error;
  const KernelTable* table = select_kernels(isa, &error);
  if (table == nullptr) return fail(env, kErrIsa, error);
  napi_value engine;
  if (napi_create_object(env, &engine) != napi_ok || !define_engine(env, engine, state->engine(table, static_cast<unsigned>(threads)))) {
    return fail(env, kErrArgument, "cannot create the engine object");
  }
  return engine;
}

// ---- memory-bandwidth probes (packages/quant-bench measures this machine's limit with them) -------------------------

// benchRead(Float32Array) -> number: streams through the array (src/bench/bandwidth.h).
Napi::Value BenchRead(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    Napi::TypeError::New(info.Env(), "benchRead needs a Float32Array").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  Napi::Float32Array data = info[0].As<Napi::Float32Array>();
  return Napi::Number::New(info.Env(), bench::read_sum(data.Data(), data.ElementLength()));
}

// benchCopy(src, dst): copies min(src.byteLength, dst.byteLength) bytes between two typed arrays.
Napi::Value BenchCopy(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsTypedArray()) {
    Napi::TypeError::New(info.Env(), "benchCopy needs two typed arrays").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  Napi::TypedArray src = info[0].As<Napi::TypedArray>();
  Napi::TypedArray dst = info[1].As<Napi::TypedArray>();
  const auto* from = static_cast<const uint8_t*>(src.ArrayBuffer().Data()) + src.ByteOffset();
  auto* to = static_cast<uint8_t*>(dst.ArrayBuffer().Data()) + dst.ByteOffset();
  bench::copy_bytes(from, to, std::min(src.ByteLength(), dst.ByteLength()));
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* state = new AddonState();
  env.SetInstanceData<AddonState>(state);  // deleted when this environment is torn down
  const unsigned cores = std::min(available_cores(), kMaxThreads);
  const KernelTable* auto_table = select_kernels("auto", nullptr);

  exports.Set("abiVersion", Napi::Number::New(env, kAbiVersion));
  exports.Set("version", Napi::String::New(env, QUANT_NATIVE_VERSION));
  exports.Set("isa", Napi::String::New(env, auto_table->isa));
  exports.Set("availableIsas", Napi::String::New(env, available_isas()));
  exports.Set("hardwareConcurrency", Napi::Number::New(env, cores));
  napi_value create;
  napi_create_function(env, "createEngine", NAPI_AUTO_LENGTH, CreateEngine, state, &create);
  exports.Set("createEngine", Napi::Value(env, create));
  exports.Set("benchRead", Napi::Function::New(env, BenchRead, "benchRead"));
  exports.Set("benchCopy", Napi::Function::New(env, BenchCopy, "benchCopy"));
  if (!define_engine(env, exports, state->engine(auto_table, cores))) {
    Napi::Error::New(env, "quantkit: cannot define the default engine").ThrowAsJavaScriptException();
  }
  return exports;
}

}  // namespace
}  // namespace quantkit

namespace {
Napi::Object InitQuantNative(Napi::Env env, Napi::Object exports) { return quantkit::Init(env, exports); }
}  // namespace

NODE_API_MODULE(quant_native, InitQuantNative)
