#include "kernel_entries.h"

#include <string>

namespace quantkit {
namespace {

FloatType float_type(const ArrayView& v) { return v.elem == Elem::F64 ? FloatType::F64 : FloatType::F32; }
FloatInput float_input(const ArrayView& v) { return FloatInput{float_type(v), v.data, v.length}; }
FloatOutput float_output(const ArrayView& v) { return FloatOutput{float_type(v), v.data, v.length}; }

IntType int_type(const ArrayView& v) {
  switch (v.elem) {
    case Elem::I8: return IntType::I8;
    case Elem::I16: return IntType::I16;
    case Elem::U16: return IntType::U16;
    default: return IntType::U8;
  }
}
IntBuffer codes(const ArrayView& v) { return IntBuffer{int_type(v), v.data, v.length}; }

FloatType half_float_type(HalfType h) { return h == HalfType::BF16 ? FloatType::BF16 : FloatType::F16; }

// The data of an entry with a Half flag: half bit patterns of type h, or float32 / float64 by v's element type.
FloatInput float_input(const ArrayView& v, bool half, HalfType h) { return half ? FloatInput{half_float_type(h), v.data, v.length} : float_input(v); }
FloatOutput float_output(const ArrayView& v, bool half, HalfType h) { return half ? FloatOutput{half_float_type(h), v.data, v.length} : float_output(v); }

IntRange range_of(IntType t) {
  switch (t) {
    case IntType::I8: return {-128, 127};
    case IntType::U8: return {0, 255};
    case IntType::I16: return {-32768, 32767};
    case IntType::U16: return {0, 65535};
  }
  return {0, 0};
}

// The codes fakeQuantizeTensor may produce: any of the four code types.
constexpr IntRange kAnyCode{-32768, 65535};

bool has_length(const char* name, const ArrayView& v, size_t length, const char* code, Failure* f) {
  if (v.length == length) return true;
  return f->set(code, std::string(name) + " must have " + std::to_string(length) + " elements, got " + std::to_string(v.length));
}

// scales and zeroPoints of a layout with `groups` groups.
bool has_groups(const ArrayView& scales, const ArrayView& zero_points, size_t groups, Failure* f) {
  return has_length("scales", scales, groups, kErrScale, f) && has_length("zeroPoints", zero_points, groups, kErrZeroPoint, f);
}

GroupParams group_params(const ArrayView& scales, const ArrayView& zero_points) {
  return GroupParams{ScaleArray{scales.data, scales.elem == Elem::F64}, static_cast<const int32_t*>(zero_points.data)};
}

size_t packed_bytes(size_t count, int bits) {
  const size_t per_byte = static_cast<size_t>(8 / bits);
  return count / per_byte + (count % per_byte != 0);
}

}  // namespace

// ---- quantize ------------------------------------------------------------------------------------------------------

bool QuantizeTensor::check(const Descriptor& d, Failure* f) {
  scale = d.number(Slot::Scale);
  return has_length("out", out, x.length, kErrOutput, f) && d.spec(range_of(int_type(out)), &spec, f) &&
         d.zero_point(IntRange{spec.qmin, spec.qmax}, &zero_point, f);
}

QuantizeJob QuantizeTensor::job(const KernelTable* t) const { return QuantizeJob(t, float_input(x), codes(out), spec, QuantParams::tensor(scale, zero_point)); }

template <Layout::Kind K, bool Half> bool QuantizeGrouped<K, Half>::check(const Descriptor& d, Failure* f) {
  return (!Half || d.half(&half, f)) && has_length("out", out, x.length, kErrOutput, f) && d.spec(range_of(int_type(out)), &spec, f) &&
         d.layout(K, x.length, &layout, f) && has_groups(scales, zero_points, layout.groups(), f);
}

template <Layout::Kind K, bool Half> QuantizeJob QuantizeGrouped<K, Half>::job(const KernelTable* t) const {
  return QuantizeJob(t, float_input(x, Half, half), codes(out), spec, QuantParams::grouped(layout, group_params(scales, zero_points)));
}

bool QuantizeBlockedMinMax::check(const Descriptor& d, Failure* f) {
  if (!has_length("out", out, x.length, kErrOutput, f) || !d.spec(range_of(int_type(out)), &spec, f) || !d.scheme(spec, &scheme, f) ||
      !d.layout(Layout::Kind::Block, x.length, &layout, f)) {
    return false;
  }
  // The scales are written in the tensor's precision (float32 scales for float32 data, as the reference rounds them).
  if (out_scales.elem != x.elem) return f->set(kErrOutput, "outScales must have the same element type as x");
  return has_length("outScales", out_scales, layout.groups(), kErrOutput, f) &&
         has_length("outZeroPoints", out_zero_points, layout.groups(), kErrOutput, f);
}

QuantizeBlocksJob QuantizeBlockedMinMax::job(const KernelTable* t) const {
  return QuantizeBlocksJob(t, float_input(x), codes(out), spec, scheme, layout, out_scales.data, static_cast<int32_t*>(out_zero_points.data));
}

void QuantizeBlockedMinMax::publish(const QuantizeBlocksJob& job, void* desc) {
  const size_t bad = job.bad_group();
  store_result(desc, Slot::BadGroup, bad == QuantizeBlocksJob::kNoBadGroup ? -1.0 : static_cast<double>(bad));
}

// ---- half precision ------------------------------------------------------------------------------------------------

bool QuantizeTensorHalf::check(const Descriptor& d, Failure* f) {
  scale = d.number(Slot::Scale);
  return d.half(&half, f) && has_length("out", out, x.length, kErrOutput, f) && d.spec(range_of(int_type(out)), &spec, f) &&
         d.zero_point(IntRange{spec.qmin, spec.qmax}, &zero_point, f);
}

QuantizeJob QuantizeTensorHalf::job(const KernelTable* t) const {
  return QuantizeJob(t, FloatInput{half_float_type(half), x.data, x.length}, codes(out), spec, QuantParams::tensor(scale, zero_point));
}

bool DequantizeTensorHalf::check(const Descriptor& d, Failure* f) {
  scale = d.number(Slot::Scale);
  return d.half(&half, f) && has_length("out", out, q.length, kErrOutput, f) && d.zero_point(range_of(int_type(q)), &zero_point, f);
}

DequantizeJob DequantizeTensorHalf::job(const KernelTable* t) const {
  return DequantizeJob(t, codes(q), FloatOutput{half_float_type(half), out.data, out.length}, QuantParams::tensor(scale, zero_point));
}

// ---- dequantize ----------------------------------------------------------------------------------------------------

bool DequantizeTensor::check(const Descriptor& d, Failure* f) {
  scale = d.number(Slot::Scale);
  return has_length("out", out, q.length, kErrOutput, f) && d.zero_point(range_of(int_type(q)), &zero_point, f);
}

DequantizeJob DequantizeTensor::job(const KernelTable* t) const { return DequantizeJob(t, codes(q), float_output(out), QuantParams::tensor(scale, zero_point)); }

template <Layout::Kind K, bool Half> bool DequantizeGrouped<K, Half>::check(const Descriptor& d, Failure* f) {
  return (!Half || d.half(&half, f)) && has_length("out", out, q.length, kErrOutput, f) && d.layout(K, q.length, &layout, f) &&
         has_groups(scales, zero_points, layout.groups(), f);
}

template <Layout::Kind K, bool Half> DequantizeJob DequantizeGrouped<K, Half>::job(const KernelTable* t) const {
  return DequantizeJob(t, codes(q), float_output(out, Half, half), QuantParams::grouped(layout, group_params(scales, zero_points)));
}

// ---- fake quantize -------------------------------------------------------------------------------------------------

bool FakeQuantizeTensor::check(const Descriptor& d, Failure* f) {
  scale = d.number(Slot::Scale);
  if (!has_length("out", out, x.length, kErrOutput, f)) return false;
  if (out.elem != x.elem) return f->set(kErrOutput, "out must have the same element type as x");
  return d.spec(kAnyCode, &spec, f) && d.zero_point(IntRange{spec.qmin, spec.qmax}, &zero_point, f);
}

FakeQuantizeJob FakeQuantizeTensor::job(const KernelTable* t) const {
  return FakeQuantizeJob(t, float_input(x), float_output(out), spec, scale, zero_point);
}

bool FakeQuantizeTensorValues::check(const Descriptor& d, Failure* f) {
  checked.x = x;
  checked.out = out;
  return checked.check(d, f);
}

FakeQuantizeJob FakeQuantizeTensorValues::job(const KernelTable* t) const {
  return FakeQuantizeJob(t, float_input(x), float_output(out), checked.spec, checked.scale, checked.zero_point, false);
}

void FakeQuantizeTensor::publish(const FakeQuantizeJob& job, void* desc) {
  const ErrorSums& s = job.sums();
  store_result(desc, Slot::SumSq, s.sum_sq);
  store_result(desc, Slot::SumAbs, s.sum_abs);
  store_result(desc, Slot::MaxAbs, s.max_abs);
  store_result(desc, Slot::SumRef2, s.sum_ref2);
  store_result(desc, Slot::SumApprox2, s.sum_approx2);
  store_result(desc, Slot::Dot, s.dot);
}

// ---- whole-tensor reductions ---------------------------------------------------------------------------------------

template <ReduceJob::Kind K, bool Half> ReduceJob Reduce<K, Half>::job(const KernelTable* t) const { return ReduceJob(t, float_input(x, Half, half), K); }

template <ReduceJob::Kind K, bool Half> void Reduce<K, Half>::publish(const ReduceJob& job, void* desc) {
  if (K == ReduceJob::Kind::MinMax) {
    store_result(desc, Slot::Min, job.min());
    store_result(desc, Slot::Max, job.max());
  } else {
    store_result(desc, Slot::AbsMax, job.abs_max());
  }
}

// ---- per-group min / max -------------------------------------------------------------------------------------------

template <Layout::Kind K, bool Half> bool GroupMinMax<K, Half>::check(const Descriptor& d, Failure* f) {
  return (!Half || d.half(&half, f)) && d.layout(K, x.length, &layout, f) && has_length("outMin", out_min, layout.groups(), kErrOutput, f) &&
         has_length("outMax", out_max, layout.groups(), kErrOutput, f);
}

template <Layout::Kind K, bool Half> GroupMinMaxJob GroupMinMax<K, Half>::job(const KernelTable* t) const {
  return GroupMinMaxJob(t, float_input(x, Half, half), layout, static_cast<double*>(out_min.data), static_cast<double*>(out_max.data));
}

// ---- packing -------------------------------------------------------------------------------------------------------

bool Pack::check(const Descriptor& d, Failure* f) {
  return d.bits(&bits, f) && has_length("out", out, packed_bytes(q.length, bits), kErrPacked, f);
}

PackJob Pack::job(const KernelTable* t) const {
  return PackJob(t, false, static_cast<const uint8_t*>(q.data), q.length, bits, false, static_cast<uint8_t*>(out.data));
}

bool Unpack::check(const Descriptor& d, Failure* f) {
  return d.bits(&bits, f) && d.is_signed(&is_signed, f) && has_length("packed", packed, packed_bytes(out.length, bits), kErrPacked, f);
}

PackJob Unpack::job(const KernelTable* t) const {
  return PackJob(t, true, static_cast<const uint8_t*>(packed.data), out.length, bits, is_signed, static_cast<uint8_t*>(out.data));
}

// ---- histograms ----------------------------------------------------------------------------------------------------

template <bool Abs, bool Half> bool Histogram<Abs, Half>::check(const Descriptor& d, Failure* f) {
  if (Half && !d.half(&half, f)) return false;
  if (counts.length < 1 || counts.length > 2147483647u) return f->set(kErrOutput, "counts must have 1 to 2^31 - 1 elements");
  return d.histogram_range(Abs, &min, &max, f);
}

template <bool Abs, bool Half> HistogramJob Histogram<Abs, Half>::job(const KernelTable* t) const {
  const auto type = counts.elem == Elem::U32 ? HistogramCounts::Type::U32 : HistogramCounts::Type::F64;
  return HistogramJob(t, float_input(x, Half, half), Abs, min, max, HistogramCounts{type, counts.data, counts.length});
}

// ---- GGML blocks --------------------------------------------------------------------------------------------------

bool GgmlQuantize::check(const Descriptor& d, Failure* f) {
  if (!d.ggml_format(&format, f)) return false;
  if (x.elem != Elem::F32) return f->set(kErrInputType, "x must be a Float32Array");
  if (x.length % ggml_block_size(format) != 0) return f->set(kErrShape, "x must hold whole blocks of " + std::to_string(ggml_block_size(format)) + " elements");
  return has_length("out", out, ggml_row_bytes(format, x.length), kErrOutput, f);
}

GgmlJob GgmlQuantize::job(const KernelTable* t) const {
  return GgmlJob::quantize(t, format, static_cast<const float*>(x.data), x.length, static_cast<uint8_t*>(out.data));
}

void GgmlQuantize::publish(const GgmlJob& job, void* desc) {
  const size_t bad = job.bad_index();
  store_result(desc, Slot::BadIndex, bad == GgmlJob::kNoBadIndex ? -1.0 : static_cast<double>(bad));
}

bool GgmlQuantizeHalf::check(const Descriptor& d, Failure* f) {
  if (!d.ggml_format(&format, f) || !d.half(&half, f)) return false;
  if (x.length % ggml_block_size(format) != 0) return f->set(kErrShape, "x must hold whole blocks of " + std::to_string(ggml_block_size(format)) + " elements");
  return has_length("out", out, ggml_row_bytes(format, x.length), kErrOutput, f);
}

GgmlJob GgmlQuantizeHalf::job(const KernelTable* t) const {
  return GgmlJob::quantize_half(t, format, static_cast<const uint16_t*>(x.data), half, x.length, static_cast<uint8_t*>(out.data));
}

bool GgmlDequantize::check(const Descriptor& d, Failure* f) {
  if (!d.ggml_format(&format, f)) return false;
  if (out.elem != Elem::F32) return f->set(kErrOutput, "out must be a Float32Array");
  const size_t bytes = ggml_block_bytes(format);
  if (blocks.length % bytes != 0) return f->set(kErrPacked, "blocks must be whole blocks of " + std::to_string(bytes) + " bytes");
  return has_length("out", out, blocks.length / bytes * ggml_block_size(format), kErrOutput, f);
}

GgmlJob GgmlDequantize::job(const KernelTable* t) const {
  return GgmlJob::dequantize(t, format, static_cast<const uint8_t*>(blocks.data), out.length, static_cast<float*>(out.data));
}

template struct QuantizeGrouped<Layout::Kind::Axis>;
template struct QuantizeGrouped<Layout::Kind::Block>;
template struct QuantizeGrouped<Layout::Kind::Axis, true>;
template struct QuantizeGrouped<Layout::Kind::Block, true>;
template struct DequantizeGrouped<Layout::Kind::Axis>;
template struct DequantizeGrouped<Layout::Kind::Block>;
template struct DequantizeGrouped<Layout::Kind::Axis, true>;
template struct DequantizeGrouped<Layout::Kind::Block, true>;
template struct Reduce<ReduceJob::Kind::MinMax>;
template struct Reduce<ReduceJob::Kind::AbsMax>;
template struct Reduce<ReduceJob::Kind::MinMax, true>;
template struct GroupMinMax<Layout::Kind::Axis>;
template struct GroupMinMax<Layout::Kind::Block>;
template struct GroupMinMax<Layout::Kind::Axis, true>;
template struct GroupMinMax<Layout::Kind::Block, true>;
template struct Histogram<false>;
template struct Histogram<true>;
template struct Histogram<false, true>;
template struct Histogram<true, true>;

}  // namespace quantkit
