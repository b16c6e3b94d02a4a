// The Node-API module of quantkit's kernels: module setup, engines and the kernel functions.
//
// JavaScript interface (abiVersion 8; packages/quant-native/src/addon.ts declares it for TypeScript):
//
//   abiVersion, version, isa (what 'auto' picks here), availableIsas ('avx2,scalar'), hardwareConcurrency
//   descriptorSlots: string[]                   the descriptor's slot names, in order (descriptor.h)
//   kernelArrays: { [kernel]: string[] }        each kernel's typed-array arguments, in order (kernel_entries.h)
//   createEngine(isa: 'auto' or a name of availableIsas, threads: 1..256) -> Engine
//   Engine = { isa, threads, <kernel>, <kernel>Async for every kernel }; the module exports also hold the kernels of a
//   default engine ('auto', all available cores).
//
//   <kernel>(...arrays, desc) -> undefined
//   <kernel>Async(...arrays, desc, cancel?: Int32Array) -> Promise<undefined>
//
//   arrays are the kernel's typed arrays in kernelArrays order:
//     quantizeTensor: x, out                           quantizeAxis, quantizeBlocked: x, scales, zeroPoints, out
//     quantizeBlockedMinMax: x, outScales, outZeroPoints, out
//     quantizeTensorHalf: x (Uint16Array), out   dequantizeTensorHalf: q, out (Uint16Array)   minMaxHalf: x
//     quantizeAxisHalf, quantizeBlockedHalf: x (Uint16Array), scales, zeroPoints, out
//     dequantizeAxisHalf, dequantizeBlockedHalf: q, scales, zeroPoints, out (Uint16Array)
//     minMaxAxisHalf, minMaxBlockedHalf: x (Uint16Array), outMin, outMax
//     dequantizeTensor: q, out                         dequantizeAxis, dequantizeBlocked: q, scales, zeroPoints, out
//     fakeQuantizeTensor, fakeQuantizeTensorValues: x, out                            minMax, absMax: x
//     minMaxAxis, minMaxBlocked: x, outMin, outMax     pack: q, out        unpack: packed, out
//     histogram, absHistogram: x, counts (ADDED to, as packages/quant-core/src/calibrate/histogram.ts does)
//     histogramHalf, absHistogramHalf: x (Uint16Array), counts (ADDED to)
//     ggmlQuantize: x (Float32Array), out (Uint8Array)   ggmlDequantize: blocks (Uint8Array), out (Float32Array)
//     ggmlQuantizeHalf: x (Uint16Array), out (Uint8Array)
//     quantizeEmbeddingRows: x, starts, steps (Float32Array), out (Int8Array / Uint8Array)
//     packBinaryRows: x (Float32Array), out (Int8Array / Uint8Array)
//     hammingScan, dotScanInt8, dotScanUint8, l2ScanInt8, l2ScanUint8: query, rows (Int8Array / Uint8Array),
//       out (Int32Array for dotScanInt8, else Uint32Array)
//     dotScanAsymmetric, l2ScanAsymmetric: query (Float32Array), rows (Int8Array / Uint8Array), starts, steps
//       (Float32Array), out (Float64Array)      dotScanFloat, l2ScanFloat: query, rows (Float32Array), out (Float64Array)
//     topKKernel: scores (Float64Array / Int32Array / Uint32Array), out (Uint32Array of min(k, scores.length))
//   desc is a Uint8Array over the bytes of descriptorSlots.length float64 numbers (a byte view of a Float64Array,
//   which Node-API recognises faster: call.h): every scalar argument the kernel reads and every scalar result it
//   writes (minMax: min, max; absMax: absMax; fakeQuantizeTensor: sumSq .. dot, in ErrorSums order;
//   quantizeBlockedMinMax: badGroup; ggmlQuantize, ggmlQuantizeHalf: badIndex; topKKernel: resultCount).
//
//   Async variants run on the libuv thread pool (plus this addon's pool), keep every array argument and desc
//   referenced until they settle, write their results into desc before the promise resolves, and stop between chunks
//   once cancel[0] != 0 (Atomics.store from JavaScript), then reject with an Error named 'AbortError' (ABORT_ERR).
//
// x and float outputs are Float32Array or Float64Array; codes Int8/Uint8/Int16/Uint16Array; scales Float32Array or
// Float64Array, zero points Int32Array. Any byteOffset, SharedArrayBuffer views included. Argument values are
// validated once in TypeScript (packages/quant-core); the binding re-checks everything that decides which memory is
// read or written (array types, lengths, detached buffers, layout products, group counts), plus cheap scalar ranges,
// and throws an Error with a quantkit `code` instead of touching memory out of bounds. Per-group scale and zero point
// values are not re-checked (that would be an O(groups) pass on the JavaScript thread); a bad one gives wrong codes,
// never an out-of-bounds access.
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../dispatch/dispatch.h"
#include "async_call.h"
#include "call.h"
#include "descriptor.h"
#include "engine.h"
#include "embedding_entries.h"
#include "kernel_entries.h"

