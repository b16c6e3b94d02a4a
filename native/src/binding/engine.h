// What the functions of one engine object share: a kernel table, a thread count and the addon instance's thread pool.
// Plain C++, no Node.
#pragma once

#include <memory>
#include <vector>

#include "../kernels/kernels.h"
#include "thread_pool.h"

namespace quantkit {

struct AddonState;

// The `data` of every kernel function of one engine object.
struct Engine {
  const KernelTable* table;
  unsigned threads;
  AddonState* state;
};

// Per-environment state (napi_set_instance_data): each worker_thread that loads the addon gets its own.
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

}  // namespace quantkit
