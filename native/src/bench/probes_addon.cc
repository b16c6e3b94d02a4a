// quant_bench_probes.node: the memory-bandwidth probes (bandwidth.h) as a small Node-API module of their own, loaded
// by packages/quant-bench/src/bandwidth. Not part of the production addon, and not copied into the platform package.
//
//   benchRead(x: Float32Array) -> number     streams through x (the sum of its elements)
//   benchCopy(src, dst): copies min(src.byteLength, dst.byteLength) bytes between two typed arrays
#include <node_api.h>

#include <algorithm>
#include <cstddef>

#include "bandwidth.h"

namespace {

size_t element_size(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array: return 1;
    case napi_int16_array:
    case napi_uint16_array: return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array: return 4;
    default: return 8;  // Float64Array, BigInt64Array, BigUint64Array
  }
}

// A typed array's type, data and size in bytes.
bool typed_array(napi_env env, napi_value v, napi_typedarray_type* type, void** data, size_t* bytes) {
  size_t length, offset;
  napi_value buffer;
  if (napi_get_typedarray_info(env, v, type, &length, data, &buffer, &offset) != napi_ok) return false;
  *bytes = length * element_size(*type);
  return true;
}

napi_value BenchRead(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  napi_typedarray_type type;
  void* data;
  size_t bytes;
  if (argc < 1 || !typed_array(env, argv[0], &type, &data, &bytes) || type != napi_float32_array) {
    napi_throw_type_error(env, nullptr, "benchRead needs a Float32Array");
    return nullptr;
  }
  napi_value result;
  napi_create_double(env, quantkit::bench::read_sum(static_cast<const float*>(data), bytes / 4), &result);
  return result;
}

napi_value BenchCopy(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  napi_typedarray_type src_type, dst_type;
  void *src, *dst;
  size_t src_bytes, dst_bytes;
  if (argc < 2 || !typed_array(env, argv[0], &src_type, &src, &src_bytes) || !typed_array(env, argv[1], &dst_type, &dst, &dst_bytes)) {
    napi_throw_type_error(env, nullptr, "benchCopy needs two typed arrays");
    return nullptr;
  }
  quantkit::bench::copy_bytes(src, dst, std::min(src_bytes, dst_bytes));
  return nullptr;
}

}  // namespace

NAPI_MODULE_INIT() {
  const napi_property_descriptor props[] = {
      {"benchRead", nullptr, BenchRead, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"benchCopy", nullptr, BenchCopy, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  if (napi_define_properties(env, exports, 2, props) != napi_ok) return nullptr;
  return exports;
}
