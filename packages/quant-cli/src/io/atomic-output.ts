import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
// The subpath, not the package: quant quantize does not load the GGUF reader and writer for it.
import { FlushBehind } from '@quantkit/quant-gguf/flush-behind';
import { fail, toCliError } from '../errors.js';
import { trackTemporary, untrackTemporary } from './cleanup.js';
import { checkWritable } from './output-checks.js';
import { removeStaleTemporaries } from './stale-temporaries.js';
import { temporaryPathFor } from './temporary-name.js';

/**
 * An output written to a temporary file beside its target (named in temporary-name.ts), fsynced, and renamed over the
 * target only when complete. Until commit() the target is untouched; discard() (or an interrupt, see cleanup.ts)
 * removes the temporary file. Only a regular file is ever replaced (output-checks.ts).
 */
export class AtomicOutput {
  private closed = false;
  private readonly flush: FlushBehind;

  private constructor(
    readonly target: string,
    readonly temporary: string,
    readonly fh: FileHandle,
    private readonly force: boolean,
  ) {
    this.flush = new FlushBehind(fh);
  }

  static async create(target: string, force: boolean): Promise<AtomicOutput> {
    if (target === '') fail('USAGE', "the output path is empty (-o '')");
    await checkWritable(target, force);
    const temporary = temporaryPathFor(target);
    try {
      await removeStaleTemporaries(target);
      await mkdir(dirname(target), { recursive: true });
      trackTemporary(temporary);
      const fh = await open(temporary, 'wx', 0o644);
      return new AtomicOutput(target, temporary, fh, force);
    } catch (e) {
      untrackTemporary(temporary);
      throw toCliError(e, { file: target });
    }
  }

  /**
   * Tells the output that `bytes` more were written: every 32 MiB it starts writing them back to disk in the background
   * (FlushBehind), so the fsync of commit() waits for the last stretch only, not the whole file. An error of a
   * background flush fails the commit.
   */
  wrote(bytes: number): void {
    this.flush.wrote(bytes);
  }

  /**
   * fsync, close, then rename over the target, checking it again first: a file that appeared meanwhile is not replaced
   * without --force, and a node that is not a regular file never.
   */
  async commit(): Promise<void> {
    try {
      await this.flush.finish();
      await this.fh.sync();
      await this.fh.close();
      this.closed = true;
      await checkWritable(this.target, this.force);
      await rename(this.temporary, this.target);
      untrackTemporary(this.temporary);
      await syncDirectory(dirname(this.target));
    } catch (e) {
      await this.discard();
      throw toCliError(e, { file: this.target });
    }
  }

  /** Closes and removes the temporary file; the target is left as it was. */
  async discard(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.flush.finish().catch(() => {});
      await this.fh.close().catch(() => {});
    }
    await unlink(this.temporary).catch(() => {});
    untrackTemporary(this.temporary);
  }
}

/** Makes the rename durable (best effort: some file systems refuse to fsync a directory). */
async function syncDirectory(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Not supported here; the data itself was fsynced before the rename.
  } finally {
    await fh?.close().catch(() => {});
  }
}
