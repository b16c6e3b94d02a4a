import { accessSync, constants, statfsSync } from 'node:fs';

/** statfs's f_type of tmpfs (linux/magic.h TMPFS_MAGIC). */
const TMPFS_MAGIC = 0x01021994;

/** Whether `dir` is on a tmpfs (files in memory). */
export function isTmpfs(dir: string): boolean {
  try {
    return statfsSync(dir).type === TMPFS_MAGIC;
  } catch {
    return false;
  }
}

/**
 * A writable tmpfs directory with room for `bytes` (and a quarter more), for the files of the ratio pair: `preferred`
 * when given and usable, else /dev/shm when it is one; undefined when there is none (the ratio is then only measured
 * on disk, and says so).
 */
export function memoryDir(bytes: number, preferred?: string): string | undefined {
  for (const dir of preferred !== undefined ? [preferred] : ['/dev/shm']) {
    try {
      accessSync(dir, constants.W_OK);
      const s = statfsSync(dir);
      if (isTmpfs(dir) && s.bavail * s.bsize >= bytes * 1.25) return dir;
    } catch {
      // Not there or not writable: no memory directory.
    }
  }
  return undefined;
}

/** How a directory is labelled in the results: 'disk (/tmp)' or '/dev/shm (tmpfs)'. */
export function locationOf(dir: string): string {
  return isTmpfs(dir) ? `${dir} (tmpfs)` : `disk (${dir})`;
}
