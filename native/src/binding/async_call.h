// One asynchronous kernel call: the job runs on the libuv thread pool (plus this addon's pool), every typed array of
// the call stays referenced until it settles, and on the JavaScript thread the scalar results are written into the
// descriptor before the promise resolves. A set cancel flag stops the job between chunks and rejects the promise with
// an Error named 'AbortError' (code ABORT_ERR).
#pragma once

#include <node_api.h>

#include <cstdint>
#include <memory>

#include "call.h"
#include "engine.h"
#include "jobs.h"

namespace quantkit {

// Writes a job's scalar results into the descriptor.
using PublishResults = void (*)(const Job& job, void* desc);

// Queues `job` with the arrays `call` read kept referenced; returns the promise, or nullptr with an exception pending.
napi_value start_async_call(Call& call, const Engine& engine, std::unique_ptr<Job> job, PublishResults publish, void* desc,
                            const int32_t* cancel);

}  // namespace quantkit
