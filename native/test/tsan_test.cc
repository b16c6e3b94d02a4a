// tsan_test: the addon's thread pool (binding/thread_pool.{h,cc}) and its chunked jobs (binding/jobs.cc,
// binding/embedding_job.cc, binding/ggml_job.cc), plain C++ without Node, built with -fsanitize=thread by native/scripts/check-tsan.sh.
// ThreadSanitizer reports any data race (two threads touching the same memory, one writing, with no happens-before
// between them) and any misuse of mutexes, which is how the pool's memory ordering is proven beyond the x86-64
// machine it runs on (docs/ARM64.md): a chunk's plain writes must be visible to the caller when run() returns, a task
// on the caller's stack must not be touched after it, no chunk may run twice. The checks here add what TSan cannot see:
// every chunk ran exactly once, and every job gives the bits of its single-threaded run at any thread count.
//   1. run() called back to back with every helper count and chunk counts around kMinParallelChunks;
//   2. several threads calling run() on one pool at once (sync calls on the main thread, async ones on libuv threads);
//   3. cancellation from another thread while chunks run;
//   4. pools destroyed right after a call, while their workers poll, and after they sleep;
//   5. the jobs (quantize, blocked quantize from the data, dequantize, fake-quantize, min/max, histogram, pack,
//      embeddings, top-k, GGML blocks) on the scalar kernel set, 1 thread vs 2, 3 and 4.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "../src/binding/embedding_job.h"
#include "../src/binding/ggml_job.h"
#include "../src/binding/jobs.h"
#include "../src/binding/thread_pool.h"
#include "test_support.h"

using namespace quantkit;
using quantkit_test::Rng;
using quantkit_test::stats;

namespace {

// Chunk i writes out[i] (plain memory) and counts its runs (plain memory too: a chunk run twice at once is a race).
class CountingWork final : public ChunkedWork {
 public:
  CountingWork(size_t chunks, uint64_t salt, unsigned spin = 0) : out_(chunks), runs_(chunks), salt_(salt), spin_(spin) {}
  size_t chunk_count() const override { return out_.size(); }
  void run_chunk(size_t i) override {
    uint64_t v = salt_ + i;
    for (unsigned k = 0; k < spin_; k++) v = v * 6364136223846793005ULL + 1442695040888963407ULL;
    out_[i] = v;
    runs_[i]++;
  }
  // Every chunk ran once (all: true) or at most once, with its output when it did; returns how many ran.
  size_t verify(bool all, const char* what) const {
    size_t ran = 0;
    for (size_t i = 0; i < out_.size(); i++) {
      if (runs_[i] > 1 || (all && runs_[i] != 1)) {
        QK_FAIL("%s: chunk %zu of %zu ran %u times", what, i, out_.size(), runs_[i]);
        return ran;
      }
      if (runs_[i] == 1) {
        uint64_t v = salt_ + i;
        for (unsigned k = 0; k < spin_; k++) v = v * 6364136223846793005ULL + 1442695040888963407ULL;
        QK_CHECK(out_[i] == v, "%s: chunk %zu wrote a wrong value", what, i);
        ran++;
      }
    }
    return ran;
  }

