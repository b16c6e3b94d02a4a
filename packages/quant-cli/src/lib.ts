/**
 * The one place the CLI imports the quantization library from. Everything else imports from './lib.js', so switching
 * the implementation is a one-line change here.
 *
 * It is @quantkit/quant: the native AVX2 backend when the addon loads, the pure-TypeScript reference otherwise
 * (QUANT_BACKEND=auto|native|reference chooses), bit for bit the same. Its async variants quantizeAsync /
 * dequantizeAsync / fakeQuantizeAsync run the work off the JavaScript thread and stop early on { signal }; they and
 * backendInfo() are feature-detected below, so a library without them (@quantkit/quant-core) also works, synchronously.
 */
import * as library from '@quantkit/quant';

export { quantize, dequantize, fakeQuantize, fakeQuantizeWithError, quantizationError, QuantError, ErrorCodes, VERSION } from '@quantkit/quant';
export type { FloatArray, IntArray, QuantizeOptions, QuantizedTensor, QuantizationErrorReport, Scheme, Profile, Granularity } from '@quantkit/quant';
// Half precision (docs/SPEC.md §12): F16/BF16 tensors go to the library as bit patterns; these exact conversions are
// for what the CLI itself needs as numbers (statistics, error references) or stores (half scales).
export { widenHalf, narrowToHalf } from '@quantkit/quant';
export type { HalfDType, QuantInput, TensorDType } from '@quantkit/quant';
// Calibration and error analysis (docs/CALIBRATION.md); analyze runs on the selected backend's kernels.
export { analyze, parseCalibration, formatCalibration, histogram, CALIBRATION_METHODS } from '@quantkit/quant';
// The integer range of a scheme and width, the O(n) check of stored codes against it (files are untrusted), and the
// kernels' rounding (range-overflow.ts replays their arithmetic on a tensor's extremes).
export { storageSpec, checkQuantizedTensor, roundHalfEven } from '@quantkit/quant';
export type { AnalysisCandidate, AnalysisRow, CalibrationMethod, CalibrationSpec, QuantParams } from '@quantkit/quant';
// GGML block formats (compare's grid) and per-tensor plans (compare --plan-out, quantize --plan): docs/ANALYSIS.md.
export { quantizeBlocks, dequantizeBlocks, GGML_FORMATS, GGML_FORMAT_NAMES, parsePlan, formatPlan, planChoiceFor, unmatchedPlanEntries, PlanErrorCodes, PLAN_VERSION } from '@quantkit/quant';
export type { GgmlFormat, PlanChoice, QuantkitChoice, QuantPlan } from '@quantkit/quant';

import type { FloatArray, QuantInput, QuantizeOptions, QuantizedTensor } from '@quantkit/quant';

/** The async variants take the signal in their options (quant-core's QuantizeAsyncOptions / DequantizeAsyncOptions). */
export interface AsyncOptions {
  readonly signal?: AbortSignal;
}

type QuantizeAsync = (x: QuantInput, options?: QuantizeOptions & AsyncOptions) => Promise<QuantizedTensor>;
type DequantizeAsync = (qt: QuantizedTensor, options?: AsyncOptions & { readonly out?: FloatArray }) => Promise<FloatArray>;
type FakeQuantizeAsync = (x: FloatArray, options?: QuantizeOptions & AsyncOptions) => Promise<FloatArray>;

export interface BackendDescription {
  readonly name: string;
  readonly isa?: string;
  readonly version?: string;
  readonly threads?: number;
  readonly reason?: string;
}

const dynamic = library as unknown as Record<string, unknown>;

function optionalFunction<F>(name: string): F | undefined {
  const f = dynamic[name];
  return typeof f === 'function' ? (f as F) : undefined;
}

/** Present when the library can run the work off the main thread. */
export const quantizeAsync = optionalFunction<QuantizeAsync>('quantizeAsync');
export const dequantizeAsync = optionalFunction<DequantizeAsync>('dequantizeAsync');
export const fakeQuantizeAsync = optionalFunction<FakeQuantizeAsync>('fakeQuantizeAsync');

/** Which backend computes: the adapter's backendInfo() when it has one, else the reference. */
export function backendInfo(): BackendDescription {
  const info = optionalFunction<() => BackendDescription>('backendInfo');
  if (info) return info();
  return { name: 'reference', isa: 'js', version: library.VERSION, threads: 1 };
}

/**
 * Selects the backend now (the library otherwise does on its first call), so that a malformed QUANT_BACKEND,
 * QUANT_NATIVE_ISA or QUANT_THREADS fails a command once, before any file is touched, rather than once per tensor.
 */
export function requireBackend(): BackendDescription {
  return backendInfo();
}

/** The backend for `quant --version`, or why none can be selected: --version must work whatever the settings. */
export function describeBackend(): string {
  try {
    const b = backendInfo();
    return `backend ${b.name}${b.isa ? ` ${b.isa}` : ''}`;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return `no backend: ${e instanceof Error ? e.message : String(e)}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
}

/** The name of the package lib.ts imports from (reported by `quant --version`). */
export const LIBRARY_PACKAGE = '@quantkit/quant';
