import { basename, dirname, join } from 'node:path';
import type { FlowProducer, Job, Queue } from 'bullmq';
import type { FileContext, GroupRange, QuantizeEngine, Warning } from './engine.js';
import { decodeRange, encodeRange, mergeRanges, type EncodedRange } from './merge-ranges.js';
import { jobIds, QUEUE_NAME, splitTemporaryName } from './names.js';
import { JOB_OPTIONS, type WorkData } from './work.js';

/** What a processor has at hand besides its job. */
export interface ProcessorContext {
  readonly engine: QuantizeEngine;
  readonly queue: Queue;
  readonly flows: FlowProducer;
  readonly threads: number;
}

export function temporaryOf(data: WorkData): string {
  return join(dirname(data.file.output), splitTemporaryName(basename(data.file.output), data.id));
}

/** The value a range job returns (and its prepare job reads): which shard, and its group ranges. */
interface RangeResult {
  readonly tensor: number;
  readonly shard: number;
  readonly range: EncodedRange;
}

/** A whole output file: exactly `quant quantize`'s runQuantizeJob. A retry overwrites what a lost attempt left. */
async function fileJob(job: Job<WorkData>, c: ProcessorContext, ctx: FileContext): Promise<unknown> {
  return c.engine.quantizeFile(job.data.file, job.data.options, ctx);
}

async function rangeJob(job: Job<WorkData>, c: ProcessorContext): Promise<RangeResult> {
  const { split, tensor, shard } = job.data;
  const t = split!.tensors[tensor!]!;
  const range = await c.engine.shardRange(job.data.file, job.data.options, t.name, t.starts[shard!]!, t.starts[shard! + 1]!);
  return { tensor: tensor!, shard: shard!, range: encodeRange(range) };
}

/**
 * Runs once every range job is done: merges the ranges, writes the header and the unsplit tensors into the shared
 * temporary file, and queues the shard jobs under the commit job. A retry after the shard jobs were queued does nothing.
 */
async function prepareJob(job: Job<WorkData>, c: ProcessorContext, ctx: FileContext): Promise<unknown> {
  const data = job.data;
  const split = data.split!;
  const commitId = jobIds.commit(data.id);
  if ((await c.queue.getJob(commitId)) !== undefined) return {};
  const values = Object.values(await job.getChildrenValues<RangeResult>());
  const merged = new Map<number, GroupRange>();
  split.tensors.forEach((t, ti) => {
    if (!t.mergeRanges) return;
    const parts = values.filter((v) => v.tensor === ti).sort((a, b) => a.shard - b.shard);
    if (parts.length !== t.starts.length - 1) throw new Error(`internal error: ${parts.length} range results for the ${t.starts.length - 1} shards of '${t.name}'`);
    merged.set(ti, mergeRanges(parts.map((p) => decodeRange(p.range))));
  });
  const warnings = await c.engine.writeUnsplit(data.file, data.options, split, temporaryOf(data), ctx);
  const children = split.tensors.flatMap((t, tensor) =>
    t.starts.slice(0, -1).map((_, shard) => {
      const range = merged.get(tensor);
      return {
        name: 'shard',
        queueName: QUEUE_NAME,
        data: { ...data, tensor, shard, ...(range ? { range: encodeRange(range) } : {}) } satisfies WorkData,
        opts: { ...JOB_OPTIONS, jobId: jobIds.shard(data.id, tensor, shard), failParentOnFailure: true },
      };
    }),
  );
  // The commit job reports the file's warnings: these, and its shard jobs' (their return values).
  await c.flows.add({ name: 'commit', queueName: QUEUE_NAME, data: { ...data, warnings } satisfies WorkData, opts: { ...JOB_OPTIONS, jobId: commitId }, children });
  return {};
}

/** What a shard job returns: its warnings, and which shard (the commit job orders them). */
interface ShardResult {
  readonly tensor: number;
  readonly shard: number;
  readonly warnings: readonly Warning[];
}

async function shardJob(job: Job<WorkData>, c: ProcessorContext, ctx: FileContext): Promise<ShardResult> {
  const { split, tensor, shard, range } = job.data;
  const t = split!.tensors[tensor!]!;
  const warnings = await c.engine.writeShard(job.data.file, job.data.options, t.name, t.starts[shard!]!, t.starts[shard! + 1]!, range ? decodeRange(range) : undefined, temporaryOf(job.data), ctx);
  return { tensor: tensor!, shard: shard!, warnings };
}

/**
 * The warnings of a split file: the unsplit tensors', then the split ones' in shard order, one per tensor and kind
 * (every shard of a tensor may warn about it; the first shard's warning stands for the tensor's).
 */
export function splitWarnings(unsplit: readonly Warning[], shards: readonly ShardResult[]): Warning[] {
  const ordered = [...shards].sort((a, b) => a.tensor - b.tensor || a.shard - b.shard).flatMap((s) => s.warnings ?? []);
  const seen = new Set<string>();
  return [...unsplit, ...ordered].filter((w) => {
    const key = JSON.stringify([w.kind, w.file ?? null, w.tensor ?? null]);
    if (w.tensor === undefined || !seen.has(key)) return seen.add(key), true;
    return false;
  });
}

async function commitJob(job: Job<WorkData>, c: ProcessorContext, ctx: FileContext): Promise<unknown> {
  await c.engine.commit(job.data.file, job.data.options, job.data.split!, temporaryOf(job.data), ctx.force);
  const shards = Object.values(await job.getChildrenValues<ShardResult>());
  return { outputBytes: job.data.split!.fileSize, warnings: splitWarnings(job.data.warnings ?? [], shards) };
}

export async function runProcessor(job: Job<WorkData>, c: ProcessorContext, ctx: FileContext): Promise<unknown> {
  switch (job.name) {
    case 'file':
      return fileJob(job, c, ctx);
    case 'range':
      return rangeJob(job, c);
    case 'prepare':
      return prepareJob(job, c, ctx);
    case 'shard':
      return shardJob(job, c, ctx);
    case 'commit':
      return commitJob(job, c, ctx);
    case 'noop':
      // An empty job: what a job costs the queue and the worker, without any work (the bench measures it).
      return {};
    default:
      throw new Error(`unknown job kind '${job.name}' (a newer quant queued it?)`);
  }
}
