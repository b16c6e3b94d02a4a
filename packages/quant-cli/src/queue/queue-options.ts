import type { QuantizeOnnxOptions } from '@quantkit/quant-onnx';
import type { RequantizeType, TypeOverride } from '@quantkit/quant-gguf';
import type { QuantSettings } from '../formats/quantized-format.js';
import { NameFilter } from '../glob.js';

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

export function selectorOf(o: QuantizeQueueOptions): (name: string) => boolean {
  const filter = new NameFilter(o.include, o.exclude);
  return (name) => filter.selects(name);
}
