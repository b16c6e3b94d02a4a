import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { CliError, toCliError } from '../errors.js';

export const INPUT_EXTENSIONS = ['.npy', '.safetensors'];

/** One input file and the path it is known by relative to the argument it came from. */
export interface InputRef {
  readonly path: string;
  /** For a file argument: its base name; for a file found in a directory argument: its path inside that directory. */
  readonly relativePath: string;
}

/** An input argument that could not be used (reported as a failed file; the rest of the batch carries on). */
export interface InputProblem {
  readonly path: string;
  readonly error: CliError;
}

async function walk(dir: string, root: string, out: InputRef[], skip: string | undefined): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (resolve(path) !== skip) await walk(path, root, out, skip);
    }
    else if (e.isFile() && INPUT_EXTENSIONS.includes(extname(e.name).toLowerCase())) {
      out.push({ path, relativePath: relative(root, path).split(sep).join('/') });
    }
  }
}

/**
 * Expands the input arguments: files are taken as they are (whatever their extension), directories are searched
 * recursively for .npy and .safetensors files, in name order. `skipDirectory` (the output directory, when it lies
 * inside an input directory) is not searched, so a second run does not take the first run's outputs as inputs.
 */
export async function collectInputs(args: readonly string[], skipDirectory?: string): Promise<{ inputs: InputRef[]; problems: InputProblem[]; fromDirectory: boolean }> {
  const inputs: InputRef[] = [];
  const problems: InputProblem[] = [];
  let fromDirectory = false;
  for (const arg of args) {
    try {
      const st = await stat(arg);
      if (st.isDirectory()) {
        fromDirectory = true;
        const found: InputRef[] = [];
        await walk(arg, arg, found, skipDirectory && resolve(skipDirectory));
        if (found.length === 0) problems.push({ path: arg, error: new CliError('NO_INPUTS', 'directory holds no .npy or .safetensors file', { file: arg }) });
        inputs.push(...found);
      } else if (st.isFile()) {
        inputs.push({ path: arg, relativePath: arg.split(sep).pop()! });
      } else {
        problems.push({ path: arg, error: new CliError('NOT_A_FILE', 'is not a regular file', { file: arg }) });
      }
    } catch (e) {
      problems.push({ path: arg, error: toCliError(e, { file: arg }) });
    }
  }
  return { inputs, problems, fromDirectory };
}
