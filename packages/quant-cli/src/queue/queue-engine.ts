import { readdir, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Failure, PlannedFile, QuantizeEngine, RunPlan } from '@quantkit/quant-queue';
import { checkNotAnInput, planJobs } from '../commands/quantize.js';
import { testDelayMs } from '../commands/failures.js';
import { toCliError } from '../errors.js';
import { BufferPool } from '../io/buffer-pool.js';
import { interruptSignal } from '../io/cleanup.js';
import { collectInputs } from '../io/collect-inputs.js';
import { checkOutputExtension, SAFETENSORS_EXTENSIONS } from '../io/output-checks.js';
import { hostTag, temporaryOwner } from '../io/temporary-name.js';
import { runQuantizeJob } from '../pipeline/quantize-job.js';
import { Progress } from '../progress.js';
import { asQueueOptions, selectorOf } from './queue-options.js';
import { commitSplit, shardRange, writeShard, writeUnsplit } from './shard-io.js';
import { layoutFile, splitPlanOf } from './split-layout.js';

function failureOf(e: unknown, where: { readonly file?: string }): Failure {
  const error = toCliError(e, where);
  return {
    code: error.code,
    exitStatus: error.exitStatus,
    message: error.message,
    ...(error.file !== undefined ? { file: error.file } : {}),
    ...(error.tensor !== undefined ? { tensor: error.tensor } : {}),
  };
}

/** The run's outputs exactly as `quant quantize` plans them, with the checks it makes before writing each. */
async function plan(inputs: readonly string[], output: string): Promise<RunPlan> {
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
  return { files, problems };
}

/** One pool for the process's jobs, as `quant quantize` has one for its run (fresh buffers cost page faults). */
const pool = new BufferPool(8);

/** The quantizer of `quant submit` and `quant worker`: the functions of `quant quantize` (see quant-queue's engine.ts). */
export const queueEngine: QuantizeEngine = {
  plan: (inputs, output) => plan(inputs, output),
  async quantizeFile(file, options, ctx) {
    const o = asQueueOptions(options);
    const result = await runQuantizeJob(file, {
      settings: o.settings,
      select: selectorOf(o),
      threads: ctx.threads,
      force: ctx.force,
      pool,
      progress: new Progress(false, 0, 0, 0),
      signal: AbortSignal.any([ctx.signal, interruptSignal]),
      delayMs: testDelayMs(),
    });
    return { inputBytes: result.inputBytes, outputBytes: result.outputBytes };
  },
  async splitPlan(file, options, threshold) {
    return splitPlanOf(await layoutFile(file, asQueueOptions(options)), threshold);
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
    }
  },
  owner: () => ({ host: hostTag(), pid: process.pid }),
  failureOf,
};
