import type { PlannedFile, SplitPlan, Warning } from './engine.js';
import type { EncodedRange } from './merge-ranges.js';
import { jobIds } from './names.js';

/** What every job of one output file carries (BullMQ job data: JSON). */
export interface WorkData {
  /** The work id (identity.ts): the same for every job of the file, in every run that asks for it. */
  readonly id: string;
  readonly file: PlannedFile;
  readonly options: unknown;
  readonly force: boolean;
  /** Present on the jobs of a split file. */
  readonly split?: SplitPlan;
  /** Range and shard jobs: which tensor of split.tensors, and which shard of it. */
  readonly tensor?: number;
  readonly shard?: number;
  /** Shard jobs of a tensor whose ranges were merged: the whole tensor's per-group range. */
  readonly range?: EncodedRange;
  /** The commit job of a split file: the warnings of its prepare job (the tensors that were not split). */
  readonly warnings?: readonly Warning[];
}

export type JobName = 'file' | 'prepare' | 'range' | 'shard' | 'commit' | 'noop';

/** One output file of a run, as the run records it. */
export interface Unit {
  readonly id: string;
  readonly output: string;
  readonly inputs: readonly string[];
  readonly inputBytes: number;
  /** The job whose completion is the file's: file-<id>, or commit-<id> for a split file. */
  readonly final: string;
  /** Every job id of the unit that exists from the start (the split file's shard and commit jobs come later). */
  readonly jobs: readonly string[];
  readonly split: boolean;
}

/** Every job id a split file's work will ever have. */
export function splitJobIds(id: string, split: SplitPlan): string[] {
  const ids = [jobIds.prepare(id), jobIds.commit(id)];
  split.tensors.forEach((t, ti) => {
    for (let k = 0; k + 1 < t.starts.length; k++) {
      if (t.mergeRanges) ids.push(jobIds.range(id, ti, k));
      ids.push(jobIds.shard(id, ti, k));
    }
  });
  return ids;
}

/** Job options common to every quant job: failures are kept (status reads them), retries only for lost workers. */
export const JOB_OPTIONS = { removeOnComplete: false, removeOnFail: false, attempts: 1 } as const;
