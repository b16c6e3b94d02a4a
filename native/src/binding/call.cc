#include "call.h"

#include <string>

namespace quantkit {

napi_value throw_error(napi_env env, const char* code, const char* message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, code, message);
  return nullptr;
}

bool Call::fail(const Failure& f) { return fail(f.code, f.message.c_str()); }

bool Call::fail(const char* code, const char* message) {
  throw_error(env_, code, message);
  return false;
}

bool Call::refuse(const char* name, ArrayKind kind) {
  Failure f;
  refuse_array(name, kind, &f);
  return fail(f);
}

bool Call::last_is_detached() {
  napi_value buffer;
  bool detached = false;
  if (kept_count_ == 0 || napi_get_typedarray_info(env_, kept_[kept_count_ - 1], nullptr, nullptr, nullptr, &buffer, nullptr) != napi_ok ||
      napi_is_detached_arraybuffer(env_, buffer, &detached) != napi_ok) {
    return false;
  }
  return detached;
}

bool Call::refuse_detached(const char* name) {
  const std::string message = std::string(name) + " is a view on a detached ArrayBuffer (its memory was transferred or released)";
  return fail(kErrDetached, message.c_str());
}

bool Call::refuse_descriptor() {
  const std::string message = "desc must be a Uint8Array of " + std::to_string(kSlotCount * sizeof(double)) + " bytes (the " + std::to_string(kSlotCount) + " float64 slots of descriptorSlots)";
  return fail(kErrArgument, message.c_str());
}

bool Call::cancel_flag(const int32_t** out) {
  *out = nullptr;
  if (next_ >= argc_) return true;  // not passed
  napi_valuetype t;
  if (napi_typeof(env_, argv_[next_], &t) == napi_ok && t == napi_undefined) {
    next_++;
    return true;
  }
  ArrayView v;
  if (!next_typed_array(&v) || v.elem != Elem::I32) return fail(kErrArgument, "cancel must be an Int32Array");
  if (v.length < 1) return fail(kErrArgument, "cancel must have at least one element");
  *out = static_cast<const int32_t*>(v.data);
  return true;
}

bool Call::check_not_resizable() {
  for (size_t k = 0; k < kept_count_; k++) {
    napi_value buffer;
    napi_typedarray_type type;
    size_t length, offset;
    void* data;
    if (napi_get_typedarray_info(env_, kept_[k], &type, &length, &data, &buffer, &offset) != napi_ok) continue;
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

}  // namespace quantkit
