// The kernel calls of the WebAssembly module (abi.h): each kernel of the TypeScript kernel table turned into calls of
// the active KernelTable and of the granularity drivers (native/src/layout/granularity.h), as the native binding's
// jobs make them (native/src/binding/jobs.cc), on one thread. Arguments were validated in TypeScript; nothing here
// checks them again beyond the kernel index and element types that select a code path.
//
// Chunking is the TypeScript side's (packages/quant-wasm/src/chunks.ts): every call here covers the arrays it is
// given. fakeQuantizeTensor runs its kernel on runs of kErrorBlock elements that start at multiples of it, adding
// each run's sums to the carried ones (docs/SPEC.md §6), so a caller's chunks must start at multiples of kErrorBlock.
#include "../../src/kernels/common/params.h"
#include "../../src/kernels/kernels.h"
#include "../../src/layout/granularity.h"
#include "abi.h"

extern "C" uintptr_t qk_alloc(uint32_t bytes);

namespace quantkit {
KernelTable simd128_kernel_table(const KernelTable& portable);  // kernels/simd128/table.cc
}

namespace quantkit::wasm {
namespace {

// The summation block of the error metrics (packages/quant-core/src/metrics.ts ERROR_BLOCK; jobs.h kChunkElements).
constexpr size_t kErrorBlock = size_t{1} << 16;

#define QUANTKIT_WASM_KERNELS(X)                                                                                \
  X(quantizeTensor) X(quantizeAxis) X(quantizeBlocked) X(quantizeBlockedMinMax) X(quantizeTensorHalf)          \
  X(quantizeAxisHalf) X(quantizeBlockedHalf) X(dequantizeTensor) X(dequantizeTensorHalf) X(dequantizeAxisHalf) \
  X(dequantizeBlockedHalf) X(dequantizeAxis) X(dequantizeBlocked) X(fakeQuantizeTensor) X(fakeQuantizeTensorValues) \
  X(minMax) X(absMax)                                                                                          \
  X(minMaxHalf) X(minMaxAxisHalf) X(minMaxBlockedHalf) X(minMaxAxis) X(minMaxBlocked) X(pack) X(unpack)        \
  X(histogram) X(absHistogram) X(ggmlQuantize) X(ggmlDequantize) X(quantizeEmbeddingRows) X(packBinaryRows)    \
  X(hammingScan) X(dotScanInt8) X(dotScanUint8) X(l2ScanInt8) X(l2ScanUint8) X(dotScanAsymmetric)               \
  X(l2ScanAsymmetric) X(dotScanFloat) X(l2ScanFloat) X(topKKernel) X(histogramHalf) X(absHistogramHalf) \
  X(ggmlQuantizeHalf)

enum class Kernel : int32_t {
#define QUANTKIT_WASM_KERNEL_ID(name) name,
  QUANTKIT_WASM_KERNELS(QUANTKIT_WASM_KERNEL_ID)
#undef QUANTKIT_WASM_KERNEL_ID
  Count
};

// "name,name,..." of the kernels and of the slots, for the TypeScript side.
constexpr char kKernelNames[] =
#define QUANTKIT_WASM_KERNEL_NAME(name) #name ","
    QUANTKIT_WASM_KERNELS(QUANTKIT_WASM_KERNEL_NAME)
#undef QUANTKIT_WASM_KERNEL_NAME
    ;
constexpr char kSlotNames[] =
#define QUANTKIT_WASM_SLOT_NAME(id, name) name ","
    QUANTKIT_WASM_SLOTS(QUANTKIT_WASM_SLOT_NAME)
#undef QUANTKIT_WASM_SLOT_NAME
    ;

KernelTable simd128_table;
const KernelTable* table = &kScalarKernels;

struct Call {
  const Arr* a;
  double* d;
  double num(Slot s) const { return d[static_cast<size_t>(s)]; }
  int32_t i32(Slot s) const { return static_cast<int32_t>(num(s)); }
  size_t count(Slot s) const { return static_cast<size_t>(num(s)); }
  void set(Slot s, double v) const { d[static_cast<size_t>(s)] = v; }
  template <typename T = void> T* ptr(size_t i) const { return reinterpret_cast<T*>(static_cast<uintptr_t>(a[i].ptr)); }
  size_t len(size_t i) const { return a[i].length; }
  Elem elem(size_t i) const { return a[i].elem; }
  bool f64(size_t i) const { return a[i].elem == Elem::F64; }
  QuantSpec spec() const { return QuantSpec{i32(Slot::Qmin), i32(Slot::Qmax), static_cast<Profile>(i32(Slot::Profile))}; }
  HalfType half() const { return static_cast<HalfType>(i32(Slot::Half)); }
  Layout layout(Layout::Kind kind) const {
    return Layout{kind, count(Slot::Outer), count(Slot::Dim), count(Slot::Inner), kind == Layout::Kind::Block ? count(Slot::BlockSize) : 1};
  }
  GroupParams groups(size_t scales, size_t zps) const { return GroupParams{ScaleArray{ptr(scales), f64(scales)}, ptr<const int32_t>(zps)}; }
};

IntType int_type(Elem e) { return static_cast<IntType>(static_cast<int32_t>(e)); }  // I8..U16 share their numbers

size_t code_bytes(Elem e) { return e == Elem::I8 || e == Elem::U8 ? 1 : 2; }

// quantizeBlockedMinMax: blocks along the last axis (inner == 1) row by row through quantize_blocks; otherwise
// (outer, block) units: the block's rows fold into per-column min / max (min_max_rows), then the parameters of its
// `inner` groups, then quantize_groups writes its rows (QuantizeBlocksJob's Rows and Units modes, jobs.cc). Returns the
// first group without parameters, or -1; -2 when the scratch cannot be allocated.
template <typename F> double quantize_blocked_min_max(const Call& c) {
  const Layout l = c.layout(Layout::Kind::Block);
  const QuantSpec spec = c.spec();
  const auto scheme = static_cast<ParamScheme>(c.i32(Slot::Scheme));
  const F* x = c.ptr<const F>(0);
  F* scales = c.ptr<F>(1);
  int32_t* zps = c.ptr<int32_t>(2);
  const IntType type = int_type(c.elem(3));
  auto* out = c.ptr<uint8_t>(3);
  const size_t cb = code_bytes(c.elem(3));
  const size_t nb = l.blocks();
  if (l.inner == 1) {
    for (size_t r = 0; r < l.outer; r++) {
      size_t done;
      if constexpr (sizeof(F) == 4) done = table->quantize_blocks_f32(x + r * l.dim, l.dim, l.block_size, scheme, spec, type, scales + r * nb, zps + r * nb, out + r * l.dim * cb);
      else done = table->quantize_blocks_f64(x + r * l.dim, l.dim, l.block_size, scheme, spec, type, scales + r * nb, zps + r * nb, out + r * l.dim * cb);
      if (done < nb) return static_cast<double>(r * nb + done);
    }
    return -1;
  }
  if (l.inner == 0) return -1;
  auto* lo = reinterpret_cast<double*>(qk_alloc(static_cast<uint32_t>(l.inner * 2 * sizeof(double))));
  if (lo == nullptr) return -2;
  double* hi = lo + l.inner;
  for (size_t u = 0; u < l.outer * nb; u++) {
    const size_t d0 = (u % nb) * l.block_size;
    const size_t rows = l.block_size < l.dim - d0 ? l.block_size : l.dim - d0;
    const size_t base = ((u / nb) * l.dim + d0) * l.inner;
    for (size_t i = 0; i < l.inner; i++) lo[i] = __builtin_inf(), hi[i] = -__builtin_inf();
    if constexpr (sizeof(F) == 4) table->min_max_rows_f32(x + base, rows, l.inner, l.inner, lo, hi);
    else table->min_max_rows_f64(x + base, rows, l.inner, l.inner, lo, hi);
    const size_t g0 = u * l.inner;
    for (size_t i = 0; i < l.inner; i++) {
      if (!params_from_range<F>(lo[i], hi[i], scheme, spec, scales + g0 + i, zps + g0 + i)) return static_cast<double>(g0 + i);
    }
    for (size_t r = 0; r < rows; r++) {
      const size_t at = base + r * l.inner;
      if constexpr (sizeof(F) == 4) table->quantize_groups_f32(x + at, l.inner, scales + g0, zps + g0, spec, type, out + at * cb);
      else table->quantize_groups_f64(x + at, l.inner, scales + g0, zps + g0, spec, type, out + at * cb);
    }
  }
  return -1;
}

// Runs of kErrorBlock elements, each run's sums added to the carried ones (the kernel adds a call's sums to *sums).
template <typename F> void fake_quantize(const Call& c) {
  ErrorSums sums{c.num(Slot::SumSq), c.num(Slot::SumAbs), c.num(Slot::MaxAbs), c.num(Slot::SumRef2), c.num(Slot::SumApprox2), c.num(Slot::Dot)};
  const F* x = c.ptr<const F>(0);
  F* out = c.ptr<F>(1);
  const size_t n = c.len(0);
  const QuantSpec spec = c.spec();
  const int32_t zp = c.i32(Slot::ZeroPoint);
  for (size_t start = 0; start < n; start += kErrorBlock) {
    const size_t len = n - start < kErrorBlock ? n - start : kErrorBlock;
    if constexpr (sizeof(F) == 4) table->fake_quantize_f32(x + start, len, static_cast<float>(c.num(Slot::Scale)), zp, spec, out + start, &sums);
    else table->fake_quantize_f64(x + start, len, c.num(Slot::Scale), zp, spec, out + start, &sums);
  }
  c.set(Slot::SumSq, sums.sum_sq);
  c.set(Slot::SumAbs, sums.sum_abs);
  c.set(Slot::MaxAbs, sums.max_abs);
  c.set(Slot::SumRef2, sums.sum_ref2);
  c.set(Slot::SumApprox2, sums.sum_approx2);
  c.set(Slot::Dot, sums.dot);
}

// fakeQuantizeTensorValues: the values of fake_quantize without the sums (the kernel called with sums == nullptr).
template <typename F> void fake_quantize_values(const Call& c) {
  const QuantSpec spec = c.spec();
  if constexpr (sizeof(F) == 4) table->fake_quantize_f32(c.ptr<const F>(0), c.len(0), static_cast<float>(c.num(Slot::Scale)), c.i32(Slot::ZeroPoint), spec, c.ptr<F>(1), nullptr);
  else table->fake_quantize_f64(c.ptr<const F>(0), c.len(0), c.num(Slot::Scale), c.i32(Slot::ZeroPoint), spec, c.ptr<F>(1), nullptr);
}

// ggmlQuantize: -1, or the index of the first NaN / ±Infinity (nothing is written then), as GgmlJob does.
double ggml_quantize(const Call& c) {
  const float* x = c.ptr<const float>(0);
  const size_t n = c.len(0);
  int non_finite = 0;
  for (size_t i = 0; i < n; i++) non_finite |= !(x[i] - x[i] == 0.0f);
  if (non_finite != 0) {
    size_t i = 0;
    while (x[i] - x[i] == 0.0f) i++;
    return static_cast<double>(i);
  }
  table->ggml_quantize(static_cast<GgmlFormat>(c.i32(Slot::Format)), x, n, c.ptr<uint8_t>(1));
  return -1;
}

// ggmlQuantizeHalf: ggml_quantize of the widening of x (half bit patterns), run by run through a stack buffer as
// GgmlJob's half path does: runs of whole super-blocks, each checked, then quantized.
double ggml_quantize_half(const Call& c) {
  constexpr size_t kRun = 2048;  // 8 KiB of stack; a multiple of every format's block size
  float run[kRun];
  const uint16_t* x = c.ptr<const uint16_t>(0);
  const size_t n = c.len(0);
  const auto format = static_cast<GgmlFormat>(c.i32(Slot::Format));
  for (size_t at = 0; at < n; at += kRun) {
    const size_t m = n - at < kRun ? n - at : kRun;
    table->widen_half(x + at, c.half(), m, run);
    int non_finite = 0;
    for (size_t i = 0; i < m; i++) non_finite |= !(run[i] - run[i] == 0.0f);
    if (non_finite != 0) {
      size_t i = 0;
      while (run[i] - run[i] == 0.0f) i++;
      return static_cast<double>(at + i);
    }
    table->ggml_quantize(format, run, m, c.ptr<uint8_t>(1) + ggml_row_bytes(format, at));
  }
  return -1;
}

EmbeddingCodes embedding_codes(const Call& c, bool unsigned_codes) {
  return unsigned_codes ? EmbeddingCodes::U8 : c.i32(Slot::Int8Rounding) == 1 ? EmbeddingCodes::I8TowardZero : EmbeddingCodes::I8Floor;
}

Status run(Kernel k, const Call& c) {
  const KernelTable& t = *table;
  using K = Kernel;
  switch (k) {
    case K::quantizeTensor: {
      const IntType out_type = int_type(c.elem(1));
      if (c.f64(0)) t.quantize_f64(c.ptr<const double>(0), c.len(0), c.num(Slot::Scale), c.i32(Slot::ZeroPoint), c.spec(), out_type, c.ptr(1));
      else t.quantize_f32(c.ptr<const float>(0), c.len(0), static_cast<float>(c.num(Slot::Scale)), c.i32(Slot::ZeroPoint), c.spec(), out_type, c.ptr(1));
      return Status::Ok;
    }
    case K::quantizeAxis:
    case K::quantizeBlocked: {
      const Layout l = c.layout(k == K::quantizeAxis ? Layout::Kind::Axis : Layout::Kind::Block);
      if (c.f64(0)) quantize_layout(t, c.ptr<const double>(0), c.groups(1, 2), l, c.spec(), int_type(c.elem(3)), c.ptr(3));
      else quantize_layout(t, c.ptr<const float>(0), c.groups(1, 2), l, c.spec(), int_type(c.elem(3)), c.ptr(3));
      return Status::Ok;
    }
    case K::quantizeBlockedMinMax: {
      const double r = c.f64(0) ? quantize_blocked_min_max<double>(c) : quantize_blocked_min_max<float>(c);
      c.set(Slot::Result, r);
      return Status::Ok;
    }
    case K::quantizeTensorHalf:
      t.quantize_half(c.ptr<const uint16_t>(0), c.half(), c.len(0), static_cast<float>(c.num(Slot::Scale)), c.i32(Slot::ZeroPoint), c.spec(), int_type(c.elem(1)), c.ptr(1));
      return Status::Ok;
    case K::quantizeAxisHalf:
    case K::quantizeBlockedHalf: {
      const Layout l = c.layout(k == K::quantizeAxisHalf ? Layout::Kind::Axis : Layout::Kind::Block);
      quantize_layout(t, c.ptr<const uint16_t>(0), c.half(), c.groups(1, 2), l, c.spec(), int_type(c.elem(3)), c.ptr(3));
      return Status::Ok;
    }
    case K::dequantizeTensor:
      if (c.f64(1)) t.dequantize_f64(c.ptr(0), int_type(c.elem(0)), c.len(0), c.num(Slot::Scale), c.i32(Slot::ZeroPoint), c.ptr<double>(1));
      else t.dequantize_f32(c.ptr(0), int_type(c.elem(0)), c.len(0), c.num(Slot::Scale), c.i32(Slot::ZeroPoint), c.ptr<float>(1));
      return Status::Ok;
    case K::dequantizeTensorHalf:
      t.dequantize_half(c.ptr(0), int_type(c.elem(0)), c.len(0), c.num(Slot::Scale), c.i32(Slot::ZeroPoint), c.half(), c.ptr<uint16_t>(1));
      return Status::Ok;
    case K::dequantizeAxisHalf:
    case K::dequantizeBlockedHalf: {
      const Layout l = c.layout(k == K::dequantizeAxisHalf ? Layout::Kind::Axis : Layout::Kind::Block);
      dequantize_layout(t, c.ptr(0), int_type(c.elem(0)), c.groups(1, 2), l, c.half(), c.ptr<uint16_t>(3));
      return Status::Ok;
    }
    case K::dequantizeAxis:
    case K::dequantizeBlocked: {
      const Layout l = c.layout(k == K::dequantizeAxis ? Layout::Kind::Axis : Layout::Kind::Block);
      if (c.f64(3)) dequantize_layout(t, c.ptr(0), int_type(c.elem(0)), c.groups(1, 2), l, c.ptr<double>(3));
      else dequantize_layout(t, c.ptr(0), int_type(c.elem(0)), c.groups(1, 2), l, c.ptr<float>(3));
      return Status::Ok;
    }
    case K::fakeQuantizeTensor:
      if (c.f64(0)) fake_quantize<double>(c);
      else fake_quantize<float>(c);
      return Status::Ok;
    case K::fakeQuantizeTensorValues:
      if (c.f64(0)) fake_quantize_values<double>(c);
      else fake_quantize_values<float>(c);
      return Status::Ok;
    case K::minMax:
    case K::minMaxHalf: {
      double lo = c.num(Slot::OutMin), hi = c.num(Slot::OutMax);
      if (k == K::minMaxHalf) t.min_max_half(c.ptr<const uint16_t>(0), c.half(), c.len(0), &lo, &hi);
      else if (c.f64(0)) t.min_max_f64(c.ptr<const double>(0), c.len(0), &lo, &hi);
      else t.min_max_f32(c.ptr<const float>(0), c.len(0), &lo, &hi);
      c.set(Slot::OutMin, lo);
      c.set(Slot::OutMax, hi);
      return Status::Ok;
    }
    case K::absMax: {
      double m = c.num(Slot::Result);
      if (c.f64(0)) t.abs_max_f64(c.ptr<const double>(0), c.len(0), &m);
      else t.abs_max_f32(c.ptr<const float>(0), c.len(0), &m);
      c.set(Slot::Result, m);
      return Status::Ok;
    }
    case K::minMaxAxisHalf:
    case K::minMaxBlockedHalf: {
      const Layout l = c.layout(k == K::minMaxAxisHalf ? Layout::Kind::Axis : Layout::Kind::Block);
      min_max_layout(t, c.ptr<const uint16_t>(0), c.half(), l, c.ptr<double>(1), c.ptr<double>(2));
      return Status::Ok;
    }
    case K::minMaxAxis:
    case K::minMaxBlocked: {
      const Layout l = c.layout(k == K::minMaxAxis ? Layout::Kind::Axis : Layout::Kind::Block);
      if (c.f64(0)) min_max_layout(t, c.ptr<const double>(0), l, c.ptr<double>(1), c.ptr<double>(2));
      else min_max_layout(t, c.ptr<const float>(0), l, c.ptr<double>(1), c.ptr<double>(2));
      return Status::Ok;
    }
    case K::pack:
      t.pack(c.ptr<const uint8_t>(0), c.len(0), c.i32(Slot::Bits), c.ptr<uint8_t>(1));
      return Status::Ok;
    case K::unpack:
      t.unpack(c.ptr<const uint8_t>(0), c.len(1), c.i32(Slot::Bits), c.i32(Slot::Signed) == 1, c.ptr<uint8_t>(1));
      return Status::Ok;
    case K::histogram:
    case K::absHistogram: {
      // counts (arrays[1]) are uint32 here; a Float64Array of counts is added up by the TypeScript side.
      if (c.elem(1) != Elem::U32) return Status::BadArguments;
      const bool abs = k == K::absHistogram;
      const double lo = c.num(Slot::Min), hi = c.num(Slot::Max);
      uint32_t* counts = c.ptr<uint32_t>(1);
      if (c.f64(0)) (abs ? t.abs_histogram_f64 : t.histogram_f64)(c.ptr<const double>(0), c.len(0), lo, hi, counts, c.len(1));
      else (abs ? t.abs_histogram_f32 : t.histogram_f32)(c.ptr<const float>(0), c.len(0), lo, hi, counts, c.len(1));
      return Status::Ok;
    }
    case K::histogramHalf:
    case K::absHistogramHalf: {
      // x (arrays[0]) holds half bit patterns of the type in the half slot; counts as for histogram.
      if (c.elem(1) != Elem::U32) return Status::BadArguments;
      const auto kernel = k == K::absHistogramHalf ? t.abs_histogram_half : t.histogram_half;
      kernel(c.ptr<const uint16_t>(0), c.half(), c.len(0), c.num(Slot::Min), c.num(Slot::Max), c.ptr<uint32_t>(1), c.len(1));
      return Status::Ok;
    }
    case K::ggmlQuantize:
      c.set(Slot::Result, ggml_quantize(c));
      return Status::Ok;
    case K::ggmlQuantizeHalf:
      c.set(Slot::Result, ggml_quantize_half(c));
      return Status::Ok;
    case K::ggmlDequantize:
      t.ggml_dequantize(static_cast<GgmlFormat>(c.i32(Slot::Format)), c.ptr<const uint8_t>(0), c.len(1), c.ptr<float>(1));
      return Status::Ok;
    case K::quantizeEmbeddingRows: {
      const size_t dim = c.count(Slot::Dim);
      t.quantize_embedding_rows_f32(c.ptr<const float>(0), c.len(0) / dim, dim, c.ptr<const float>(1), c.ptr<const float>(2),
                                    embedding_codes(c, c.i32(Slot::Precision) == 1), c.ptr<uint8_t>(3));
      return Status::Ok;
    }
    case K::packBinaryRows: {
      const size_t dim = c.count(Slot::Dim);
      t.pack_binary_rows_f32(c.ptr<const float>(0), c.len(0) / dim, dim, static_cast<BitOrder>(c.i32(Slot::BitOrder)),
                             static_cast<BitThreshold>(c.i32(Slot::Threshold)), c.i32(Slot::Precision) == 2, c.ptr<uint8_t>(1));
      return Status::Ok;
    }
    case K::hammingScan:
      t.hamming_scan(c.ptr<const uint8_t>(0), c.ptr<const uint8_t>(1), c.len(2), c.count(Slot::BytesPerRow), c.ptr<uint32_t>(2));
      return Status::Ok;
    case K::dotScanInt8:
      t.dot_scan_i8(c.ptr<const int8_t>(0), c.ptr<const int8_t>(1), c.len(2), c.count(Slot::Dim), c.ptr<int32_t>(2));
      return Status::Ok;
    case K::dotScanUint8:
      t.dot_scan_u8(c.ptr<const uint8_t>(0), c.ptr<const uint8_t>(1), c.len(2), c.count(Slot::Dim), c.ptr<uint32_t>(2));
      return Status::Ok;
    case K::l2ScanInt8:
      t.l2_scan_i8(c.ptr<const int8_t>(0), c.ptr<const int8_t>(1), c.len(2), c.count(Slot::Dim), c.ptr<uint32_t>(2));
      return Status::Ok;
    case K::l2ScanUint8:
      t.l2_scan_u8(c.ptr<const uint8_t>(0), c.ptr<const uint8_t>(1), c.len(2), c.count(Slot::Dim), c.ptr<uint32_t>(2));
      return Status::Ok;
    case K::dotScanAsymmetric:
    case K::l2ScanAsymmetric:
      (k == K::dotScanAsymmetric ? t.dot_scan_asymmetric : t.l2_scan_asymmetric)(
          c.ptr<const float>(0), c.ptr<const uint8_t>(1), c.len(4), c.count(Slot::Dim), c.ptr<const float>(2), c.ptr<const float>(3),
          embedding_codes(c, c.elem(1) == Elem::U8), c.ptr<double>(4));
      return Status::Ok;
    case K::dotScanFloat:
    case K::l2ScanFloat:
      (k == K::dotScanFloat ? t.dot_scan_f32 : t.l2_scan_f32)(c.ptr<const float>(0), c.ptr<const float>(1), c.len(2), c.count(Slot::Dim), c.ptr<double>(2));
      return Status::Ok;
    case K::topKKernel: {
      const size_t n = c.len(0), kk = c.count(Slot::K);
      const bool desc = c.i32(Slot::Order) == 1;
      size_t r;
      if (c.elem(0) == Elem::F64) r = t.top_k_f64(c.ptr<const double>(0), n, kk, desc, c.ptr<uint32_t>(1));
      else if (c.elem(0) == Elem::I32) r = t.top_k_i32(c.ptr<const int32_t>(0), n, kk, desc, c.ptr<uint32_t>(1));
      else r = t.top_k_u32(c.ptr<const uint32_t>(0), n, kk, desc, c.ptr<uint32_t>(1));
      c.set(Slot::Result, static_cast<double>(r));
      return Status::Ok;
    }
    case K::Count: break;
  }
  return Status::UnknownKernel;
}

}  // namespace
}  // namespace quantkit::wasm

using namespace quantkit::wasm;

extern "C" {

__attribute__((export_name("qk_call"))) int32_t qk_call(int32_t kernel, const Arr* arrays, double* d) {
  if (kernel < 0 || kernel >= static_cast<int32_t>(Kernel::Count)) return static_cast<int32_t>(Status::UnknownKernel);
  return static_cast<int32_t>(run(static_cast<Kernel>(kernel), Call{arrays, d}));
}

__attribute__((export_name("qk_kernel_names"))) const char* qk_kernel_names() { return kKernelNames; }
__attribute__((export_name("qk_slot_names"))) const char* qk_slot_names() { return kSlotNames; }

// Selects the kernel set: "simd128" (the default) or "scalar" (the portable loops, for tests and as an oracle).
// Returns the set's name, or 0 for an unknown one.
__attribute__((export_name("qk_use_isa"))) const char* qk_use_isa(int32_t simd) {
  if (simd != 0) {
    if (simd128_table.isa == nullptr) simd128_table = quantkit::simd128_kernel_table(quantkit::kScalarKernels);
    table = &simd128_table;
  } else {
    table = &quantkit::kScalarKernels;
  }
  return table->isa;
}

}  // extern "C"
