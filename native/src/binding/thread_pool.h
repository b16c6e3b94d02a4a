// A small thread pool for chunked kernels. Plain C++: no Node here.
//
// One pool per addon instance (each Node environment, e.g. each worker_thread, has its own). The pool starts no
// thread until a call needs one and grows to the largest helper count asked for. A worker that runs out of work polls
// for about 100 µs before it sleeps on the condition variable, and the caller polls the same way while helpers finish
// their last chunks: waking a sleeping thread costs tens of microseconds (on this project's machine, 2 threads on 1M
// elements ran 1.2x faster than one with a sleeping helper and 1.9x with a polling one), and the calls of a batch job
// arrive back to back. A call runs on the calling thread plus up to `threads - 1` pool threads, all taking chunk
// indices from one atomic counter; which thread runs which chunk does not matter, because every chunk writes its own
// part of the output (see jobs.h).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace quantkit {

// Work made of `chunk_count()` independent chunks; run_chunk(i) may be called from any thread, once per index.
class ChunkedWork {
 public:
  virtual ~ChunkedWork() = default;
  virtual size_t chunk_count() const = 0;
  virtual void run_chunk(size_t index) = 0;
};

// Cores this process may run on (sched affinity on Linux), at least 1.
unsigned available_cores();

// Upper bound for a thread count (calls asking for more are refused by the binding).
constexpr unsigned kMaxThreads = 256;

class ThreadPool {
 public:
  ThreadPool() = default;
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Runs every chunk of `work` on the calling thread and up to `threads - 1` pool threads, and returns once they are
  // all done. When `cancel` is not null, a non-zero *cancel (written by another thread) stops handing out chunks.
  // Returns true if every chunk ran.
  bool run(ChunkedWork& work, unsigned threads, const int32_t* cancel);

 private:
  struct Task;
  // Runs chunks of `task` until none is left: the caller takes them from the front, helpers from the back.
  static void drain(Task& task, bool from_back);
  void worker_loop();
  void grow_to(size_t workers);  // called with mutex_ held

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task*> queue_;  // tasks that still want helpers
  // queue_.size(), readable without the mutex: idle workers poll it for a moment before they sleep.
  std::atomic<size_t> queued_{0};
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

// Whether the cancel flag (an Int32Array element shared with JavaScript, or null) is set.
inline bool cancel_requested(const int32_t* cancel) {
  return cancel != nullptr && __atomic_load_n(cancel, __ATOMIC_ACQUIRE) != 0;
}

}  // namespace quantkit
