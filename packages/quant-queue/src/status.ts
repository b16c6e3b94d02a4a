import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Failure, Warning } from './engine.js';
import { CANCELLED } from './errors.js';
import { keys } from './names.js';
import { loadRun, type RunRecord } from './runs.js';
import type { Unit } from './work.js';

export type UnitState = 'done' | 'failed' | 'running' | 'waiting' | 'cancelled';

export interface UnitStatus {
  readonly output: string;
  readonly inputs: readonly string[];
  readonly state: UnitState;
  /** Whether the file's tensors were split into row shards (jobs of their own). */
  readonly split: boolean;
  readonly inputBytes: number;
  readonly outputBytes?: number;
  readonly failure?: Failure;
  /** What the command warned about while writing this file (a done file's; its file field is set). */
  readonly warnings?: readonly Warning[];
}

export interface RunStatus {
  readonly run: string;
  readonly output: string;
  readonly created: number;
  readonly cancelled: boolean;
  readonly units: readonly UnitStatus[];
  /** True when no unit is waiting or running. */
  readonly finished: boolean;
  readonly counts: Readonly<Record<UnitState, number>>;
  /** Every warning of the run: the run's own (from planning), then each done file's, in the run's file order. */
  readonly warnings: readonly Warning[];
}

/** A job's failure as the worker recorded it (processors.ts: the CLI's failure as JSON), or BullMQ's own reason. */
export function failureOfReason(reason: string | undefined, file: string): Failure {
  try {
    const f = JSON.parse(reason ?? '') as Failure;
    if (typeof f.code === 'string' && typeof f.message === 'string') return f;
  } catch {
    // Not one of ours: a lost worker past its stall limit, or a failed child job.
  }
  return { code: 'E_IO', exitStatus: 8, message: `job failed: ${reason ?? 'unknown reason'}`, file };
}

const isGeneric = (f: Failure): boolean => f.code === 'E_IO' && f.message.startsWith('job failed: ');

/**
 * A job and its state. The state is read first: a job read first could finish in between, and a 'failed' or
 * 'completed' state would come with the data of the job still running (no failure reason, no return value).
 */
async function stateOf(queue: Queue, id: string): Promise<{ job: Job | undefined; state: string }> {
  const state = await queue.getJobState(id);
  const job = state === 'unknown' ? undefined : await queue.getJob(id);
  return { job, state: job ? state : 'missing' };
}

/** The unit's state from its jobs: its final job's, or for a split file not yet that far, its other jobs'. */
async function unitStatus(queue: Queue, unit: Unit, cancelledIds: ReadonlySet<string>): Promise<UnitStatus> {
  const base = { output: unit.output, inputs: unit.inputs, split: unit.split, inputBytes: unit.inputBytes };
  const final = await stateOf(queue, unit.final);
  if (final.state === 'completed') {
    const result = final.job!.returnvalue as { outputBytes?: number; warnings?: Warning[] } | null;
    const warnings = (result?.warnings ?? []).map((w) => ({ ...w, file: w.file ?? unit.output }));
    return { ...base, state: 'done', outputBytes: result?.outputBytes, ...(warnings.length > 0 ? { warnings } : {}) };
  }
  let failure: Failure | undefined;
  let active = final.state === 'active';
  let queued = final.state !== 'missing' && final.state !== 'failed';
  // The first failure of one of ours (a shard's CLI error) says more than its parent's "child failed".
  for (const id of [unit.final, ...unit.jobs.filter((j) => j !== unit.final)]) {
    const { job, state } = id === unit.final ? final : await stateOf(queue, id);
    if (state === 'active') active = true;
    if (state === 'waiting' || state === 'waiting-children' || state === 'delayed' || state === 'prioritized') queued = true;
    if (state === 'failed') {
      const f = failureOfReason(job!.failedReason, unit.output);
      if (failure === undefined || isGeneric(failure)) failure = f;
    }
  }
  if (failure !== undefined && !active) return { ...base, state: failure.code === CANCELLED.code ? 'cancelled' : 'failed', failure };
  if (active) return { ...base, state: 'running' };
  if (queued) return { ...base, state: 'waiting' };
  // No job at all: removed by quant cancel before it started.
  if (cancelledIds.has(unit.id)) return { ...base, state: 'cancelled', failure: { ...CANCELLED, file: unit.output } };
  return { ...base, state: 'waiting' };
}

export async function runStatus(redis: Redis, queue: Queue, prefix: string, id: string): Promise<RunStatus> {
  const run: RunRecord = await loadRun(redis, prefix, id);
  const cancelledIds = new Set(await redis.smembers(keys.cancelled(prefix)));
  const units: UnitStatus[] = (await Promise.all(run.units.map((unit) => unitStatus(queue, unit, cancelledIds)))).map((u) =>
    run.cancelled && u.state === 'waiting' ? { ...u, state: 'cancelled' as const, failure: { ...CANCELLED, file: u.output } } : u,
  );
  for (const p of run.problems) units.push({ output: p.file ?? '', inputs: p.file ? [p.file] : [], state: 'failed', split: false, inputBytes: 0, failure: p });
  const counts: Record<UnitState, number> = { done: 0, failed: 0, running: 0, waiting: 0, cancelled: 0 };
  for (const u of units) counts[u.state]++;
  // A cancelled run is over once nothing of it runs; what was removed from the queue never will.
  const finished = counts.running === 0 && (counts.waiting === 0 || run.cancelled);
  const warnings = [...run.warnings, ...units.flatMap((u) => u.warnings ?? [])];
  return { run: run.id, output: run.output, created: run.created, cancelled: run.cancelled, units, finished, counts, warnings };
}

/** The exit status of a finished run, as `quant quantize` computes it (commands/failures.ts's exitStatusOf). */
export function exitStatusOfRun(status: RunStatus): number {
  const failures = status.units.filter((u) => u.failure !== undefined).map((u) => u.failure!);
  if (status.cancelled) return CANCELLED.exitStatus;
  if (failures.length === 0) return status.units.some((u) => u.state !== 'done') ? CANCELLED.exitStatus : 0;
  return status.units.length <= 1 ? failures[0]!.exitStatus : 1;
}
