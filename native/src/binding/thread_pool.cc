#include "thread_pool.h"

#include <algorithm>
#include <atomic>

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

// One run() call. Lives on the caller's stack; run() does not return before every helper has left it.
struct ThreadPool::Task {
  ChunkedWork* work;
  size_t chunks;
  const int32_t* cancel;
  std::atomic<size_t> next{0};
  std::atomic<size_t> finished{0};
  // Guarded by the pool mutex.
  unsigned helpers_wanted = 0;
  unsigned helpers_running = 0;
  std::condition_variable helpers_done;
};

void ThreadPool::drain(Task& task) {
  for (;;) {
    if (cancel_requested(task.cancel)) return;
    size_t index = task.next.fetch_add(1, std::memory_order_relaxed);
    if (index >= task.chunks) return;
    task.work->run_chunk(index);
    task.finished.fetch_add(1, std::memory_order_relaxed);
  }
}

bool ThreadPool::run(ChunkedWork& work, unsigned threads, const int32_t* cancel) {
  Task task;
  task.work = &work;
  task.chunks = work.chunk_count();
  task.cancel = cancel;
  // Below kMinParallelChunks the work takes a few tens of microseconds on one thread: waking another thread costs about
  // as much as it saves (packages/quant-bench measured 2 threads at 0.4-0.8x of one at 256K elements), so it stays on
  // the caller.
  size_t helpers = task.chunks < kMinParallelChunks ? 0 : std::min<size_t>(threads > 0 ? threads - 1 : 0, task.chunks - 1);
  if (helpers == 0) {
    drain(task);
    return task.finished.load(std::memory_order_relaxed) == task.chunks;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    grow_to(helpers);
    task.helpers_wanted = static_cast<unsigned>(helpers);
    queue_.push_back(&task);
  }
  for (size_t i = 0; i < helpers; i++) wake_.notify_one();
  drain(task);
  {
    std::unique_lock<std::mutex> lock(mutex_);
    // Helpers that have not picked the task up yet are no longer needed: every chunk is taken.
    if (task.helpers_wanted > 0) {
      queue_.erase(std::find(queue_.begin(), queue_.end(), &task));
      task.helpers_wanted = 0;
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
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Task* task = queue_.front();
    if (--task->helpers_wanted == 0) queue_.pop_front();
    task->helpers_running++;
    lock.unlock();
    drain(*task);
    lock.lock();
    if (--task->helpers_running == 0) task->helpers_done.notify_all();
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
