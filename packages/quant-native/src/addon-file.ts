import { statSync, type Stats } from 'node:fs';

/**
 * Why `file` cannot be loaded as the addon, or undefined if it is a regular file (symbolic links followed). Only
 * regular files are loaded: require() of a FIFO blocks until something writes to it, of a device such as /dev/zero
 * reads without end, and of a directory loads whatever package sits there.
 */
export function addonFileProblem(file: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'not found' : `cannot be examined (${code ?? String(error)})`;
  }
  return stats.isFile() ? undefined : `not a regular file (${kindOf(stats)})`;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'an unknown kind of file';
}