#ifndef QUANT_NATIVE_VERSION
#error "QUANT_NATIVE_VERSION must be defined by the build (see native/CMakeLists.txt)"
#endif

namespace quantkit {
namespace {

// Version of the JavaScript interface above. packages/quant-native/src/addon.ts has the same number; the loader
// refuses a binary whose number differs. Bump both whenever a function, an argument, a descriptor slot or a result
// changes.
constexpr int32_t kAbiVersion = 9;

// ---- kernel functions ----------------------------------------------------------------------------------------------

// Reads and checks the arguments of an Entry call; false with an exception pending when one is refused.
template <typename Entry> bool read_call(Call& call, Entry* entry, void** desc) {
  Failure f;
  if (!call.arrays(entry) || !call.descriptor(desc)) return false;
  if (!entry->check(Descriptor(*desc), &f)) return call.fail(f);
  return true;
}

template <typename Entry> napi_value RunSync(napi_env env, napi_callback_info info) {
  Call call(env, info);
  Entry entry;
  void* desc;
  if (!read_call(call, &entry, &desc)) return nullptr;
  const Engine* engine = static_cast<const Engine*>(call.data());
  auto job = entry.job(engine->table);
  execute(job, *engine->state->pool, engine->threads, nullptr);
  Entry::publish(job, desc);
  return nullptr;
}

template <typename Entry> void publish_results(const Job& job, void* desc) {
  using JobType = decltype(std::declval<const Entry&>().job(nullptr));
  Entry::publish(static_cast<const JobType&>(job), desc);
}

template <typename Entry> napi_value RunAsync(napi_env env, napi_callback_info info) {
  Call call(env, info);
  call.skip_output_advice();
  Entry entry;
  void* desc;
  const int32_t* cancel;
  if (!read_call(call, &entry, &desc) || !call.cancel_flag(&cancel) || !call.check_not_resizable()) return nullptr;
  const Engine* engine = static_cast<const Engine*>(call.data());
  using JobType = decltype(entry.job(nullptr));
  std::unique_ptr<Job> job(new JobType(entry.job(engine->table)));
  return start_async_call(call, *engine, std::move(job), publish_results<Entry>, desc, cancel);
}

struct KernelFunctions {
  const char* name;
  napi_callback sync;
  napi_callback async;
  const char* const* arrays;  // kernelArrays[name]
  size_t array_count;
};

template <typename Entry> struct ArrayNames {
  static constexpr size_t kCount = sizeof(Entry::kArrays) / sizeof(Entry::kArrays[0]);
  static_assert(kCount + 2 <= Call::kMaxArgs, "Call::kMaxArgs must hold the arrays, desc and cancel");
  const char* names[kCount];
  constexpr ArrayNames() : names() {
    for (size_t i = 0; i < kCount; i++) names[i] = Entry::kArrays[i].name;
  }
};

template <typename Entry> constexpr ArrayNames<Entry> kArrayNames{};

template <typename Entry> constexpr KernelFunctions functions() {
  return KernelFunctions{Entry::kName, RunSync<Entry>, RunAsync<Entry>, kArrayNames<Entry>.names, ArrayNames<Entry>::kCount};
}

// Every kernel, in the order engines list them.
const KernelFunctions kKernels[] = {
    functions<QuantizeTensor>(),    functions<QuantizeAxis>(),      functions<QuantizeBlocked>(),
    functions<QuantizeBlockedMinMax>(), functions<QuantizeTensorHalf>(), functions<QuantizeAxisHalf>(),
    functions<QuantizeBlockedHalf>(), functions<DequantizeTensorHalf>(), functions<DequantizeAxisHalf>(),
    functions<DequantizeBlockedHalf>(), functions<MinMaxHalf>(), functions<MinMaxAxisHalf>(), functions<MinMaxBlockedHalf>(),
    functions<DequantizeTensor>(),  functions<DequantizeAxis>(),    functions<DequantizeBlocked>(),
    functions<FakeQuantizeTensor>(), functions<FakeQuantizeTensorValues>(), functions<MinMax>(), functions<AbsMax>(),
    functions<MinMaxAxis>(),        functions<MinMaxBlocked>(),     functions<Pack>(),
    functions<Unpack>(),            functions<Histogram<false>>(),  functions<Histogram<true>>(),
    functions<HistogramHalf>(),     functions<AbsHistogramHalf>(),
    functions<GgmlQuantize>(),      functions<GgmlQuantizeHalf>(),  functions<GgmlDequantize>(),
    functions<QuantizeEmbeddingRows>(), functions<PackBinaryRows>(), functions<HammingScan>(),
    functions<DotScanInt8>(),       functions<DotScanUint8>(),      functions<L2ScanInt8>(),
    functions<L2ScanUint8>(),       functions<DotScanAsymmetric>(), functions<L2ScanAsymmetric>(),
    functions<DotScanFloat>(),      functions<L2ScanFloat>(),       functions<TopK>(),
};

constexpr size_t kKernelCount = sizeof(kKernels) / sizeof(kKernels[0]);

// ---- engines and module setup --------------------------------------------------------------------------------------

napi_value string(napi_env env, const char* s) {
  napi_value v = nullptr;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

napi_value string_array(napi_env env, const char* const* items, size_t count) {
  napi_value array = nullptr;
  if (napi_create_array_with_length(env, count, &array) != napi_ok) return nullptr;
  for (size_t i = 0; i < count; i++) {
    if (napi_set_element(env, array, static_cast<uint32_t>(i), string(env, items[i])) != napi_ok) return nullptr;
  }
  return array;
}

// Defines isa, threads and every kernel of `engine` on `target`.
bool define_engine(napi_env env, napi_value target, Engine* engine) {
  napi_value isa, threads;
  if (napi_create_string_utf8(env, engine->table->isa, NAPI_AUTO_LENGTH, &isa) != napi_ok ||
      napi_create_uint32(env, engine->threads, &threads) != napi_ok) {
    return false;
  }
  std::vector<std::string> async_names;
  async_names.reserve(kKernelCount);
  std::vector<napi_property_descriptor> props;
  props.reserve(2 * kKernelCount + 2);
  props.push_back({"isa", nullptr, nullptr, nullptr, nullptr, isa, napi_enumerable, nullptr});
  props.push_back({"threads", nullptr, nullptr, nullptr, nullptr, threads, napi_enumerable, nullptr});
  for (const KernelFunctions& k : kKernels) {
    async_names.push_back(std::string(k.name) + "Async");
    props.push_back({k.name, nullptr, k.sync, nullptr, nullptr, nullptr, napi_enumerable, engine});
    props.push_back({async_names.back().c_str(), nullptr, k.async, nullptr, nullptr, nullptr, napi_enumerable, engine});
  }
  return napi_define_properties(env, target, props.size(), props.data()) == napi_ok;
}

// createEngine(isa, threads)
napi_value CreateEngine(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void* data = nullptr;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, &data) != napi_ok) return nullptr;
  auto* state = static_cast<AddonState*>(data);
  char isa[32];
  size_t isa_length = 0;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], isa, sizeof(isa), &isa_length) != napi_ok) {
    return throw_error(env, kErrIsa, ("isa must be a string: 'auto' or one of " + std::string(available_isas())).c_str());
  }
  double threads = 0;
  if (napi_get_value_double(env, argv[1], &threads) != napi_ok || !(threads >= 1 && threads <= kMaxThreads) || threads != std::floor(threads)) {
    return throw_error(env, kErrThreads, ("threads must be an integer in 1.." + std::to_string(kMaxThreads)).c_str());
  }
  std::string error;
  const KernelTable* table = select_kernels(isa, &error);
  if (table == nullptr) return throw_error(env, kErrIsa, error.c_str());
  napi_value engine;
  if (napi_create_object(env, &engine) != napi_ok || !define_engine(env, engine, state->engine(table, static_cast<unsigned>(threads)))) {
    return throw_error(env, kErrArgument, "cannot create the engine object");
  }
  return engine;
}

