// The boundary of the WebAssembly module (packages/quant-wasm calls it): one export per job, plain numbers and
// pointers into linear memory, no allocation but the arena's. Arguments are validated in TypeScript before they get
// here (@quantkit/quant-core's kernel API), exactly as for the native addon; the module trusts them.
//
// A kernel call is qk_call(kernel, arrays, d): `kernel` an index into kKernelNames, `arrays` the call's typed arrays
// in the kernel table's parameter order (packages/quant-core/src/kernel-table.ts) as {pointer, length, element type},
// `d` a descriptor of kSlotCount doubles holding the scalar arguments and the results, in the slot order below. Names
// of both lists are exported (qk_kernel_names, qk_slot_names) so the TypeScript side finds indices by name.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace quantkit::wasm {

// Element types of typed arrays (the TypeScript side's ELEMENT_CODES).
enum class Elem : uint32_t { I8 = 0, U8 = 1, I16 = 2, U16 = 3, I32 = 4, U32 = 5, F32 = 6, F64 = 7 };

struct Arr {
  uint32_t ptr;  // byte address in linear memory
  uint32_t length;  // elements
  Elem elem;
};

// X(Id, "name"). Scalar arguments first, then the results; "carry" slots hold a running result that a call folds
// into (minMax's min / max, absMax's result, fakeQuantize's sums): the TypeScript side sets them before the first
// chunk of a call and reads them after the last, so a chunked call folds exactly as one call would.
#define QUANTKIT_WASM_SLOTS(X) \
  X(Scale, "scale")            \
  X(ZeroPoint, "zeroPoint")    \
  X(Qmin, "qmin")              \
  X(Qmax, "qmax")              \
  X(Profile, "profile")        \
  X(Outer, "outer")            \
  X(Dim, "dim")                \
  X(Inner, "inner")            \
  X(BlockSize, "blockSize")    \
  X(Bits, "bits")              \
  X(Signed, "signed")          \
  X(Min, "min")                \
  X(Max, "max")                \
  X(Scheme, "scheme")          \
  X(Half, "half")              \
  X(Format, "format")          \
  X(BytesPerRow, "bytesPerRow") \
  X(Precision, "precision")    \
  X(Int8Rounding, "int8Rounding") \
  X(BitOrder, "bitOrder")      \
  X(Threshold, "threshold")    \
  X(K, "k")                    \
  X(Order, "order")            \
  X(OutMin, "outMin")          /* carry: minMax */ \
  X(OutMax, "outMax")          \
  X(SumSq, "sumSq")            /* carry: fakeQuantizeTensor, in ErrorSums order */ \
  X(SumAbs, "sumAbs")          \
  X(MaxAbs, "maxAbs")          \
  X(SumRef2, "sumRef2")        \
  X(SumApprox2, "sumApprox2")  \
  X(Dot, "dot")                \
  X(Result, "result")          /* carry: absMax; result: badGroup, badIndex, topK's count */

enum class Slot : uint32_t {
#define QUANTKIT_WASM_SLOT_ID(id, name) id,
  QUANTKIT_WASM_SLOTS(QUANTKIT_WASM_SLOT_ID)
#undef QUANTKIT_WASM_SLOT_ID
  Count
};

constexpr size_t kSlotCount = static_cast<size_t>(Slot::Count);

// Status of qk_call: 0 done; otherwise the call was refused before touching memory (an unknown kernel or element
// type: a mismatch between the module and its TypeScript side, never a user error, which TypeScript catches first).
enum class Status : int32_t { Ok = 0, UnknownKernel = 1, BadArguments = 2 };

}  // namespace quantkit::wasm
