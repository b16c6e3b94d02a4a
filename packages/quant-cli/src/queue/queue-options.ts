import type { QuantizeOnnxOptions } from '@quantkit/quant-onnx';
import type { RequantizeType, TypeOverride } from '@quantkit/quant-gguf';
import type { QuantSettings } from '../formats/quantized-format.js';
import { NameFilter } from '../glob.js';
import { parsePlan } from '../lib.js';
import { planSelection } from '../plan/quantize-plan.js';
import type { JobContext } from '../pipeline/quantize-job.js';

/*
 * The options a queued job carries (JSON through Redis, and part of its work id: identity.ts of quant-queue). A plan
 * file travels as its text, so a changed plan is new work and workers need not see the submitter's files.
 */

/** `quant quantize`'s options: the settings and the tensor selection (no `command`: the first kind of job). */
export interface QuantizeQueueOptions {
  readonly command?: undefined;
  readonly settings: QuantSettings;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** --plan: per-tensor choices (checked against the inputs by submit, as `quant quantize --plan` checks them). */
  readonly plan?: PlanText;
}

/** A plan file given with --plan: its path (for messages) and its text. */
export interface PlanText {
  readonly path: string;
  readonly text: string;
}

/** `quant onnx <model> -o <out>`'s options, one job per model. */
export interface OnnxQueueOptions {
  readonly command: 'onnx';
  readonly onnx: QuantizeOnnxOptions;
  readonly plan?: PlanText;
}

/** `quant gguf <in> -o <out> --type ...`'s options, one job per model. */
export interface GgufQueueOptions {
  readonly command: 'gguf';
  readonly type: RequantizeType;
  readonly typeFor: readonly TypeOverride[];
  readonly strict: boolean;
  readonly plan?: PlanText;
}

export type QueueOptions = QuantizeQueueOptions | OnnxQueueOptions | GgufQueueOptions;

export function asQueueOptions(options: unknown): QueueOptions {
  return options as QueueOptions;
}

/** The options of a quantize job (the shard and range jobs exist for quantize only). */
export function asQuantizeOptions(options: unknown): QuantizeQueueOptions {
  const o = asQueueOptions(options);
  if (o.command !== undefined) throw new Error(`internal error: a ${o.command} job has no row shards`);
  return o;
}

/** Which tensors a quantize job quantizes, and with which settings: --include / --exclude, then the plan's choices. */
export function selectionOf(o: QuantizeQueueOptions): Pick<JobContext, 'settings' | 'settingsFor' | 'select'> {
  const filter = new NameFilter(o.include, o.exclude);
  if (o.plan === undefined) return { settings: o.settings, select: (name) => filter.selects(name) };
  const applied = planSelection(parsePlan(o.plan.text), o.settings);
  return { settings: o.settings, settingsFor: applied.settingsFor, select: (name) => filter.selects(name) && applied.quantizes(name) };
}
