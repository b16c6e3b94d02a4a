import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { externalDataNameFor, OnnxError, OnnxErrorCodes, quantizeOnnxFile, resolveOptions, type QuantizeOnnxOptions, type WeightLayout } from '@quantkit/quant-onnx';
import { describeFailure } from '@quantkit/quant-onnx/cli';
import type { FileContext, FileResult, PlannedFile, Warning } from '@quantkit/quant-queue';
import { checkWritable } from '../io/output-checks.js';
import { parsePlan, type QuantPlan } from '../lib.js';
import { CommandFailure } from './command-failure.js';
import type { OnnxQueueOptions, PlanText } from './queue-options.js';

/*
 * A `quant submit --command onnx` job: `quant onnx <model> -o <output>` on one model, through quantizeOnnxFile of
 * @quantkit/quant-onnx (the function the command calls), with the command's checks, errors and warnings.
 */

/** The failure as `quant onnx` reports it: its code, message and exit status. */
export function onnxFailure(e: unknown, file: string | undefined): CommandFailure {
  const f = describeFailure(e);
  return new CommandFailure({ ...f, ...(file !== undefined ? { file } : {}) }, e);
}

/** The plan file's text parsed as `quant onnx --plan` parses it (a bad plan: E_ONNX_PLAN, the plan's code kept). */
function onnxPlan(plan: PlanText): QuantPlan {
  try {
    return parsePlan(plan.text);
  } catch (cause) {
    if (!(cause instanceof Error && cause.name === 'QuantError')) throw cause;
    throw new OnnxError(OnnxErrorCodes.PLAN, `${cause.message} (${(cause as Error & { code?: string }).code})`, { cause });
  }
}

/** Checks the options (and plan) at submit time, as `quant onnx` does before it reads the model. */
export function checkOnnxOptions(o: OnnxQueueOptions): void {
  try {
    resolveOptions({ ...o.onnx, ...(o.plan !== undefined ? { plan: onnxPlan(o.plan) } : {}) });
  } catch (e) {
    throw onnxFailure(e, o.plan?.path);
  }
}

/** External data files beside a model ("model.onnx_data", "model.onnx.data"): part of what the job reads. */
export function onnxCompanions(model: string, siblings: readonly string[]): string[] {
  const name = basename(model);
  return siblings.filter((s) => s !== name && s.startsWith(name) && !s.toLowerCase().endsWith('.onnx')).map((s) => join(dirname(model), s));
}

function layoutText(l: WeightLayout): string {
  return l.granularity === 'tensor' ? 'per tensor' : l.granularity === 'channel' ? `per channel, axis ${l.axis}` : `blocks of ${l.blockSize} along axis ${l.axis}`;
}

export async function runOnnxJob(file: PlannedFile, o: OnnxQueueOptions, ctx: FileContext): Promise<FileResult> {
  const input = file.inputs[0]!.path;
  ctx.signal.throwIfAborted();
  try {
    // `quant onnx` refuses an existing output or external data file without --force; the input is never an output.
    await checkWritable(file.output, ctx.force);
    await checkWritable(join(dirname(file.output), externalDataNameFor(file.output)), ctx.force);
    await mkdir(dirname(file.output), { recursive: true });
    const options: QuantizeOnnxOptions = { ...o.onnx, ...(o.plan !== undefined ? { plan: onnxPlan(o.plan) } : {}) };
    const report = await quantizeOnnxFile(input, file.output, options);
    const warnings: Warning[] = [];
    const unmatched = report.plan?.unmatchedPatterns ?? [];
    if (unmatched.length > 0) warnings.push({ kind: 'unmatched-plan-pattern', file: input, message: `plan patterns that match no weight: ${unmatched.join(', ')}` });
    for (const w of report.weights) {
      for (const c of w.conflicts) {
        warnings.push({ kind: 'layout-conflict', file: input, tensor: w.name, message: `${c.op} '${c.node}' would have used ${layoutText(c.layout)}; it reads the same DequantizeLinear` });
      }
    }
    return { inputBytes: report.inputBytes, outputBytes: report.outputBytes, warnings };
  } catch (e) {
    // The CLI's own errors (output exists...) keep their code; the library's get `quant onnx`'s.
    if (e instanceof Error && e.name === 'CliError') throw e;
    throw onnxFailure(e, input);
  }
}
