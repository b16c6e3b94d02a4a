#include "async_call.h"

namespace quantkit {
namespace {

// A buffer detached while the job runs. The references below keep each typed array and its ArrayBuffer object alive,
// not the memory behind them: JavaScript can still detach a buffer mid-call (a transfer list of structuredClone or
// postMessage, ArrayBuffer.prototype.transfer), and then the memory belongs to the buffer's new owner while the job
// goes on reading and writing it through the pointers it took at the start. That is harmless while the new owner
// lives; if the owner frees the memory before the job ends (it is garbage-collected, or the worker it went to exits),
// it is a use-after-free. Node-API cannot pin a backing store or make a buffer non-detachable (V8's
// ArrayBuffer::GetBackingStore is not part of it), so nothing here prevents it: @quantkit/quant-core's async API
// rejects such a call with ERR_QUANT_DETACHED after the job ends, and callers must not transfer a buffer an async
// call is using. A view detached before the call is refused by Call::arrays.
class AsyncCall {
 public:
  AsyncCall(napi_env env, const Engine& engine, std::unique_ptr<Job> job, PublishResults publish, void* desc, const int32_t* cancel)
      : env_(env), job_(std::move(job)), pool_(engine.state->pool), threads_(engine.threads), publish_(publish), desc_(desc), cancel_(cancel) {}

  ~AsyncCall() {
    for (size_t k = 0; k < ref_count_; k++) napi_delete_reference(env_, refs_[k]);
    if (work_ != nullptr) napi_delete_async_work(env_, work_);
  }

  bool keep(const napi_value* values, size_t count) {
    for (size_t k = 0; k < count && k < Call::kMaxArgs; k++) {
      if (napi_create_reference(env_, values[k], 1, &refs_[ref_count_]) != napi_ok) return false;
      ref_count_++;
    }
    return true;
  }

  bool queue(napi_value* promise) {
    napi_value name;
    return napi_create_promise(env_, &deferred_, promise) == napi_ok &&
           napi_create_string_utf8(env_, "quantkit", NAPI_AUTO_LENGTH, &name) == napi_ok &&
           napi_create_async_work(env_, nullptr, name, Execute, Complete, this, &work_) == napi_ok &&
           napi_queue_async_work(env_, work_) == napi_ok;
  }

 private:
  // On a libuv worker thread: no Node-API calls here.
  static void Execute(napi_env, void* data) {
    auto* self = static_cast<AsyncCall*>(data);
    self->completed_ = execute(*self->job_, *self->pool_, self->threads_, self->cancel_);
  }

  static void Complete(napi_env env, napi_status status, void* data) {
    std::unique_ptr<AsyncCall> self(static_cast<AsyncCall*>(data));
    if (status == napi_ok && self->completed_) {
      self->publish_(*self->job_, self->desc_);
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

  napi_env env_;
  std::unique_ptr<Job> job_;
  std::shared_ptr<ThreadPool> pool_;
  unsigned threads_;
  PublishResults publish_;
  void* desc_;
  const int32_t* cancel_;
  bool completed_ = false;
  napi_deferred deferred_ = nullptr;
  napi_async_work work_ = nullptr;
  napi_ref refs_[Call::kMaxArgs];
  size_t ref_count_ = 0;
};

}  // namespace

napi_value start_async_call(Call& call, const Engine& engine, std::unique_ptr<Job> job, PublishResults publish, void* desc,
                            const int32_t* cancel) {
  std::unique_ptr<AsyncCall> self(new AsyncCall(call.env(), engine, std::move(job), publish, desc, cancel));
  if (!self->keep(call.kept(), call.kept_count())) return throw_error(call.env(), kErrArgument, "cannot reference an argument");
  napi_value promise;
  if (!self->queue(&promise)) return throw_error(call.env(), kErrArgument, "cannot queue the async work");
  self.release();  // owned by the queued work until Complete
  return promise;
}

}  // namespace quantkit
