import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PlannedFile } from './engine.js';

/*
 * Job ids come from what the job computes, not from the run that asked: the inputs' identity (absolute path, size,
 * mtime, inode), the output path and the options. Submitting the same work again finds the same ids, so finished
 * results are reused and unfinished ones are not queued twice. A changed input (new mtime or size) is new work.
 */

/** Bumped when the work a job id stands for changes meaning (a new job layout). */
const LAYOUT = 1;

async function inputIdentity(path: string): Promise<string> {
  try {
    const st = await stat(path);
    return `${resolve(path)}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
  } catch {
    // Unreadable now: the job will fail with the CLI's error; the path alone identifies it.
    return `${resolve(path)}\0missing`;
  }
}

/** JSON with sorted keys, so equal options give equal text whatever order they were built in. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The id of the work of one output file (hex; BullMQ ids must not contain ':'). */
export async function fileWorkId(file: PlannedFile, options: unknown, threshold: number): Promise<string> {
  const h = createHash('sha256');
  h.update(`quant-queue/${LAYOUT}\0${resolve(file.output)}\0${canonicalJson(options)}\0${threshold}\0`);
  for (const input of file.inputs) h.update(`${await inputIdentity(input.path)}\0${input.npyName}\0`);
  return h.digest('hex').slice(0, 32);
}
