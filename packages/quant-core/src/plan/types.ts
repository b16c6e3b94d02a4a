import type { GgmlFormat } from '../ggml/formats.js';
import type { Scheme } from '../types.js';

/*
 * A quantization plan: one choice per tensor, written by `quant compare --budget --plan-out` (or by hand) and read by
 * `quant quantize --plan` and the ONNX and GGUF commands. The JSON form is described in docs/ANALYSIS.md; these are
 * the validated, normalised values parsePlan returns (every default filled in).
 */

/** The value of the plan's `"format"` key. */
export const PLAN_FORMAT = 'quantkit.plan';
/** The plan version this reader writes and reads. */
export const PLAN_VERSION = 1;

/** Leave the tensor as it is (not quantized). */
export interface KeepChoice {
  readonly kind: 'keep';
}

/** quantkit's own format (docs/FORMAT.md): `quant quantize` and `quant onnx`. */
export interface QuantkitChoice {
  readonly kind: 'quantkit';
  readonly scheme: Scheme;
  readonly bits: number;
  readonly granularity: 'tensor' | 'channel' | 'block';
  /** As written (may be negative); 0 for channel and -1 for block when absent, null per tensor. */
  readonly axis: number | null;
  /** Block length for block granularity (default 32), null otherwise. */
  readonly blockSize: number | null;
  /** How each group's range is chosen, in parseCalibration's canonical text form ('minmax', 'percentile:99.9', ...). */
  readonly calibrator: string;
  readonly narrowRange: boolean;
  readonly profile: 'onnx' | 'pytorch';
  /** Codes packed several per byte (bits 2 or 4 only). */
  readonly packed: boolean;
}

/** A GGUF tensor type: a GGML block format, or a float type. */
export type PlanGgmlType = GgmlFormat | 'f32' | 'f16' | 'bf16';

/** A GGML tensor type, for `quant gguf`. */
export interface GgmlChoice {
  readonly kind: 'ggml';
  readonly format: PlanGgmlType;
}

export type PlanChoice = KeepChoice | QuantkitChoice | GgmlChoice;

/** A choice for tensors whose name matches a glob (`*` any run of characters, `?` one character). */
export interface PlanPattern {
  readonly match: string;
  readonly choice: PlanChoice;
}

export interface QuantPlan {
  readonly version: typeof PLAN_VERSION;
  /** Choices by exact tensor name, in the file's order. */
  readonly tensors: ReadonlyMap<string, PlanChoice>;
  /** Choices by glob, tried in order after the exact names: the first match wins. */
  readonly patterns: readonly PlanPattern[];
  /** The choice for a tensor nothing else names; absent: the command's own options apply. */
  readonly default: PlanChoice | undefined;
  /** Free-form provenance (what wrote the plan, its budget and totals); never read by the commands. */
  readonly source: Readonly<Record<string, unknown>> | undefined;
}
