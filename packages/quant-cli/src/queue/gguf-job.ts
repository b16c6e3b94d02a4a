import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GgufError, requantizeGguf } from '@quantkit/quant-gguf';
import { reportedError } from '@quantkit/quant-gguf/cli';
import type { FileContext, FileResult, PlannedFile, Warning } from '@quantkit/quant-queue';
import { parsePlan, unmatchedPlanEntries, type QuantPlan } from '../lib.js';
import { CommandFailure } from './command-failure.js';
import type { GgufQueueOptions, PlanText } from './queue-options.js';

/*
 * A `quant submit --command gguf` job: `quant gguf <in> -o <out> --type ...` on one model, through requantizeGguf of
 * @quantkit/quant-gguf (the function the command calls), with the command's errors and notes (recorded as warnings).
 */

const FLOAT_NAMES: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16']);

/** The failure as `quant gguf` reports it: its code, message, exit status, file and tensor. */
export function ggufFailure(e: unknown, file: string | undefined): CommandFailure {
  const r = reportedError(e);
  return new CommandFailure({ code: r.code, exitStatus: r.status, message: r.message, ...((r.file ?? file) !== undefined ? { file: r.file ?? file } : {}), ...(r.tensor !== undefined ? { tensor: r.tensor } : {}) }, e);
}

/** The plan file's text parsed as `quant gguf --plan` parses it (E_GGUF_PLAN, the plan's code kept). */
function ggufPlan(plan: PlanText): QuantPlan {
  try {
    return parsePlan(plan.text);
  } catch (e) {
    const err = e as Error & { code?: unknown };
    if (typeof err.code === 'string' && err.code.startsWith('ERR_QUANT_PLAN_')) throw new GgufError('E_GGUF_PLAN', `--plan: ${err.message} (${err.code})`, { file: plan.path }, { cause: e });
    throw e;
  }
}

/** Checks the plan at submit time, as `quant gguf` reads it before the model. */
export function checkGgufOptions(o: GgufQueueOptions): void {
  try {
    if (o.plan !== undefined) ggufPlan(o.plan);
  } catch (e) {
    throw ggufFailure(e, o.plan?.path);
  }
}

export async function runGgufJob(file: PlannedFile, o: GgufQueueOptions, ctx: FileContext): Promise<FileResult> {
  const input = file.inputs[0]!.path;
  try {
    const plan = o.plan !== undefined ? ggufPlan(o.plan) : undefined;
    await mkdir(dirname(file.output), { recursive: true });
    const result = await requantizeGguf(input, file.output, {
      type: o.type,
      typeFor: o.typeFor,
      ...(plan !== undefined ? { plan } : {}),
      strict: o.strict,
      force: ctx.force,
      signal: ctx.signal,
      threads: ctx.threads,
    });
    // `quant gguf` prints these as notes; the queue records them with the run's warnings.
    const warnings: Warning[] = result.tensors.filter((t) => t.note !== undefined).map((t) => ({ kind: 'note', file: input, tensor: t.name, message: t.note! }));
    if (plan !== undefined) {
      const floats = result.tensors.filter((t) => FLOAT_NAMES.has(t.from)).map((t) => t.name);
      for (const p of unmatchedPlanEntries(plan, floats).patterns) warnings.push({ kind: 'note', file: input, message: `--plan pattern '${p}' matches no F32/F16/BF16 tensor` });
    }
    return { inputBytes: result.bytesIn, outputBytes: result.bytesOut, warnings };
  } catch (e) {
    throw ggufFailure(e, input);
  }
}