// kernelArrays: { [kernel]: [array names] }
napi_value kernel_arrays(napi_env env) {
  napi_value object = nullptr;
  if (napi_create_object(env, &object) != napi_ok) return nullptr;
  for (const KernelFunctions& k : kKernels) {
    napi_value names = string_array(env, k.arrays, k.array_count);
    if (names == nullptr || napi_set_named_property(env, object, k.name, names) != napi_ok) return nullptr;
  }
  return object;
}

// The values of the module object: the interface description and createEngine.
bool define_module_values(napi_env env, napi_value exports, AddonState* state, const KernelTable* auto_table, unsigned cores) {
  napi_value abi, version, isa, isas, concurrency, create;
  if (napi_create_int32(env, kAbiVersion, &abi) != napi_ok ||
      napi_create_string_utf8(env, QUANT_NATIVE_VERSION, NAPI_AUTO_LENGTH, &version) != napi_ok ||
      napi_create_string_utf8(env, auto_table->isa, NAPI_AUTO_LENGTH, &isa) != napi_ok ||
      napi_create_string_utf8(env, available_isas(), NAPI_AUTO_LENGTH, &isas) != napi_ok ||
      napi_create_uint32(env, cores, &concurrency) != napi_ok ||
      napi_create_function(env, "createEngine", NAPI_AUTO_LENGTH, CreateEngine, state, &create) != napi_ok) {
    return false;
  }
  const napi_value slots = string_array(env, kSlotNames, kSlotCount);
  const napi_value arrays = kernel_arrays(env);
  if (slots == nullptr || arrays == nullptr) return false;
  const napi_property_descriptor props[] = {
      {"abiVersion", nullptr, nullptr, nullptr, nullptr, abi, napi_default_jsproperty, nullptr},
      {"version", nullptr, nullptr, nullptr, nullptr, version, napi_default_jsproperty, nullptr},
      {"isa", nullptr, nullptr, nullptr, nullptr, isa, napi_default_jsproperty, nullptr},
      {"availableIsas", nullptr, nullptr, nullptr, nullptr, isas, napi_default_jsproperty, nullptr},
      {"hardwareConcurrency", nullptr, nullptr, nullptr, nullptr, concurrency, napi_default_jsproperty, nullptr},
      {"descriptorSlots", nullptr, nullptr, nullptr, nullptr, slots, napi_default_jsproperty, nullptr},
      {"kernelArrays", nullptr, nullptr, nullptr, nullptr, arrays, napi_default_jsproperty, nullptr},
      {"createEngine", nullptr, nullptr, nullptr, nullptr, create, napi_default_jsproperty, nullptr},
  };
  return napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) == napi_ok;
}

