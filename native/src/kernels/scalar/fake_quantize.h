// Scalar fake-quantize kernels: the portable loops of common/fake_quantize.h behind the table's signatures (lanes of the
// error sums counted from x[0]; the call's sums S are added to *sums; sums == nullptr: values only).
#pragma once

#include "../common/fake_quantize.h"

namespace quantkit::scalar {
namespace {

template <typename F> void fake_quantize(const F* x, size_t n, F scale, int32_t zp, QuantSpec spec, F* out, ErrorSums* sums) {
  const QuantParams<F> p = make_quant_params(scale, zp, spec);
  if (sums == nullptr) return fake_quantize_values_loop(x, n, scale, p, out);
  ErrorAccumulator acc(*sums);
  fake_quantize_loop(x, n, scale, p, out, acc, 0);
  acc.finish(sums);
}

}  // namespace
}  // namespace quantkit::scalar
