import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Failure, Warning } from './engine.js';
import { QueueError } from './errors.js';
import { keys } from './names.js';
import type { Unit } from './work.js';

/** A run: a group of work ids asked for by one `quant submit`. Its record lives in Redis beside the queue. */
export interface RunRecord {
  readonly id: string;
  readonly created: number;
  readonly output: string;
  readonly cancelled: boolean;
  readonly units: readonly Unit[];
  /** Inputs refused while planning (a path that does not exist...): failed units without a job. */
  readonly problems: readonly Failure[];
  /** Warnings about the run found while planning it (the files' own warnings are on their jobs). */
  readonly warnings: readonly Warning[];
}

/** Run ids sort by time: base-36 milliseconds, then random. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export async function saveRun(redis: Redis, prefix: string, run: Omit<RunRecord, 'cancelled'>): Promise<void> {
  const m = redis.multi();
  m.hset(keys.run(prefix, run.id), { created: run.created, output: run.output, cancelled: 0 });
  if (run.units.length > 0) m.rpush(keys.units(prefix, run.id), ...run.units.map((u) => JSON.stringify(u)));
  if (run.problems.length > 0) m.rpush(keys.problems(prefix, run.id), ...run.problems.map((p) => JSON.stringify(p)));
  if (run.warnings.length > 0) m.rpush(keys.warnings(prefix, run.id), ...run.warnings.map((w) => JSON.stringify(w)));
  await m.exec();
}

export async function loadRun(redis: Redis, prefix: string, id: string): Promise<RunRecord> {
  if (!/^[0-9a-z]+-[0-9a-f]{8}$/.test(id)) throw new QueueError('USAGE', `'${id}' is not a run id (quant submit prints them, e.g. mfx3k2a1-0c9d2e4f)`);
  const head = await redis.hgetall(keys.run(prefix, id));
  if (head.created === undefined) throw new QueueError('NOT_FOUND', `no run '${id}' in this Redis (prefix '${prefix}')`);
  const units = (await redis.lrange(keys.units(prefix, id), 0, -1)).map((u) => JSON.parse(u) as Unit);
  const problems = (await redis.lrange(keys.problems(prefix, id), 0, -1)).map((p) => JSON.parse(p) as Failure);
  const warnings = (await redis.lrange(keys.warnings(prefix, id), 0, -1)).map((w) => JSON.parse(w) as Warning);
  return { id, created: Number(head.created), output: head.output ?? '', cancelled: head.cancelled === '1', units, problems, warnings };
}

export async function markCancelled(redis: Redis, prefix: string, id: string): Promise<void> {
  await redis.hset(keys.run(prefix, id), { cancelled: 1 });
}
