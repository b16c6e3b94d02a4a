// One entry per kernel of the JavaScript interface (addon.cc describes it). An entry declares
//   kName     the function name (the async variant is kName + "Async");
//   kArrays   its typed-array arguments in order: name (for error messages and the exported kernelArrays), kind (the
//             element types it accepts, arrays.h) and the member that receives the view;
//   check()   the checks that relate the arrays to each other and to the descriptor slots the kernel reads;
//   job()     the job that runs it (jobs.h);
//   publish() the scalar results it writes back into the descriptor after a complete run (static).
// The binding reads arguments only through these declarations: no argument positions anywhere else. Plain C++, no Node.
#pragma once

#include <cstddef>

#include "arrays.h"
#include "descriptor.h"
#include "errors.h"
#include "ggml_job.h"
#include "jobs.h"

namespace quantkit {

template <typename Entry> struct ArrayArg {
  const char* name;
  ArrayKind kind;
  ArrayView Entry::*view;
};

// Kernels whose only results are their output arrays.
struct NoResults {
  template <typename JobType> static void publish(const JobType&, void*) {}
};

// quantizeTensor(x, out, desc): reads scale, zeroPoint, qmin, qmax, profile.
struct QuantizeTensor : NoResults {
  static constexpr const char* kName = "quantizeTensor";
  ArrayView x, out;
  static constexpr ArrayArg<QuantizeTensor> kArrays[] = {{"x", ArrayKind::FloatIn, &QuantizeTensor::x},
                                                         {"out", ArrayKind::CodesOut, &QuantizeTensor::out}};
  QuantSpec spec;
  double scale;
  int32_t zero_point;
  bool check(const Descriptor& d, Failure* f);
  QuantizeJob job(const KernelTable* t) const;
};

// quantizeAxis / quantizeBlocked(x, scales, zeroPoints, out, desc): reads outer, dim, inner (blockSize), qmin, qmax,
// profile. Half: quantizeAxisHalf / quantizeBlockedHalf, x of half bit patterns; also reads half.
template <Layout::Kind K, bool Half = false> struct QuantizeGrouped : NoResults {
  static constexpr const char* kName = K == Layout::Kind::Axis ? (Half ? "quantizeAxisHalf" : "quantizeAxis") : (Half ? "quantizeBlockedHalf" : "quantizeBlocked");
  ArrayView x, scales, zero_points, out;
  static constexpr ArrayArg<QuantizeGrouped> kArrays[] = {{"x", Half ? ArrayKind::HalfIn : ArrayKind::FloatIn, &QuantizeGrouped::x},
                                                          {"scales", ArrayKind::Scales, &QuantizeGrouped::scales},
                                                          {"zeroPoints", ArrayKind::ZeroPoints, &QuantizeGrouped::zero_points},
                                                          {"out", ArrayKind::CodesOut, &QuantizeGrouped::out}};
  QuantSpec spec;
  Layout layout;
  HalfType half = HalfType::F16;
  bool check(const Descriptor& d, Failure* f);
  QuantizeJob job(const KernelTable* t) const;
};

// quantizeBlockedMinMax(x, outScales, outZeroPoints, out, desc): reads outer, dim, inner, blockSize, scheme, qmin,
// qmax, profile; writes badGroup (-1 when every group got parameters).
struct QuantizeBlockedMinMax {
  static constexpr const char* kName = "quantizeBlockedMinMax";
  ArrayView x, out_scales, out_zero_points, out;
  static constexpr ArrayArg<QuantizeBlockedMinMax> kArrays[] = {{"x", ArrayKind::FloatIn, &QuantizeBlockedMinMax::x},
                                                                {"outScales", ArrayKind::ScalesOut, &QuantizeBlockedMinMax::out_scales},
                                                                {"outZeroPoints", ArrayKind::ZeroPointsOut, &QuantizeBlockedMinMax::out_zero_points},
                                                                {"out", ArrayKind::CodesOut, &QuantizeBlockedMinMax::out}};
  QuantSpec spec;
  ParamScheme scheme;
  Layout layout;
  bool check(const Descriptor& d, Failure* f);
  QuantizeBlocksJob job(const KernelTable* t) const;
  static void publish(const QuantizeBlocksJob& job, void* desc);
};

// quantizeTensorHalf(x, out, desc): quantizeTensor of half bit patterns; also reads half.
struct QuantizeTensorHalf : NoResults {
  static constexpr const char* kName = "quantizeTensorHalf";
  ArrayView x, out;
  static constexpr ArrayArg<QuantizeTensorHalf> kArrays[] = {{"x", ArrayKind::HalfIn, &QuantizeTensorHalf::x},
                                                             {"out", ArrayKind::CodesOut, &QuantizeTensorHalf::out}};
  QuantSpec spec;
  double scale;
  int32_t zero_point;
  HalfType half;
  bool check(const Descriptor& d, Failure* f);
  QuantizeJob job(const KernelTable* t) const;
};

// dequantizeTensorHalf(q, out, desc): dequantizeTensor into half bit patterns; reads scale, zeroPoint, half.
struct DequantizeTensorHalf : NoResults {
  static constexpr const char* kName = "dequantizeTensorHalf";
  ArrayView q, out;
  static constexpr ArrayArg<DequantizeTensorHalf> kArrays[] = {{"q", ArrayKind::CodesIn, &DequantizeTensorHalf::q},
                                                               {"out", ArrayKind::HalfOut, &DequantizeTensorHalf::out}};
  double scale;
  int32_t zero_point;
  HalfType half;
  bool check(const Descriptor& d, Failure* f);
  DequantizeJob job(const KernelTable* t) const;
};

// dequantizeTensor(q, out, desc): reads scale, zeroPoint.
struct DequantizeTensor : NoResults {
  static constexpr const char* kName = "dequantizeTensor";
  ArrayView q, out;
  static constexpr ArrayArg<DequantizeTensor> kArrays[] = {{"q", ArrayKind::CodesIn, &DequantizeTensor::q},
                                                           {"out", ArrayKind::FloatOut, &DequantizeTensor::out}};
  double scale;
  int32_t zero_point;
  bool check(const Descriptor& d, Failure* f);
  DequantizeJob job(const KernelTable* t) const;
};

// dequantizeAxis / dequantizeBlocked(q, scales, zeroPoints, out, desc): reads outer, dim, inner (blockSize). Half:
// dequantizeAxisHalf / dequantizeBlockedHalf, out of half bit patterns; also reads half.
template <Layout::Kind K, bool Half = false> struct DequantizeGrouped : NoResults {
  static constexpr const char* kName = K == Layout::Kind::Axis ? (Half ? "dequantizeAxisHalf" : "dequantizeAxis") : (Half ? "dequantizeBlockedHalf" : "dequantizeBlocked");
  ArrayView q, scales, zero_points, out;
  static constexpr ArrayArg<DequantizeGrouped> kArrays[] = {{"q", ArrayKind::CodesIn, &DequantizeGrouped::q},
                                                            {"scales", ArrayKind::Scales, &DequantizeGrouped::scales},
                                                            {"zeroPoints", ArrayKind::ZeroPoints, &DequantizeGrouped::zero_points},
                                                            {"out", Half ? ArrayKind::HalfOut : ArrayKind::FloatOut, &DequantizeGrouped::out}};
  Layout layout;
  HalfType half = HalfType::F16;
  bool check(const Descriptor& d, Failure* f);
  DequantizeJob job(const KernelTable* t) const;
};

// fakeQuantizeTensor(x, out, desc): reads scale, zeroPoint, qmin, qmax, profile; writes sumSq, sumAbs, maxAbs,
// sumRef2, sumApprox2, dot.
struct FakeQuantizeTensor {
  static constexpr const char* kName = "fakeQuantizeTensor";
  ArrayView x, out;
  static constexpr ArrayArg<FakeQuantizeTensor> kArrays[] = {{"x", ArrayKind::FloatIn, &FakeQuantizeTensor::x},
                                                             {"out", ArrayKind::FloatOut, &FakeQuantizeTensor::out}};
  QuantSpec spec;
  double scale;
  int32_t zero_point;
  bool check(const Descriptor& d, Failure* f);
  FakeQuantizeJob job(const KernelTable* t) const;
  static void publish(const FakeQuantizeJob& job, void* desc);
};

// fakeQuantizeTensorValues(x, out, desc): fakeQuantizeTensor's values without the error sums; reads the same slots.
struct FakeQuantizeTensorValues : NoResults {
  static constexpr const char* kName = "fakeQuantizeTensorValues";
  ArrayView x, out;
  static constexpr ArrayArg<FakeQuantizeTensorValues> kArrays[] = {{"x", ArrayKind::FloatIn, &FakeQuantizeTensorValues::x},
                                                                   {"out", ArrayKind::FloatOut, &FakeQuantizeTensorValues::out}};
  FakeQuantizeTensor checked;  // the checks and scalars of fakeQuantizeTensor
  bool check(const Descriptor& d, Failure* f);
  FakeQuantizeJob job(const KernelTable* t) const;
};

// minMax(x, desc): writes min, max.   absMax(x, desc): writes absMax.   minMaxHalf(x, desc): minMax of half bit
// patterns; reads half.
template <ReduceJob::Kind K, bool Half = false> struct Reduce {
  static constexpr const char* kName = K == ReduceJob::Kind::MinMax ? (Half ? "minMaxHalf" : "minMax") : "absMax";
  ArrayView x;
  static constexpr ArrayArg<Reduce> kArrays[] = {{"x", Half ? ArrayKind::HalfIn : ArrayKind::FloatIn, &Reduce::x}};
  HalfType half = HalfType::F16;
  bool check(const Descriptor& d, Failure* f) { return !Half || d.half(&half, f); }
  ReduceJob job(const KernelTable* t) const;
  static void publish(const ReduceJob& job, void* desc);
};

// minMaxAxis / minMaxBlocked(x, outMin, outMax, desc): reads outer, dim, inner (blockSize). Half: minMaxAxisHalf /
// minMaxBlockedHalf, x of half bit patterns; also reads half.
template <Layout::Kind K, bool Half = false> struct GroupMinMax : NoResults {
  static constexpr const char* kName = K == Layout::Kind::Axis ? (Half ? "minMaxAxisHalf" : "minMaxAxis") : (Half ? "minMaxBlockedHalf" : "minMaxBlocked");
  ArrayView x, out_min, out_max;
  static constexpr ArrayArg<GroupMinMax> kArrays[] = {{"x", Half ? ArrayKind::HalfIn : ArrayKind::FloatIn, &GroupMinMax::x},
                                                      {"outMin", ArrayKind::Float64Out, &GroupMinMax::out_min},
                                                      {"outMax", ArrayKind::Float64Out, &GroupMinMax::out_max}};
  Layout layout;
  HalfType half = HalfType::F16;
  bool check(const Descriptor& d, Failure* f);
  GroupMinMaxJob job(const KernelTable* t) const;
};

// pack(q, out, desc): reads bits.
struct Pack : NoResults {
  static constexpr const char* kName = "pack";
  ArrayView q, out;
  static constexpr ArrayArg<Pack> kArrays[] = {{"q", ArrayKind::ByteCodesIn, &Pack::q}, {"out", ArrayKind::BytesOut, &Pack::out}};
  int bits;
  bool check(const Descriptor& d, Failure* f);
  PackJob job(const KernelTable* t) const;
};

// unpack(packed, out, desc): reads bits, signed.
struct Unpack : NoResults {
  static constexpr const char* kName = "unpack";
  ArrayView packed, out;
  static constexpr ArrayArg<Unpack> kArrays[] = {{"packed", ArrayKind::BytesIn, &Unpack::packed},
                                                 {"out", ArrayKind::ByteCodesOut, &Unpack::out}};
  int bits;
  bool is_signed;
  bool check(const Descriptor& d, Failure* f);
  PackJob job(const KernelTable* t) const;
};

// histogram / absHistogram(x, counts, desc): reads min, max; ADDS to counts. Half: histogramHalf / absHistogramHalf,
// x of half bit patterns (binned as their exact float32 widening); also reads half.
template <bool Abs, bool Half = false> struct Histogram : NoResults {
  static constexpr const char* kName = Abs ? (Half ? "absHistogramHalf" : "absHistogram") : (Half ? "histogramHalf" : "histogram");
  ArrayView x, counts;
  static constexpr ArrayArg<Histogram> kArrays[] = {{"x", Half ? ArrayKind::HalfIn : ArrayKind::FloatIn, &Histogram::x},
                                                    {"counts", ArrayKind::Counts, &Histogram::counts}};
  double min;
  double max;
  HalfType half = HalfType::F16;
  bool check(const Descriptor& d, Failure* f);
  HistogramJob job(const KernelTable* t) const;
};

// ggmlQuantize(x, out, desc): reads format; writes badIndex (-1 when x is finite). x is a Float32Array of whole blocks.
struct GgmlQuantize {
  static constexpr const char* kName = "ggmlQuantize";
  ArrayView x, out;
  static constexpr ArrayArg<GgmlQuantize> kArrays[] = {{"x", ArrayKind::FloatIn, &GgmlQuantize::x}, {"out", ArrayKind::BytesOut, &GgmlQuantize::out}};
  GgmlFormat format;
  bool check(const Descriptor& d, Failure* f);
  GgmlJob job(const KernelTable* t) const;
  static void publish(const GgmlJob& job, void* desc);
};

// ggmlQuantizeHalf(x, out, desc): ggmlQuantize of the exact float32 widening of x, half bit patterns (a Uint16Array of
// whole blocks); reads format and half; writes badIndex.
struct GgmlQuantizeHalf {
  static constexpr const char* kName = "ggmlQuantizeHalf";
  ArrayView x, out;
  static constexpr ArrayArg<GgmlQuantizeHalf> kArrays[] = {{"x", ArrayKind::HalfIn, &GgmlQuantizeHalf::x}, {"out", ArrayKind::BytesOut, &GgmlQuantizeHalf::out}};
  GgmlFormat format;
  HalfType half = HalfType::F16;
  bool check(const Descriptor& d, Failure* f);
  GgmlJob job(const KernelTable* t) const;
  static void publish(const GgmlJob& job, void* desc) { GgmlQuantize::publish(job, desc); }
};

// ggmlDequantize(blocks, out, desc): reads format. out is a Float32Array.
struct GgmlDequantize : NoResults {
  static constexpr const char* kName = "ggmlDequantize";
  ArrayView blocks, out;
  static constexpr ArrayArg<GgmlDequantize> kArrays[] = {{"blocks", ArrayKind::BytesIn, &GgmlDequantize::blocks}, {"out", ArrayKind::FloatOut, &GgmlDequantize::out}};
  GgmlFormat format;
  bool check(const Descriptor& d, Failure* f);
  GgmlJob job(const KernelTable* t) const;
};

using QuantizeAxis = QuantizeGrouped<Layout::Kind::Axis>;
using QuantizeBlocked = QuantizeGrouped<Layout::Kind::Block>;
using DequantizeAxis = DequantizeGrouped<Layout::Kind::Axis>;
using DequantizeBlocked = DequantizeGrouped<Layout::Kind::Block>;
using MinMax = Reduce<ReduceJob::Kind::MinMax>;
using AbsMax = Reduce<ReduceJob::Kind::AbsMax>;
using MinMaxAxis = GroupMinMax<Layout::Kind::Axis>;
using MinMaxBlocked = GroupMinMax<Layout::Kind::Block>;
using QuantizeAxisHalf = QuantizeGrouped<Layout::Kind::Axis, true>;
using QuantizeBlockedHalf = QuantizeGrouped<Layout::Kind::Block, true>;
using DequantizeAxisHalf = DequantizeGrouped<Layout::Kind::Axis, true>;
using DequantizeBlockedHalf = DequantizeGrouped<Layout::Kind::Block, true>;
using MinMaxHalf = Reduce<ReduceJob::Kind::MinMax, true>;
using MinMaxAxisHalf = GroupMinMax<Layout::Kind::Axis, true>;
using MinMaxBlockedHalf = GroupMinMax<Layout::Kind::Block, true>;
using AbsHistogram = Histogram<true>;
using HistogramHalf = Histogram<false, true>;
using AbsHistogramHalf = Histogram<true, true>;

}  // namespace quantkit