 private:
  std::vector<uint64_t> out_;
  std::vector<unsigned> runs_;
  uint64_t salt_;
  unsigned spin_;
};

void test_back_to_back() {
  ThreadPool pool;
  const size_t counts[] = {0, 1, 7, 8, 9, 33, 500};
  for (unsigned round = 0; round < 40; round++) {
    for (unsigned threads : {1u, 2u, 3u, 4u, 8u}) {
      for (size_t chunks : counts) {
        CountingWork work(chunks, round * 1000 + threads);
        QK_CHECK(pool.run(work, threads, nullptr), "back to back: run() reported a cancel without one");
        work.verify(true, "back to back");
      }
    }
  }
}

void test_concurrent_callers() {
  ThreadPool pool;
  constexpr unsigned kCallers = 4;
  std::vector<std::vector<CountingWork>> works(kCallers);
  std::vector<unsigned> incomplete(kCallers, 0);
  std::vector<std::thread> callers;
  for (unsigned c = 0; c < kCallers; c++) {
    for (unsigned call = 0; call < 40; call++) works[c].emplace_back(8 + (call * 7 + c) % 90, c * 100000 + call, 50);
    callers.emplace_back([&, c] {
      for (CountingWork& w : works[c]) incomplete[c] += pool.run(w, 2 + (c % 3), nullptr) ? 0 : 1;
    });
  }
  for (std::thread& t : callers) t.join();
  for (unsigned c = 0; c < kCallers; c++) {
    QK_CHECK(incomplete[c] == 0, "concurrent callers: caller %u saw %u incomplete runs", c, incomplete[c]);
    for (const CountingWork& w : works[c]) w.verify(true, "concurrent callers");
  }
}

void test_cancel() {
  ThreadPool pool;
  for (unsigned round = 0; round < 30; round++) {
    int32_t flag = 0;  // shared with the canceller as JavaScript's Int32Array element is: atomic accesses only
    CountingWork work(400, round, 2000);
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::microseconds(50 * (round % 5)));
      __atomic_store_n(&flag, 1, __ATOMIC_RELEASE);
    });
    const bool complete = pool.run(work, 3, &flag);
    canceller.join();
    const size_t ran = work.verify(false, "cancel");
    QK_CHECK(complete == (ran == 400), "cancel: run() returned %d with %zu of 400 chunks run", complete, ran);
  }
}

void test_pool_lifetimes() {
  for (unsigned round = 0; round < 30; round++) {
    ThreadPool pool;
    CountingWork work(64, round);
    QK_CHECK(pool.run(work, 4, nullptr), "lifetimes: incomplete run");
    work.verify(true, "lifetimes");
    if (round % 3 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // workers past polling, asleep
  }  // destroyed while its workers poll or sleep
}

// ---- jobs ------------------------------------------------------------------------------------------------------------

const KernelTable* const kTable = &kScalarKernels;
constexpr unsigned kThreadCounts[] = {2, 3, 4};

std::vector<float> random_floats(size_t n, uint64_t seed) {
  Rng r(seed);
  std::vector<float> x(n);
  for (float& v : x) v = static_cast<float>((r.uniform() - 0.5) * 8);
  return x;
}

// Runs make(threads) for 1 thread and every count of kThreadCounts; result(job) must give the same bytes each time.
template <typename Make, typename Result> void check_job(const char* what, ThreadPool& pool, Make make, Result result) {
  auto single = make();
  QK_CHECK(execute(*single, pool, 1, nullptr), "%s: incomplete single-threaded run", what);
  const std::vector<uint8_t> expected = result(*single);
  for (unsigned threads : kThreadCounts) {
    auto job = make();
    QK_CHECK(execute(*job, pool, threads, nullptr), "%s: incomplete run on %u threads", what, threads);
    QK_CHECK(result(*job) == expected, "%s: %u threads differ from 1", what, threads);
  }
}

template <typename T> std::vector<uint8_t> bytes_of(const T* p, size_t n) {
  const auto* b = reinterpret_cast<const uint8_t*>(p);
  return std::vector<uint8_t>(b, b + n * sizeof(T));
}
template <typename T> void append(std::vector<uint8_t>& out, const T& v) {
  const auto* b = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), b, b + sizeof v);
}

