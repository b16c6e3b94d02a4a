// Per-axis and blocked quantize / dequantize / min-max (layouts of layout.h), driven on top of the run kernels of a
// KernelTable. Results equal the TypeScript reference kernels (quantizeAxis, quantizeBlocked, minMaxAxis, ...) bit for
// bit, whichever ranges a layout is split into.
//
// Arguments are assumed validated (packages/quant-core/src/kernel-api.ts validates values; the binding re-checks
// sizes): layout.kind is Axis or Block, the layout is valid for the data, scales and zero points have
// layout.groups() elements, scales are finite and > 0 in the precision used, zero points lie inside [qmin, qmax] (or
// inside the code type's range for dequantize). Nothing here allocates or keeps state.
//
// Threads: quantize and dequantize take a RowRange and min/max a UnitRange (channels, or (outer, block) pairs). Each
// range writes only its own outputs, so disjoint ranges may run on different threads and give exactly the result of
// one call covering everything (jobs.h splits them that way).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../kernels/kernels.h"
#include "layout.h"

namespace quantkit {

// Quantizes rows `rows` of x into out (of out_type; same element indices as x).
void quantize_layout(const KernelTable& k, const float* x, GroupParams params, const Layout& layout, QuantSpec spec,
                     IntType out_type, void* out, RowRange rows = {});
void quantize_layout(const KernelTable& k, const double* x, GroupParams params, const Layout& layout, QuantSpec spec,
                     IntType out_type, void* out, RowRange rows = {});

// Dequantizes rows `rows` of q (of q_type) into out: (q - zp) * scale in double, rounded once to out's precision.
void dequantize_layout(const KernelTable& k, const void* q, IntType q_type, GroupParams params, const Layout& layout,
                       float* out, RowRange rows = {});
void dequantize_layout(const KernelTable& k, const void* q, IntType q_type, GroupParams params, const Layout& layout,
                       double* out, RowRange rows = {});

// Min and max (NaN ignored) of each group owned by units `units` (Layout::min_max_units) into out_min / out_max, which
// have layout.groups() elements. Those groups are overwritten (+inf / -inf for a group without non-NaN elements; the
// sign of a zero is unspecified); every group's elements are folded in element order.
void min_max_layout(const KernelTable& k, const float* x, const Layout& layout, double* out_min, double* out_max,
                    UnitRange units = {});
void min_max_layout(const KernelTable& k, const double* x, const Layout& layout, double* out_min, double* out_max,
                    UnitRange units = {});

// The same on half-precision data (bit patterns of type `half`): inputs widened exactly to float32 and quantized with
// float32 scales (a Float64Array of scales is rounded to float per group, as for a float32 tensor); dequantized values
// are the exact double products rounded once to the half type.
void quantize_layout(const KernelTable& k, const uint16_t* x, HalfType half, GroupParams params, const Layout& layout,
                     QuantSpec spec, IntType out_type, void* out, RowRange rows = {});
void dequantize_layout(const KernelTable& k, const void* q, IntType q_type, GroupParams params, const Layout& layout,
                       HalfType half, uint16_t* out, RowRange rows = {});
void min_max_layout(const KernelTable& k, const uint16_t* x, HalfType half, const Layout& layout, double* out_min,
                    double* out_max, UnitRange units = {});

}  // namespace quantkit
