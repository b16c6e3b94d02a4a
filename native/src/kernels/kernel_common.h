// Every ISA-neutral kernel header of kernels/common/ at once (element functions and portable loops), for code outside
// kernels/ such as the layout drivers (layout/granularity.cc). Kernel code includes the family headers it needs
// instead. Internal linkage only, so safe to include in any file (see common/element.h).
#pragma once

#include "common/dequantize.h"
#include "common/element.h"
#include "common/fake_quantize.h"
#include "common/half.h"
#include "common/histogram.h"
#include "common/pack.h"
#include "common/quantize.h"
#include "common/reduce.h"
