import { OnnxError, OnnxErrorCodes } from '../errors.js';
import type { InitializerUse } from '../find-initializers.js';
import type { ModelProto } from '../onnx.js';
import type { ResolvedOptions } from '../options.js';
import type { CodeSpec } from '../quantize-weight.js';
import type { QuantizedWeightReport } from '../report.js';
import type { SelectedWeight, SkippedWeight } from '../select-weights.js';
import type { TensorData, TensorSink } from '../tensor-data.js';
import type { UniqueNames } from '../unique-names.js';

/** What every mode works with: the model (changed in place), the options, names, and where payloads come from and go. */
export interface ModeContext {
  readonly model: ModelProto;
  readonly options: ResolvedOptions;
  readonly names: UniqueNames;
  readonly data: TensorData;
  readonly sink: TensorSink;
}

/** A mode's split of the selected weights: those it rewrites, and those it leaves (with the reason). */
export interface ModePlan {
  readonly rewrite: SelectedWeight[];
  readonly skipped: SkippedWeight[];
}

export interface QuantizationMode {
  /** Keeps the weights this mode can rewrite (after the common selection). */
  plan(selected: readonly SelectedWeight[], options: ResolvedOptions): ModePlan;
  /** Rewrites them; returns one report per weight. */
  run(weights: readonly SelectedWeight[], ctx: ModeContext): QuantizedWeightReport[];
}

export function codeSpec(options: ResolvedOptions, override: Partial<CodeSpec> = {}): CodeSpec {
  return { bits: options.bits, scheme: options.scheme, calibration: options.calibration, ...override };
}

/**
 * Modes that replace a weight's readers (MatMulNBits, MatMulInteger, ConvInteger) need every reader to be of one kind,
 * reading it through the weight input: another reader would lose its float weight.
 */
export function refuseMixedReaders(weight: SelectedWeight, isRewritable: (use: InitializerUse) => boolean, what: string): void {
  const other = weight.initializer.uses.find((u) => !isRewritable(u));
  if (other === undefined) return;
  const name = other.node.name !== '' ? other.node.name : `${other.node.opType}#${other.nodeIndex}`;
  throw new OnnxError(
    OnnxErrorCodes.SHARED_WEIGHT,
    `it is read by ${what} and also by ${other.node.opType} '${name}' (input ${other.input}); this mode replaces its readers, so every reader must be ${what} (exclude it with --exclude to keep it float)`,
    { tensor: weight.initializer.tensor.name },
  );
}