void test_jobs() {
  ThreadPool pool;
  const size_t n = 10 * kChunkElements + 123;  // 11 chunks: parallel (kMinParallelChunks is 8), a partial last one
  const std::vector<float> x = random_floats(n, 1);
  const QuantSpec spec{0, 255, Profile::Onnx};
  const FloatInput in{FloatType::F32, x.data(), n};

  std::vector<uint8_t> q(n);
  check_job("QuantizeJob", pool, [&] {
    std::fill(q.begin(), q.end(), 0);
    return std::make_unique<QuantizeJob>(kTable, in, IntBuffer{IntType::U8, q.data(), n}, spec, QuantParams::tensor(0.03, 128));
  }, [&](QuantizeJob&) { return q; });

  const size_t rows = 64, cols = n / rows;  // per-axis: rows of `cols` elements, one scale per row
  std::vector<float> scales(rows);
  std::vector<int32_t> zero_points(rows);
  for (size_t i = 0; i < rows; i++) scales[i] = 0.01f + 0.001f * static_cast<float>(i), zero_points[i] = static_cast<int32_t>(i);
  const Layout axis = Layout::axis(1, rows, cols);
  const QuantParams grouped = QuantParams::grouped(axis, GroupParams{ScaleArray{scales.data(), false}, zero_points.data()});
  check_job("QuantizeJob per axis", pool, [&] {
    std::fill(q.begin(), q.end(), 0);
    return std::make_unique<QuantizeJob>(kTable, FloatInput{FloatType::F32, x.data(), rows * cols}, IntBuffer{IntType::U8, q.data(), rows * cols}, spec, grouped);
  }, [&](QuantizeJob&) { return q; });

  std::vector<float> y(n);
  check_job("DequantizeJob per axis", pool, [&] {
    std::fill(y.begin(), y.end(), 0.0f);
    return std::make_unique<DequantizeJob>(kTable, IntBuffer{IntType::U8, q.data(), rows * cols}, FloatOutput{FloatType::F32, y.data(), rows * cols}, grouped);
  }, [&](DequantizeJob&) { return bytes_of(y.data(), n); });

  const Layout blocks = Layout::blocked(1, n, 1, 32);
  std::vector<float> block_scales(blocks.groups());
  std::vector<int32_t> block_zero_points(blocks.groups());
  check_job("QuantizeBlocksJob", pool, [&] {
    std::fill(q.begin(), q.end(), 0);
    return std::make_unique<QuantizeBlocksJob>(kTable, in, IntBuffer{IntType::U8, q.data(), n}, spec, ParamScheme::Affine, blocks, block_scales.data(),
                                               block_zero_points.data());
  }, [&](QuantizeBlocksJob& job) {
    std::vector<uint8_t> r = q;
    for (float s : block_scales) append(r, s);
    for (int32_t z : block_zero_points) append(r, z);
    append(r, job.bad_group());
    return r;
  });

  check_job("FakeQuantizeJob", pool, [&] {
    return std::make_unique<FakeQuantizeJob>(kTable, in, FloatOutput{FloatType::F32, y.data(), n}, spec, 0.03, 128);
  }, [&](FakeQuantizeJob& job) {
    std::vector<uint8_t> r = bytes_of(y.data(), n);
    append(r, job.sums());
    return r;
  });

  check_job("ReduceJob", pool, [&] { return std::make_unique<ReduceJob>(kTable, in, ReduceJob::Kind::MinMax); }, [&](ReduceJob& job) {
    std::vector<uint8_t> r;
    append(r, job.min());
    append(r, job.max());
    return r;
  });

  std::vector<uint32_t> counts32(16);
  std::vector<double> counts64(16);
  check_job("HistogramJob (uint32 counts)", pool, [&] {
    std::fill(counts32.begin(), counts32.end(), 7u);
    return std::make_unique<HistogramJob>(kTable, in, false, -4.0, 4.0, HistogramCounts{HistogramCounts::Type::U32, counts32.data(), counts32.size()});
  }, [&](HistogramJob&) { return bytes_of(counts32.data(), counts32.size()); });
  check_job("HistogramJob (float64 counts, abs)", pool, [&] {
    std::fill(counts64.begin(), counts64.end(), 0.5);
    return std::make_unique<HistogramJob>(kTable, in, true, 0.0, 4.0, HistogramCounts{HistogramCounts::Type::F64, counts64.data(), counts64.size()});
  }, [&](HistogramJob&) { return bytes_of(counts64.data(), counts64.size()); });

  std::vector<uint8_t> packed(n / 2 + 1);
  check_job("PackJob", pool, [&] {
    std::fill(packed.begin(), packed.end(), 0);
    for (size_t i = 0; i < n; i++) q[i] &= 0x0f;
    return std::make_unique<PackJob>(kTable, false, q.data(), n, 4, false, packed.data());
  }, [&](PackJob&) { return packed; });

  const size_t dim = 96, count = n / dim;
  std::vector<float> starts(dim, -4.0f), steps(dim, 8.0f / 255);
  std::vector<uint8_t> codes(count * dim);
  check_job("EmbeddingJob quantize", pool, [&] {
    const EmbeddingCall call{.kernel = EmbeddingKernel::QuantizeRows, .a = x.data(), .rows = nullptr, .starts = starts.data(), .steps = steps.data(),
                             .count = count, .row_length = dim, .codes = EmbeddingCodes::I8Floor, .out = codes.data()};
    return std::make_unique<EmbeddingJob>(kTable, call);
  }, [&](EmbeddingJob&) { return codes; });
  std::vector<double> scores(count);
  check_job("EmbeddingJob asymmetric scan", pool, [&] {
    const EmbeddingCall call{.kernel = EmbeddingKernel::DotAsymmetric, .a = x.data(), .rows = codes.data(), .starts = starts.data(), .steps = steps.data(),
                             .count = count, .row_length = dim, .codes = EmbeddingCodes::I8Floor, .out = scores.data()};
    return std::make_unique<EmbeddingJob>(kTable, call);
  }, [&](EmbeddingJob&) { return bytes_of(scores.data(), count); });
  for (GgmlFormat f : {GgmlFormat::Q8_0, GgmlFormat::Q4_K}) {  // n is a multiple of 256, every format's block size
    const size_t elements = 10 * kChunkElements;
    std::vector<uint8_t> ggml_blocks(ggml_row_bytes(f, elements));
    check_job("GgmlJob quantize", pool, [&] {
      std::fill(ggml_blocks.begin(), ggml_blocks.end(), 0);
      return std::make_unique<GgmlJob>(GgmlJob::quantize(kTable, f, x.data(), elements, ggml_blocks.data()));
    }, [&](GgmlJob& job) {
      std::vector<uint8_t> r = ggml_blocks;
      append(r, job.bad_index());
      return r;
    });
    check_job("GgmlJob dequantize", pool, [&] {
      std::fill(y.begin(), y.end(), 0.0f);
      return std::make_unique<GgmlJob>(GgmlJob::dequantize(kTable, f, ggml_blocks.data(), elements, y.data()));
    }, [&](GgmlJob&) { return bytes_of(y.data(), elements); });
  }

  std::vector<uint32_t> best(10);
  check_job("TopKJob", pool, [&] {
    return std::make_unique<TopKJob>(kTable, TopKJob::Type::F64, scores.data(), count, best.size(), true, best.data());
  }, [&](TopKJob& job) { return bytes_of(best.data(), job.count()); });
}

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  struct Step {
    const char* name;
    void (*run)();
  };
  const Step steps[] = {
      {"run() back to back, 1..8 threads", test_back_to_back},
      {"concurrent callers on one pool", test_concurrent_callers},
      {"cancel from another thread", test_cancel},
      {"pools destroyed while workers poll / sleep", test_pool_lifetimes},
      {"jobs: 2, 3, 4 threads vs 1", test_jobs},
  };
  for (const Step& step : steps) {
    const long before = stats().failures;
    step.run();
    std::printf("  %-44s %s\n", step.name, stats().failures == before ? "ok" : "FAILED");
  }
  std::printf("tsan_test: %ld checks, %ld failures\n", stats().checks, stats().failures);
  return stats().failures == 0 ? 0 : 1;
}
