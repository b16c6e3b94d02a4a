/** The BullMQ queue every quant job goes through, and the Redis keys of runs (under the same prefix). */
export const QUEUE_NAME = 'quant';
export const DEFAULT_PREFIX = 'quantkit';

/** Job ids of one output file's work (see identity.ts for `id`). */
export const jobIds = {
  file: (id: string): string => `file-${id}`,
  prepare: (id: string): string => `prepare-${id}`,
  range: (id: string, tensor: number, shard: number): string => `range-${id}-${tensor}-${shard}`,
  shard: (id: string, tensor: number, shard: number): string => `shard-${id}-${tensor}-${shard}`,
  commit: (id: string): string => `commit-${id}`,
};

export const keys = {
  run: (prefix: string, run: string): string => `${prefix}:run:${run}`,
  units: (prefix: string, run: string): string => `${prefix}:run:${run}:units`,
  problems: (prefix: string, run: string): string => `${prefix}:run:${run}:problems`,
  warnings: (prefix: string, run: string): string => `${prefix}:run:${run}:warnings`,
  /** Work ids whose jobs must stop (a cancelled run's); a new submit of the same work takes its id out. */
  cancelled: (prefix: string): string => `${prefix}:cancelled`,
  /** Pub/sub channel: the work ids of a run just cancelled (workers abort their running jobs of them). */
  cancelChannel: (prefix: string): string => `${prefix}:cancel`,
  /** host/pid of each worker that started a job of a work id (its temporaries are removed when it died). */
  owners: (prefix: string, id: string): string => `${prefix}:owners:${id}`,
};

/** Temporary name of a split output, shared by the jobs writing it (the host of each writer is unknown up front). */
export function splitTemporaryName(base: string, id: string): string {
  return `.${base}.quant-split-${id.slice(0, 16)}.tmp`;
}
