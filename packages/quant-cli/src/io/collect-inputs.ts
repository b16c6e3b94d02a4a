import type { Dirent, Stats } from 'node:fs';
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

const isInputName = (name: string): boolean => INPUT_EXTENSIONS.includes(extname(name).toLowerCase());

/** A directory's identity, the same whatever path (or symbolic link) leads to it. */
const identity = (st: Stats): string => `${st.dev}:${st.ino}`;

/**
 * One directory argument's search. Symbolic links are followed, to files and to directories (a Hugging Face cache's
 * snapshots are all links); each real directory is searched once, so a link back to an ancestor (a loop) or a second
 * link to the same directory ends there. What cannot be used is skipped with a note.
 */
class DirectoryWalk {
  readonly found: InputRef[] = [];
  readonly notes: string[] = [];
  private readonly searched = new Map<string, string>();
  private readonly ancestors = new Set<string>();

  /** `skip` (the output directory when it lies inside the input) is never searched. */
  constructor(
    private readonly root: string,
    private readonly skip: string | undefined,
  ) {}

  async run(rootStats: Stats): Promise<void> {
    if (this.skip !== undefined) {
      const st = await stat(this.skip).catch(() => undefined);
      if (st?.isDirectory() && identity(st) !== identity(rootStats)) this.searched.set(identity(st), this.skip);
    }
    await this.directory(this.root, rootStats);
  }

  private async directory(dir: string, st: Stats): Promise<void> {
    const id = identity(st);
    this.searched.set(id, dir);
    this.ancestors.add(id);
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) await this.entry(join(dir, e.name), e);
    this.ancestors.delete(id);
  }

  private async entry(path: string, e: Dirent): Promise<void> {
    if (e.isDirectory()) return this.subdirectory(path, await stat(path));
    if (e.isFile()) {
      if (isInputName(e.name)) this.add(path);
      return;
    }
    if (!e.isSymbolicLink()) {
      if (isInputName(e.name)) this.notes.push(`${path}: skipped, not a regular file`);
      return;
    }
    let target: Stats;
    try {
      target = await stat(path); // follows the link (and any chain of links)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'a dangling symbolic link' : code === 'ELOOP' ? 'a symbolic link loop' : `a symbolic link that cannot be followed (${code})`;
      this.notes.push(`${path}: skipped, ${why}`);
      return;
    }
    if (target.isDirectory()) return this.subdirectory(path, target);
    if (!isInputName(e.name)) return;
    if (target.isFile()) this.add(path);
    else this.notes.push(`${path}: skipped, a symbolic link to something that is not a regular file`);
  }

  private async subdirectory(path: string, st: Stats): Promise<void> {
    const id = identity(st);
    const before = this.searched.get(id);
    if (before === undefined) return this.directory(path, st);
    if (this.ancestors.has(id)) this.notes.push(`${path}: skipped, leads back to '${before}' (a symbolic link loop)`);
    else if (before !== this.skip) this.notes.push(`${path}: skipped, the same directory as '${before}', already searched`);
  }

  private add(path: string): void {
    this.found.push({ path, relativePath: relative(this.root, path).split(sep).join('/') });
  }
}

/**
 * Expands the input arguments: files are taken as they are (whatever their extension), directories are searched
 * recursively for .npy and .safetensors files, in name order. `skipDirectory` (the output directory, when it lies
 * inside an input directory) is not searched, so a second run does not take the first run's outputs as inputs.
 * `notes` say what a search skipped (links that lead nowhere usable, FIFOs...).
 */
export async function collectInputs(
  args: readonly string[],
  skipDirectory?: string,
): Promise<{ inputs: InputRef[]; problems: InputProblem[]; notes: string[]; fromDirectory: boolean }> {
  const inputs: InputRef[] = [];
  const problems: InputProblem[] = [];
  const notes: string[] = [];
  let fromDirectory = false;
  for (const arg of args) {
    try {
      const st = await stat(arg);
      if (st.isDirectory()) {
        fromDirectory = true;
        const walk = new DirectoryWalk(arg, skipDirectory && resolve(skipDirectory));
        await walk.run(st);
        notes.push(...walk.notes);
        if (walk.found.length === 0) problems.push({ path: arg, error: new CliError('NO_INPUTS', 'directory holds no .npy or .safetensors file', { file: arg }) });
        inputs.push(...walk.found);
      } else if (st.isFile()) {
        inputs.push({ path: arg, relativePath: arg.split(sep).pop()! });
      } else {
        problems.push({ path: arg, error: new CliError('NOT_A_FILE', 'is not a regular file', { file: arg }) });
      }
    } catch (e) {
      problems.push({ path: arg, error: toCliError(e, { file: arg }) });
    }
  }
  return { inputs, problems, notes, fromDirectory };
}
