import { unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { keys, splitTemporaryName } from './names.js';
import { loadRun, markCancelled } from './runs.js';

export interface CancelResult {
  /** Jobs taken out of the queue before they started. */
  readonly removed: number;
  /** Units whose running jobs were told to stop. */
  readonly signalled: number;
}

const QUEUED = new Set(['waiting', 'waiting-children', 'delayed', 'prioritized']);

/**
 * Cancels a run: its work ids go into the cancelled set (a job checks it when it starts), workers running one of its
 * jobs are told to abort it (they stop at the next tensor or shard and remove their temporary file), and its queued
 * jobs are removed. Finished outputs stay. Split outputs' shared temporaries are removed once their jobs stopped.
 */
export async function cancelRun(redis: Redis, queue: Queue, prefix: string, id: string, settleMs = 10_000): Promise<CancelResult> {
  const run = await loadRun(redis, prefix, id);
  const open = [];
  for (const unit of run.units) {
    const final = await queue.getJob(unit.final);
    if (final && (await final.getState()) === 'completed') continue;
    open.push(unit);
  }
  // A run already finished stays as it was.
  if (open.length === 0) return { removed: 0, signalled: 0 };
  await markCancelled(redis, prefix, id);
  await redis.sadd(keys.cancelled(prefix), ...open.map((u) => u.id));
  await redis.publish(keys.cancelChannel(prefix), JSON.stringify(open.map((u) => u.id)));
  let removed = 0;
  for (const unit of open) {
    // Parents first: removing a flow's parent removes its queued children with it.
    for (const jobId of [unit.final, ...unit.jobs]) {
      const job = await queue.getJob(jobId);
      if (job === undefined || !QUEUED.has(await job.getState())) continue;
      if (await job.remove().then(() => true, () => false)) removed++;
    }
  }
  // Wait for the running jobs to stop, then remove the split files' shared temporaries (the jobs remove them too;
  // this covers a split file between its stages, when no job of it runs).
  const deadline = Date.now() + settleMs;
  for (const unit of open.filter((u) => u.split)) {
    for (;;) {
      const states = await Promise.all(unit.jobs.map(async (j) => (await queue.getJob(j))?.getState()));
      if (!states.includes('active') || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await unlink(join(dirname(unit.output), splitTemporaryName(basename(unit.output), unit.id))).catch(() => {});
  }
  return { removed, signalled: open.length };
}
