import { stat } from 'node:fs/promises';
import type { FlowProducer, Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PlannedFile, QuantizeEngine, SplitPlan } from './engine.js';
import { fileWorkId } from './identity.js';
import { jobIds, keys, QUEUE_NAME } from './names.js';
import { newRunId, saveRun } from './runs.js';
import { JOB_OPTIONS, splitJobIds, type Unit, type WorkData } from './work.js';

/** Tensors above this many elements are split into row shards (about 1 GiB of float32). */
export const DEFAULT_SPLIT_ELEMENTS = 256 * 1024 * 1024;

export interface SubmitRequest {
  readonly inputs: readonly string[];
  readonly output: string;
  /** The engine's options (JSON), as the CLI parsed them. */
  readonly options: unknown;
  readonly force: boolean;
  readonly splitElements: number;
}

export interface SubmitResult {
  readonly run: string;
  readonly units: number;
  /** Units whose finished output was found and reused. */
  readonly reused: number;
}

interface Handles {
  readonly redis: Redis;
  readonly queue: Queue;
  readonly flows: FlowProducer;
  readonly prefix: string;
  readonly engine: QuantizeEngine;
}

async function inputBytes(file: PlannedFile): Promise<number> {
  let total = 0;
  for (const i of file.inputs) total += await stat(i.path).then((s) => s.size, () => 0);
  return total;
}

/** True when the unit's final job completed and its output is still there, with the size it had. */
async function finished(h: Handles, unit: Unit, force: boolean): Promise<boolean> {
  const job = await h.queue.getJob(unit.final);
  if (job === undefined || force || (await job.getState()) !== 'completed') return false;
  const size = (job.returnvalue as { outputBytes?: number } | null)?.outputBytes;
  const st = await stat(unit.output).catch(() => undefined);
  return st !== undefined && st.size === size;
}

/** Removes what is left of an earlier attempt at the unit (failed, cancelled, or finished but its output is gone). */
async function clearUnit(h: Handles, unit: Unit): Promise<boolean> {
  let busy = false;
  for (const id of unit.jobs) {
    const job: Job | undefined = await h.queue.getJob(id);
    if (job === undefined) continue;
    const state = await job.getState();
    if (state === 'active' || state === 'waiting' || state === 'waiting-children' || state === 'delayed' || state === 'prioritized') {
      busy = true; // Queued or running already (another run asked for it): this run joins it.
      continue;
    }
    await job.remove().catch(() => {});
  }
  return busy;
}

async function enqueue(h: Handles, unit: Unit, data: WorkData, split: SplitPlan | undefined): Promise<void> {
  if (split === undefined) {
    await h.queue.add('file', data, { ...JOB_OPTIONS, jobId: unit.final });
    return;
  }
  const children = split.tensors.flatMap((t, tensor) =>
    t.mergeRanges
      ? t.starts.slice(0, -1).map((_, shard) => ({
          name: 'range',
          queueName: QUEUE_NAME,
          data: { ...data, tensor, shard } satisfies WorkData,
          opts: { ...JOB_OPTIONS, jobId: jobIds.range(data.id, tensor, shard), failParentOnFailure: true },
        }))
      : [],
  );
  await h.flows.add({ name: 'prepare', queueName: QUEUE_NAME, data, opts: { ...JOB_OPTIONS, jobId: jobIds.prepare(data.id) }, children });
}

/**
 * Plans the run as `quant quantize` would, then queues one job per output file, or for a file holding a tensor above
 * `splitElements` elements a flow: range jobs (when ranges must be merged) under a prepare job, which then queues the
 * shard jobs under a commit job (processors.ts). Work already done is reused; work queued by another run is joined.
 */
export async function submitRun(h: Handles, request: SubmitRequest): Promise<SubmitResult> {
  const plan = await h.engine.plan(request.inputs, request.output, request.options);
  const units: Unit[] = [];
  let reused = 0;
  for (const file of plan.files) {
    const id = await fileWorkId(file, request.options, request.splitElements);
    // A file whose header cannot be read is not split: its one job fails with the CLI's error, recorded on the run.
    const split = await h.engine.splitPlan(file, request.options, request.splitElements).catch(() => undefined);
    const unit: Unit = {
      id,
      output: file.output,
      inputs: file.inputs.map((i) => i.path),
      inputBytes: await inputBytes(file),
      final: split ? jobIds.commit(id) : jobIds.file(id),
      jobs: split ? splitJobIds(id, split) : [jobIds.file(id)],
      split: split !== undefined,
    };
    units.push(unit);
    await h.redis.srem(keys.cancelled(h.prefix), id);
    if (await finished(h, unit, request.force)) {
      reused++;
      continue;
    }
    if (await clearUnit(h, unit)) continue;
    const data: WorkData = { id, file, options: request.options, force: request.force, ...(split ? { split } : {}) };
    await enqueue(h, unit, data, split);
  }
  const run = newRunId();
  await saveRun(h.redis, h.prefix, { id: run, created: Date.now(), output: request.output, units, problems: plan.problems, warnings: plan.warnings ?? [] });
  return { run, units: units.length + plan.problems.length, reused };
}
