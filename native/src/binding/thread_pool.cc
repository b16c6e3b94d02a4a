#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

#if defined(__linux__)
#include <sched.h>
#endif

namespace quantkit {

unsigned available_cores() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) return static_cast<unsigned>(count);
  }
#endif
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

// Calls with fewer chunks than this (of jobs.h's kChunkElements elements each) run on the calling thread alone.
constexpr size_t kMinParallelChunks = 8;

namespace {

// How long an idle thread polls before it blocks (see thread_pool.h).
constexpr std::chrono::microseconds kPoll{100};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(_M_X64)
  _mm_pause();
#endif
}

// Polls `ready` until it returns true or kPoll has passed.
template <typename Ready> void poll_until(Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + kPoll;
  for (unsigned i = 0; !ready(); i++) {
    cpu_relax();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() >= deadline) return;
  }
}

}  // namespace

// One run() call. Lives on the caller's stack; run() does not return before every helper has left it.
struct ThreadPool::Task {
  ChunkedWork* work;
  size_t chunks;
  const int32_t* cancel;
  // Chunks not yet taken, [front, back), packed as back << 32 | front. The caller takes chunks from the front and helpers
  // from the back, so with one helper each thread runs the same half of a tensor call after call and finds it in its
  // own cache (a shared counter hands chunks out at random and made 2 threads ~0.1x slower on 1M elements).
  std::atomic<uint64_t> range{0};
  std::atomic<size_t> finished{0};
  // Guarded by the pool mutex.
  unsigned helpers_wanted = 0;
  unsigned helpers_running = 0;
  std::condition_variable helpers_done;
  // helpers_running, readable without the mutex, so the caller can poll for the helpers' exit before it sleeps.
  std::atomic<unsigned> running{0};
};

void ThreadPool::drain(Task& task, bool from_back) {
  for (;;) {
    if (cancel_requested(task.cancel)) return;
    uint64_t current = task.range.load(std::memory_order_relaxed);
    size_t index;
    for (;;) {
      const uint64_t front = current & 0xffffffffu;
      const uint64_t back = current >> 32;
      if (front >= back) return;
      const uint64_t taken = from_back ? ((back - 1) << 32) | front : (back << 32) | (front + 1);
      if (task.range.compare_exchange_weak(current, taken, std::memory_order_relaxed, std::memory_order_relaxed)) {
        index = static_cast<size_t>(from_back ? back - 1 : front);
        break;
      }
    }
    task.work->run_chunk(index);
    task.finished.fetch_add(1, std::memory_order_relaxed);
  }
}

bool ThreadPool::run(ChunkedWork& work, unsigned threads, const int32_t* cancel) {
  Task task;
  task.work = &work;
  task.chunks = work.chunk_count();
  if (task.chunks > 0xffffffffu) {  // cannot be packed into `range` (2^32 chunks): run them here, in order
    for (size_t i = 0; i < task.chunks; i++) {
      if (cancel_requested(cancel)) return false;
      work.run_chunk(i);
    }
    return true;
  }
  task.range.store(static_cast<uint64_t>(task.chunks) << 32, std::memory_order_relaxed);
  task.cancel = cancel;
  // Below kMinParallelChunks the work takes a few tens of microseconds on one thread: waking another thread costs about
  // as much as it saves (packages/quant-bench measured 2 threads at 0.4-0.8x of one at 256K elements), so it stays on
  // the caller.
  size_t helpers = task.chunks < kMinParallelChunks ? 0 : std::min<size_t>(threads > 0 ? threads - 1 : 0, task.chunks - 1);
  if (helpers == 0) {
    drain(task, false);
    return task.finished.load(std::memory_order_relaxed) == task.chunks;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    grow_to(helpers);
    task.helpers_wanted = static_cast<unsigned>(helpers);
    queue_.push_back(&task);
    queued_.store(queue_.size(), std::memory_order_release);
  }
  for (size_t i = 0; i < helpers; i++) wake_.notify_one();
  drain(task, false);
  // Helpers are most likely finishing their last chunks: wait for that without sleeping first.
  poll_until([&] { return task.finished.load(std::memory_order_acquire) == task.chunks || cancel_requested(task.cancel); });
  {
    std::unique_lock<std::mutex> lock(mutex_);
    // Helpers that have not picked the task up yet are no longer needed: every chunk is taken.
    if (task.helpers_wanted > 0) {
      queue_.erase(std::find(queue_.begin(), queue_.end(), &task));
      queued_.store(queue_.size(), std::memory_order_release);
      task.helpers_wanted = 0;
    }
    if (task.helpers_running > 0) {
      lock.unlock();
      poll_until([&] { return task.running.load(std::memory_order_acquire) == 0; });
      lock.lock();
    }
    task.helpers_done.wait(lock, [&] { return task.helpers_running == 0; });
  }
  // The mutex hand-over above orders the helpers' writes (chunk outputs, counters) before this read.
  return task.finished.load(std::memory_order_relaxed) == task.chunks;
}

void ThreadPool::grow_to(size_t workers) {
  while (workers_.size() < workers) workers_.emplace_back([this] { worker_loop(); });
}

void ThreadPool::worker_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (queue_.empty() && !stopping_) {
      // The next call usually comes right after this one: poll briefly before sleeping.
      lock.unlock();
      poll_until([&] { return queued_.load(std::memory_order_acquire) != 0; });
      lock.lock();
    }
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Task* task = queue_.front();
    if (--task->helpers_wanted == 0) {
      queue_.pop_front();
      queued_.store(queue_.size(), std::memory_order_release);
    }
    task->running.store(++task->helpers_running, std::memory_order_relaxed);
    lock.unlock();
    drain(*task, true);
    lock.lock();
    // The last touch of the task: after this store (and the unlock) the caller may return and destroy it.
    task->running.store(--task->helpers_running, std::memory_order_release);
    if (task->helpers_running == 0) task->helpers_done.notify_all();
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

}  // namespace quantkit
