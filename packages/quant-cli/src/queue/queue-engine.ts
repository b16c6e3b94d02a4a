import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Failure, PlannedFile, QuantizeEngine, RunPlan, Warning } from '@quantkit/quant-queue';
import { checkSelection } from '../analysis/selection-check.js';
import { checkNotAnInput, planJobs } from '../commands/quantize.js';
import { testDelayMs } from '../commands/failures.js';
import { toCliError } from '../errors.js';
import { BufferPool } from '../io/buffer-pool.js';
import { interruptSignal } from '../io/cleanup.js';
import { collectInputs } from '../io/collect-inputs.js';
import { checkOutputExtension, SAFETENSORS_EXTENSIONS } from '../io/output-checks.js';
import { hostTag, temporaryOwner } from '../io/temporary-name.js';
import { runQuantizeJob } from '../pipeline/quantize-job.js';
import { parsePlan } from '../lib.js';
import { applyPlan } from '../plan/quantize-plan.js';
import { Progress } from '../progress.js';
import { NameFilter } from '../glob.js';
import { CommandFailure } from './command-failure.js';
import { runGgufJob } from './gguf-job.js';
import { planModels } from './model-plan.js';
import { onnxCompanions, runOnnxJob } from './onnx-job.js';
import { asQuantizeOptions, asQueueOptions, selectionOf, type QuantizeQueueOptions } from './queue-options.js';
import { rangeOverflowWarning } from './queue-warnings.js';
import { commitSplit, shardRange, writeShard, writeUnsplit } from './shard-io.js';
import { layoutFile, splitPlanOf } from './split-layout.js';

function failureOf(e: unknown, where: { readonly file?: string }): Failure {
  if (e instanceof CommandFailure) return e.failure;
  const error = toCliError(e, where);
  return {
    code: error.code,
    exitStatus: error.exitStatus,
    message: error.message,
    ...(error.file !== undefined ? { file: error.file } : {}),
    ...(error.tensor !== undefined ? { tensor: error.tensor } : {}),
  };
}

/**
 * The run's outputs exactly as `quant quantize` plans them, with the checks it makes before writing each, and its
 * warnings about --include / --exclude patterns that match no float tensor.
 */
async function planQuantize(inputs: readonly string[], output: string, o: QuantizeQueueOptions): Promise<RunPlan> {
  const collected = await collectInputs([...inputs], output);
  const problems: Failure[] = collected.problems.map((p) => failureOf(p.error, { file: p.path }));
  const planned = await planJobs(collected.inputs, output, collected.fromDirectory, inputs.length);
  problems.push(...planned.problems.map((p) => failureOf(p.error, { file: p.file })));
  const inputPaths = new Set(collected.inputs.map((i) => resolve(i.path)));
  const files: PlannedFile[] = [];
  for (const job of planned.jobs) {
    try {
      checkNotAnInput(job, inputPaths);
      checkOutputExtension(job.output, SAFETENSORS_EXTENSIONS, 'a safetensors file');
      files.push({ output: job.output, inputs: job.inputs.map((i) => ({ path: i.path, npyName: i.npyName })) });
    } catch (e) {
      problems.push(failureOf(e, { file: job.inputs.length === 1 ? job.inputs[0]!.path : job.output }));
    }
  }
  const warnings: Warning[] = [];
  const selection = files.flatMap((f) => f.inputs);
  await checkSelection(new NameFilter(o.include, o.exclude), selection, (message) => warnings.push({ kind: 'unmatched-glob', message }));
  // quant quantize --plan's checks: a name that is no float tensor of the inputs, or a GGML choice, fails the submit.
  if (o.plan !== undefined) await applyPlan(parsePlan(o.plan.text), o.plan.path, o.settings, selection, (message) => warnings.push({ kind: 'unmatched-glob', message }));
  return { files, problems, warnings };
}

/**
 * Whether `name` is a temporary file `quant onnx` or `quant gguf` writes beside `output` (or its external data file)
 * in process `pid`: ".<name>.<pid>-<hex>.onnx-tmp", ".<name>.quant-gguf-<pid>-<hex>.tmp". Their names carry no host:
 * a dead owner's pid is matched on the output's own temporaries only.
 */
function isModelTemporary(output: string, name: string, pid: number): boolean {
  const base = basename(output);
  return [`.${base}.${pid}-`, `.${base}_data.${pid}-`].some((p) => name.startsWith(p) && name.endsWith('.onnx-tmp')) || (name.startsWith(`.${base}.quant-gguf-${pid}-`) && name.endsWith('.tmp'));
}

/** One pool for the process's jobs, as `quant quantize` has one for its run (fresh buffers cost page faults). */
const pool = new BufferPool(8);

/** The quantizer of `quant submit` and `quant worker`: the functions of `quant quantize` (see quant-queue's engine.ts). */
export const queueEngine: QuantizeEngine = {
  plan(inputs, output, options) {
    const o = asQueueOptions(options);
    if (o.command === 'onnx') return planModels(inputs, output, { extension: '.onnx', companions: onnxCompanions, failureOf });
    if (o.command === 'gguf') return planModels(inputs, output, { extension: '.gguf', failureOf });
    return planQuantize(inputs, output, o);
  },
  async quantizeFile(file, options, ctx) {
    const o = asQueueOptions(options);
    if (o.command === 'onnx') return runOnnxJob(file, o, ctx);
    if (o.command === 'gguf') return runGgufJob(file, o, { ...ctx, signal: AbortSignal.any([ctx.signal, interruptSignal]) });
    const warnings: Warning[] = [];
    const result = await runQuantizeJob(file, {
      ...selectionOf(o),
      threads: ctx.threads,
      force: ctx.force,
      pool,
      progress: new Progress(false, 0, 0, 0),
      signal: AbortSignal.any([ctx.signal, interruptSignal]),
      delayMs: testDelayMs(),
      onQuantized: (where, x, qt, record) => {
        const warning = rangeOverflowWarning(where, x, qt, record);
        if (warning) warnings.push(warning);
      },
    });
    return { inputBytes: result.inputBytes, outputBytes: result.outputBytes, warnings };
  },
  async splitPlan(file, options, threshold) {
    // ONNX and GGUF models are one job each (docs/DISTRIBUTED.md): only quantize's tensors are split.
    if (asQueueOptions(options).command !== undefined) return undefined;
    return splitPlanOf(await layoutFile(file, asQuantizeOptions(options)), threshold);
  },
  shardRange,
  writeUnsplit: (file, options, split, temporary, ctx) => writeUnsplit(file, options, split, temporary, { ...ctx, signal: AbortSignal.any([ctx.signal, interruptSignal]) }),
  writeShard: (file, options, tensor, start, end, range, temporary, ctx) =>
    writeShard(file, options, tensor, start, end, range, temporary, { ...ctx, signal: AbortSignal.any([ctx.signal, interruptSignal]) }),
  commit: commitSplit,
  async removeTemporaries(output, owners) {
    const dir = dirname(output);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const owner = temporaryOwner(output, name);
      if (owner !== undefined && owners.some((o) => o.host === owner.host && o.pid === owner.pid)) await unlink(join(dir, name)).catch(() => {});
      else if (owners.some((o) => isModelTemporary(output, name, o.pid))) await unlink(join(dir, name)).catch(() => {});
    }
  },
  owner: () => ({ host: hostTag(), pid: process.pid }),
  failureOf,
};
