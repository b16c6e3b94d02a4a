import { open, type FileHandle } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { fail, toCliError } from '../errors.js';
import { hasNpyMagic, openNpy } from './npy.js';
import { openSafetensors } from './safetensors.js';
import type { InputFile } from './tensor-source.js';

/** An input file opened read-only, with its header parsed and validated. Close it when done. */
export interface OpenInput {
  readonly fh: FileHandle;
  readonly input: InputFile;
}

/** The tensor name a .npy file gets when none is given: its file name without the extension. */
export function npyTensorName(path: string): string {
  return basename(path, extname(path));
}

/**
 * Opens `path` read-only (inputs are never written) and parses its header. A .npy extension or the .npy magic means
 * .npy; anything else is read as safetensors.
 */
export async function openInput(path: string, npyName = npyTensorName(path)): Promise<OpenInput> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw toCliError(e, { file: path });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) fail('NOT_A_FILE', st.isDirectory() ? 'is a directory, not a file' : 'is not a regular file', { file: path });
    const head = new Uint8Array(6);
    const { bytesRead } = await fh.read(head, 0, 6, 0);
    const isNpy = hasNpyMagic(head.subarray(0, bytesRead)) || extname(path).toLowerCase() === '.npy';
    const input = isNpy ? await openNpy(fh, path, st.size, npyName) : await openSafetensors(fh, path, st.size);
    return { fh, input };
  } catch (e) {
    await fh.close().catch(() => {});
    throw toCliError(e, { file: path });
  }
}
