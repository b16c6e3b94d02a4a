// Reading the arguments of one kernel call from Node-API: the entry's typed arrays in the order it declares them
// (kernel_entries.h), then the descriptor, then (async) the optional cancel flag. Every typed array read is recorded
// so an async call can keep it referenced until it settles.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>

#include "arrays.h"
#include "descriptor.h"
#include "errors.h"
#include "output_memory.h"

namespace quantkit {

class Call {
 public:
  // The most arguments a call takes: the most typed arrays of a kernel (5: the asymmetric scans), the descriptor and
  // the cancel flag.
  static constexpr size_t kMaxArgs = 7;

  Call(napi_env env, napi_callback_info info) : env_(env) {
    // Fills argv_ up to kMaxArgs (with undefined past the arguments passed) and sets argc_ to the number passed.
    if (napi_get_cb_info(env, info, &argc_, argv_, nullptr, &data_) != napi_ok) argc_ = 0;
    if (argc_ > kMaxArgs) argc_ = kMaxArgs;
  }

  napi_env env() const { return env_; }
  // For async calls: no huge-page advice for their outputs (output_memory.h). A huge page faulted in on a worker
  // thread can take milliseconds on a virtual machine, and meanwhile the JavaScript thread's own mmap / munmap (a new
  // array, a garbage collection) waits for the process's memory map: the event loop stalled 15-21 ms in 2 of 5 runs of
  // test/event-loop.test.ts with the advice, never without it. A sync call blocks the event loop anyway.
  void skip_output_advice() { advise_outputs_ = false; }
  void* data() const { return data_; }
  const napi_value* kept() const { return kept_; }
  size_t kept_count() const { return kept_count_; }

  // The entry's arrays, into the members its kArrays name. The element type is the one Node-API reports (the typed
  // array's own, whatever its prototype says), and so is the length. A view on a detached buffer reads as empty (no
  // data, length 0): it is refused rather than taken for empty data; only empty views are examined, so other calls
  // pay nothing for it.
  template <typename Entry> bool arrays(Entry* entry) {
    for (const auto& a : Entry::kArrays) {
      ArrayView& view = entry->*a.view;
      if (!next_typed_array(&view) || !accepts(a.kind, view.elem)) return refuse(a.name, a.kind);
      if (view.length == 0 && last_is_detached()) return refuse_detached(a.name);
      if (advise_outputs_ && is_bulk_output(a.kind)) advise_output(view.data, view.length * elem_bytes(view.elem));
    }
    return true;
  }
  // The descriptor: a Uint8Array of exactly kSlotCount * 8 bytes, the kSlotCount float64 slots in this machine's
  // byte order (JavaScript passes a byte view of its Float64Array). Bytes rather than the Float64Array itself because
  // Node-API identifies a typed array by testing each type in turn: a Uint8Array is the second test, a Float64Array
  // the ninth, and those seven extra tests were about 300 instructions, most of a tiny call's added cost.
  bool descriptor(void** out) {
    ArrayView v;
    if (!next_typed_array(&v) || v.elem != Elem::U8 || v.length != kSlotCount * sizeof(double)) return refuse_descriptor();
    *out = v.data;
    return true;
  }
  // The optional cancel flag of an async call: undefined, or an Int32Array with at least one element.
  bool cancel_flag(const int32_t** out);
  // Async calls refuse views on resizable (non-shared) ArrayBuffers: one could shrink while a worker thread uses it.
  bool check_not_resizable();

  // Throws f as a JavaScript Error with its code (unless an exception is already pending); returns false.
  bool fail(const Failure& f);
  bool fail(const char* code, const char* message);

 private:
  // The next argument as a typed array view (elem Other for other types); false if it is not a typed array.
  bool next_typed_array(ArrayView* out) {
    if (next_ >= argc_) return false;  // not passed
    const napi_value v = argv_[next_++];
    napi_typedarray_type type;
    if (napi_get_typedarray_info(env_, v, &type, &out->length, &out->data, nullptr, nullptr) != napi_ok) return false;
    out->elem = elem_of(type);
    kept_[kept_count_++] = v;
    return true;
  }
  static Elem elem_of(napi_typedarray_type t) {
    switch (t) {
      case napi_int8_array: return Elem::I8;
      case napi_uint8_array: return Elem::U8;
      case napi_int16_array: return Elem::I16;
      case napi_uint16_array: return Elem::U16;
      case napi_int32_array: return Elem::I32;
      case napi_uint32_array: return Elem::U32;
      case napi_float32_array: return Elem::F32;
      case napi_float64_array: return Elem::F64;
      default: return Elem::Other;  // Uint8ClampedArray, BigInt64Array, ...
    }
  }
  // Whether the typed array read last is a view on a detached ArrayBuffer.
  bool last_is_detached();
  // Throw the refusal of an array argument, of a detached one, or of the descriptor; return false.
  bool refuse(const char* name, ArrayKind kind);
  bool refuse_detached(const char* name);
  bool refuse_descriptor();

  napi_env env_;
  void* data_ = nullptr;
  size_t argc_ = kMaxArgs;  // arguments passed (at most kMaxArgs)
  napi_value argv_[kMaxArgs];
  size_t next_ = 0;  // the next argument to read
  napi_value kept_[kMaxArgs];
  size_t kept_count_ = 0;
  bool advise_outputs_ = true;
};

// Throws an Error with a quantkit `code` unless an exception is pending; returns nullptr (undefined) for callbacks.
napi_value throw_error(napi_env env, const char* code, const char* message);

}  // namespace quantkit
