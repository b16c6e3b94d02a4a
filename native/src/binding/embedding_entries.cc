#include "embedding_entries.h"

#include <string>

namespace quantkit {
namespace {

// The row length in slot s: an integer >= 1.
bool row_length(const Descriptor& d, Slot s, size_t* out, Failure* f) {
  if (!d.count(s, kErrShape, out, f)) return false;
  if (*out < 1) return f->set(kErrShape, std::string(slot_name(s)) + " must be >= 1");
  return true;
}

bool same_length(const char* name, const ArrayView& v, size_t length, const char* code, Failure* f) {
  if (v.length == length) return true;
  return f->set(code, std::string(name) + " must have " + std::to_string(length) + " elements, got " + std::to_string(v.length));
}

// A scan: a query of one row, rows of whole rows, one score per row.
bool scan_shape(const ArrayView& query, const ArrayView& rows, const ArrayView& out, size_t length, Failure* f) {
  if (!same_length("query", query, length, kErrShape, f)) return false;
  if (rows.length % length != 0) return f->set(kErrShape, "rows must hold whole rows of " + std::to_string(length) + " values, got " + std::to_string(rows.length));
  return same_length("out", out, rows.length / length, kErrOutput, f);
}

bool codes_of_type(const char* name, const ArrayView& v, bool is_signed, Failure* f) {
  if (v.elem == (is_signed ? Elem::I8 : Elem::U8)) return true;
  return f->set(kErrInputType, std::string(name) + (is_signed ? " must be an Int8Array" : " must be a Uint8Array"));
}

EmbeddingJob scan_job(const KernelTable* t, EmbeddingKernel k, const ArrayView& query, const ArrayView& rows, size_t length, const ArrayView& out) {
  return EmbeddingJob(t, EmbeddingCall{.kernel = k, .a = query.data, .rows = rows.data, .count = out.length, .row_length = length, .out = out.data});
}

}  // namespace

bool HammingScan::check(const Descriptor& d, Failure* f) {
  return row_length(d, Slot::BytesPerRow, &bytes_per_row, f) && scan_shape(query, rows, out, bytes_per_row, f);
}

EmbeddingJob HammingScan::job(const KernelTable* t) const { return scan_job(t, EmbeddingKernel::Hamming, query, rows, bytes_per_row, out); }

template <EmbeddingKernel K> bool IntegerScan<K>::check(const Descriptor& d, Failure* f) {
  return codes_of_type("query", query, kSigned, f) && codes_of_type("rows", rows, kSigned, f) && row_length(d, Slot::Dim, &dim, f) &&
         scan_shape(query, rows, out, dim, f);
}

template <EmbeddingKernel K> EmbeddingJob IntegerScan<K>::job(const KernelTable* t) const { return scan_job(t, K, query, rows, dim, out); }

template <bool L2> bool AsymmetricScan<L2>::check(const Descriptor& d, Failure* f) {
  int32_t rounding = 0;
  if (!row_length(d, Slot::Dim, &dim, f) || !d.choice(Slot::Int8Rounding, 2, &rounding, f) || !scan_shape(query, rows, out, dim, f)) return false;
  if (!same_length("starts", starts, dim, kErrShape, f) || !same_length("steps", steps, dim, kErrShape, f)) return false;
  codes = rows.elem == Elem::U8 ? EmbeddingCodes::U8 : rounding == 1 ? EmbeddingCodes::I8TowardZero : EmbeddingCodes::I8Floor;
  return true;
}

template <bool L2> EmbeddingJob AsymmetricScan<L2>::job(const KernelTable* t) const {
  EmbeddingCall c{.kernel = L2 ? EmbeddingKernel::L2Asymmetric : EmbeddingKernel::DotAsymmetric, .a = query.data, .rows = rows.data,
                  .starts = static_cast<const float*>(starts.data), .steps = static_cast<const float*>(steps.data), .count = out.length,
                  .row_length = dim, .codes = codes, .out = out.data};
  return EmbeddingJob(t, c);
}

template <bool L2> bool FloatScan<L2>::check(const Descriptor& d, Failure* f) {
  return row_length(d, Slot::Dim, &dim, f) && scan_shape(query, rows, out, dim, f);
}

template <bool L2> EmbeddingJob FloatScan<L2>::job(const KernelTable* t) const {
  return scan_job(t, L2 ? EmbeddingKernel::L2F32 : EmbeddingKernel::DotF32, query, rows, dim, out);
}

bool QuantizeEmbeddingRows::check(const Descriptor& d, Failure* f) {
  int32_t precision = 0, rounding = 0;
  if (!row_length(d, Slot::Dim, &dim, f) || !d.choice(Slot::Precision, 2, &precision, f) || !d.choice(Slot::Int8Rounding, 2, &rounding, f)) return false;
  if (x.length % dim != 0) return f->set(kErrShape, "x must hold whole rows of " + std::to_string(dim) + " values, got " + std::to_string(x.length));
  if (!same_length("starts", starts, dim, kErrShape, f) || !same_length("steps", steps, dim, kErrShape, f)) return false;
  if (out.elem != (precision == 0 ? Elem::I8 : Elem::U8)) return f->set(kErrOutput, precision == 0 ? "int8 codes go to an Int8Array" : "uint8 codes go to a Uint8Array");
  codes = precision == 1 ? EmbeddingCodes::U8 : rounding == 1 ? EmbeddingCodes::I8TowardZero : EmbeddingCodes::I8Floor;
  return same_length("out", out, x.length, kErrOutput, f);
}

EmbeddingJob QuantizeEmbeddingRows::job(const KernelTable* t) const {
  EmbeddingCall c{.kernel = EmbeddingKernel::QuantizeRows, .a = x.data, .rows = nullptr, .starts = static_cast<const float*>(starts.data),
                  .steps = static_cast<const float*>(steps.data), .count = x.length / dim, .row_length = dim, .codes = codes, .out = out.data};
  return EmbeddingJob(t, c);
}

bool PackBinaryRows::check(const Descriptor& d, Failure* f) {
  int32_t precision = 0, order_id = 0, threshold_id = 0;
  if (!row_length(d, Slot::Dim, &dim, f) || !d.choice(Slot::Precision, 4, &precision, f) || !d.choice(Slot::Order, 2, &order_id, f) ||
      !d.choice(Slot::Threshold, 2, &threshold_id, f)) {
    return false;
  }
  if (precision < 2) return f->set(kErrOption, "packBinaryRows takes precision 2 (binary) or 3 (ubinary)");
  signed_codes = precision == 2;
  if (out.elem != (signed_codes ? Elem::I8 : Elem::U8)) return f->set(kErrOutput, signed_codes ? "binary codes go to an Int8Array" : "ubinary codes go to a Uint8Array");
  if (x.length % dim != 0) return f->set(kErrShape, "x must hold whole rows of " + std::to_string(dim) + " values, got " + std::to_string(x.length));
  order = static_cast<BitOrder>(order_id);
  threshold = static_cast<BitThreshold>(threshold_id);
  return same_length("out", out, x.length / dim * ((dim + 7) / 8), kErrOutput, f);
}

EmbeddingJob PackBinaryRows::job(const KernelTable* t) const {
  EmbeddingCall c{.kernel = EmbeddingKernel::PackBinary, .a = x.data, .rows = nullptr, .count = x.length / dim, .row_length = dim,
                  .order = order, .threshold = threshold, .signed_codes = signed_codes, .out = out.data};
  return EmbeddingJob(t, c);
}

bool TopK::check(const Descriptor& d, Failure* f) {
  int32_t order = 0;
  if (!d.count(Slot::K, kErrOption, &k, f) || !d.choice(Slot::ScoreOrder, 2, &order, f)) return false;
  if (scores.length > (size_t{1} << 32)) return f->set(kErrShape, "scores must have at most 2^32 elements, got " + std::to_string(scores.length));
  descending = order == 1;
  return same_length("out", out, k < scores.length ? k : scores.length, kErrOutput, f);
}

TopKJob TopK::job(const KernelTable* t) const {
  const TopKJob::Type type = scores.elem == Elem::F64 ? TopKJob::Type::F64 : scores.elem == Elem::I32 ? TopKJob::Type::I32 : TopKJob::Type::U32;
  return TopKJob(t, type, scores.data, scores.length, k, descending, static_cast<uint32_t*>(out.data));
}

void TopK::publish(const TopKJob& job, void* desc) { store_result(desc, Slot::ResultCount, static_cast<double>(job.count())); }

template struct IntegerScan<EmbeddingKernel::DotI8>;
template struct IntegerScan<EmbeddingKernel::DotU8>;
template struct IntegerScan<EmbeddingKernel::L2I8>;
template struct IntegerScan<EmbeddingKernel::L2U8>;
template struct AsymmetricScan<false>;
template struct AsymmetricScan<true>;
template struct FloatScan<false>;
template struct FloatScan<true>;

}  // namespace quantkit
