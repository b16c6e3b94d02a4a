/**
 * @quantkit/quant-core: the reference implementation and the numeric contract of quantkit (docs/SPEC.md).
 * Pure TypeScript, no runtime dependencies and no Node.js imports, so it runs anywhere JavaScript does.
 */
import { createQuantApi } from './api.js';
import { referenceBackend } from './backend.js';
import { createKernelApi } from './kernel-api.js';

export { createQuantApi, quantizationError } from './api.js';
export type { DequantizeOptions, FakeQuantizeResult, QuantApi, QuantizeOptions, QuantParams } from './api.js';
export { bfloat16ToNumber, float16ToNumber, narrowToHalf, numberToBfloat16, numberToFloat16, roundToHalf, widenHalf } from './half.js';
export { createAsyncQuantApi, AbortError, throwIfAborted, checkSignal, asyncNameOf, hasAsyncKernels, type AsyncBackend, type AsyncKernel, type AsyncKernelName, type AsyncKernels, type AsyncOptions, type AsyncQuantApi, type AbortSignalLike, type QuantizeAsyncOptions, type DequantizeAsyncOptions } from './api-async.js';
export { ERROR_BLOCK, ERROR_LANES, ErrorAccumulator, errorReportOf, kernelErrorReport, nanAwareReport, newErrorSums, type ErrorSums } from './metrics.js';
export { checkQuantizedTensor } from './check-codes.js';
export { rangeOverflows, type OverflowOutput, type RangeOverflowOptions } from './overflow.js';
export { checkOptionKeys, closestKey, OPTION_SCHEMAS, type OptionSchemaName } from './options.js';
export { describeValue } from './describe-value.js';
export { MAX_GROUPS } from './limits.js';
export { checkFixedLength, isDetached, isResizable, typedArrayName } from './views.js';
export { referenceBackend, specBits, supportTestOf } from './backend.js';
export type { Backend, BackendCapabilities, SupportTest } from './backend.js';
export { arrayParamsOf, BACKEND_KERNELS, countIndexOf, deferredKernels, isArrayParam, KERNEL_NAMES, KERNEL_TABLE, kernelsOf } from './kernel-table.js';
export type {
  ArrayParam,
  KernelArgs,
  KernelInfo,
  KernelName,
  KernelNeed,
  KernelOperation,
  KernelParam,
  KernelResult,
  KernelReturn,
  KernelSignatures,
  ScalarParam,
} from './kernel-table.js';
export { createKernelApi } from './kernel-api.js';
export type { KernelApi } from './kernel-api.js';
export { ErrorCodes, QuantError } from './errors.js';
export { MAX_THREADS, parseIsaSetting, parseThreadsSetting } from './config.js';
export type { ErrorCode } from './errors.js';
export type { HistogramCounts } from './calibrate/histogram.js';
export { resolveGranularity, resolveShape, normalizeAxis, shapeSize } from './layout.js';
export type { ResolvedGranularity } from './layout.js';
export { qparamsFromRange } from './params.js';
export type { QParams } from './params.js';
export { roundHalfEven } from './rounding.js';
export { storageSpec, packedByteLength } from './storage.js';
export type { StorageSpec } from './storage.js';
export { isFloatArray } from './validate.js';
export { VERSION } from './version.js';
export type * from './types.js';

const reference = createQuantApi(referenceBackend);

export const quantize = reference.quantize;
export const dequantize = reference.dequantize;
export const fakeQuantize = reference.fakeQuantize;
export const fakeQuantizeWithError = reference.fakeQuantizeWithError;
export const computeQParams = reference.computeQParams;
export const quantizeBlocks = reference.quantizeBlocks;
export const dequantizeBlocks = reference.dequantizeBlocks;

/** The reference kernels behind validation: explicit parameters, caller-provided outputs. */
export const kernels = createKernelApi(referenceBackend);

// GGML block formats (Q4_0 .. Q8_1, Q2_K .. Q6_K), bit-exact with ggml's reference quantizers: docs/GGML.md.
export * from './ggml/index.js';

// Embedding quantization for vector search (int8 / uint8 / binary, scoring kernels, rescoring): docs/EMBEDDINGS.md.
export * from './embeddings/index.js';

// Per-tensor quantization plans (quant quantize --plan, quant compare --plan-out): docs/ANALYSIS.md.
export * from './plan/index.js';

// Calibration (range estimation), streaming observers and error analysis: docs/CALIBRATION.md.
export * from './calibrate/index.js';
import { createAnalysis } from './calibrate/analyze.js';
/** Error analysis with the reference kernels: one row per candidate (scheme × bits × granularity × calibrator). */
export const analyze = createAnalysis(reference);
