import type { Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { extname } from 'node:path';
import { fail } from '../errors.js';

/** What each command writes, by the extensions its output files may have (the first one is the usual one). */
export const SAFETENSORS_EXTENSIONS = ['.safetensors'] as const;
export const HTML_EXTENSIONS = ['.html', '.htm'] as const;

/** An output file must be named for what is written into it (`-o out.npy` would hold safetensors). */
export function checkOutputExtension(output: string, extensions: readonly string[], format: string): void {
  const ext = extname(output).toLowerCase();
  if (extensions.includes(ext)) return;
  const expected = extensions.map((e) => `'${e}'`).join(' or ');
  const got = /[\\/]$/.test(output) ? "ends in '/' (a directory)" : ext === '' ? 'has no extension' : `ends in '${extname(output)}'`;
  fail('EXTENSION', `${got}, but ${format} is written: an output file must end in ${expected}`, { file: output });
}

async function describeNode(path: string, st: Stats): Promise<string> {
  if (st.isSymbolicLink()) {
    const to = await readlink(path).catch(() => undefined);
    return `is a symbolic link${to === undefined ? '' : ` to '${to}'`}`;
  }
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'is a character device';
  if (st.isBlockDevice()) return 'is a block device';
  if (st.isSocket()) return 'is a socket';
  return 'is not a regular file';
}

/**
 * Fails unless `target` may be written: it must not exist, or be a regular file and --force given. Anything else is
 * refused even with --force, because the output is renamed over the target and would replace the node itself: a
 * device, FIFO, socket or directory; and a symbolic link, since renaming would replace the link rather than the file
 * it names, while writing through it would change a file known by other names (a shared blob of a model cache).
 */
export async function checkWritable(target: string, force: boolean): Promise<void> {
  let st: Stats;
  try {
    st = await lstat(target);
  } catch {
    return; // Absent (or unreachable: creating the temporary file beside it reports why).
  }
  if (!st.isFile()) {
    const hint = st.isSymbolicLink() ? ' (name the file itself, or remove the link)' : '';
    fail('OUTPUT_NOT_REGULAR', `${await describeNode(target, st)}; quant only ever replaces regular files${hint}`, { file: target });
  }
  if (!force) fail('OUTPUT_EXISTS', 'already exists (use --force to overwrite it)', { file: target });
}
