import { PlanErrorCodes, QuantError, planChoiceFor, unmatchedPlanEntries, type QuantkitChoice, type QuantPlan } from '@quantkit/quant';
import { OnnxError, OnnxErrorCodes } from './errors.js';
import { resolveOptions, type OnnxBits, type ResolvedOptions } from './options.js';
import type { SelectedWeight, SkippedWeight, WeightSelection } from './select-weights.js';
import { layoutsFor, weightUsesOf } from './select-weights.js';

/*
 * A plan's per-tensor choices for an ONNX model (the plan format of @quantkit/quant: parsePlan). `keep` leaves a weight
 * float (skipped, reason 'plan'); quantkit's fields give the weight its own bits, scheme, granularity, block size and
 * calibrator, checked against the mode like the command's options; the axis is the operator's (docs/ONNX.md, axis
 * rules: an ONNX weight's layout follows its reader), so the plan's axis is not used. A GGML type, the pytorch
 * profile and narrowRange have no ONNX form and are refused; so is an exact name that is no weight of the model.
 */

function planError(code: (typeof PlanErrorCodes)[keyof typeof PlanErrorCodes], message: string, cause?: unknown): never {
  throw new OnnxError(OnnxErrorCodes.PLAN, `${message} (${code})`, { cause: cause ?? new QuantError(code, message) });
}

function optionsFor(name: string, choice: QuantkitChoice, options: ResolvedOptions): ResolvedOptions {
  if (choice.profile !== 'onnx') planError(PlanErrorCodes.NOT_APPLICABLE, `plan choice for '${name}': profile '${choice.profile}' has no ONNX form (QuantizeLinear is the onnx profile)`);
  if (choice.narrowRange) planError(PlanErrorCodes.NOT_APPLICABLE, `plan choice for '${name}': narrowRange is not supported by quant onnx`);
  try {
    return resolveOptions({
      mode: options.mode,
      bits: choice.bits as OnnxBits,
      scheme: choice.scheme,
      granularity: choice.granularity,
      ...(choice.granularity === 'block' ? { blockSize: choice.blockSize ?? undefined } : {}),
      ops: [...options.ops],
      calibrate: choice.calibrator,
    });
  } catch (e) {
    if (!(e instanceof OnnxError)) throw e;
    planError(PlanErrorCodes.NOT_APPLICABLE, `plan choice for '${name}' does not fit mode '${options.mode}': ${e.message}`, e);
  }
}

export interface PlannedSelection extends WeightSelection {
  /** Plan patterns that matched no weight (reported, not refused: a plan may serve several models). */
  readonly unmatchedPatterns: readonly string[];
}

/** Applies `plan` to the selection: weights it keeps move to skipped, weights it chooses for get their own options. */
export function applyPlan(selection: WeightSelection, plan: QuantPlan, options: ResolvedOptions): PlannedSelection {
  const known = [...selection.selected, ...selection.skipped].map((w) => w.initializer.tensor.name);
  const unmatched = unmatchedPlanEntries(plan, known);
  if (unmatched.names.length > 0) {
    planError(PlanErrorCodes.UNKNOWN_TENSOR, `the plan names ${unmatched.names.map((n) => `'${n}'`).join(', ')}, which the model has no float weight of (for the selected operators)`);
  }
  const selected: SelectedWeight[] = [];
  const skipped: SkippedWeight[] = [...selection.skipped];
  for (const w of selection.selected) {
    const name = w.initializer.tensor.name;
    const choice = planChoiceFor(plan, name);
    if (choice === undefined) selected.push(w);
    else if (choice.kind === 'keep') skipped.push({ initializer: w.initializer, reason: 'plan' });
    else if (choice.kind === 'ggml') planError(PlanErrorCodes.NOT_APPLICABLE, `plan choice for '${name}': the GGML type '${choice.format}' is for quant gguf, not ONNX`);
    else {
      const own = optionsFor(name, choice, options);
      selected.push({ ...w, ...layoutsFor(weightUsesOf(w.initializer, own), w.shape.length, own), options: own });
    }
  }
  return { ...selection, selected, skipped, unmatchedPatterns: unmatched.patterns };
}