void delete_state(napi_env, void* data, void*) { delete static_cast<AddonState*>(data); }

// Module registration, once per environment that loads the addon (the main thread, each worker_thread). It uses the
// C API and never a fatal path: when a worker_thread is terminated while it loads the addon, every Node-API call that
// needs JavaScript fails (napi_pending_exception with no exception pending), and node-addon-api's
// Error::ThrowAsJavaScriptException turned that failure into a process abort. Here a failure stops the setup and
// returns the exports as they are; throw_error is a no-op in an environment that can no longer run JavaScript, and in
// a healthy one the loader reports the error.
napi_value Init(napi_env env, napi_value exports) {
  std::unique_ptr<AddonState> owned(new AddonState());
  if (napi_set_instance_data(env, owned.get(), delete_state, nullptr) != napi_ok) return exports;
  AddonState* state = owned.release();  // deleted by delete_state when this environment is torn down
  const unsigned cores = std::min(available_cores(), kMaxThreads);
  const KernelTable* auto_table = select_kernels("auto", nullptr);
  if (!define_module_values(env, exports, state, auto_table, cores) || !define_engine(env, exports, state->engine(auto_table, cores))) {
    throw_error(env, kErrArgument, "quantkit: cannot set up the module object of quant_native.node");
  }
  return exports;
}

}  // namespace
}  // namespace quantkit

NAPI_MODULE_INIT() { return quantkit::Init(env, exports); }
