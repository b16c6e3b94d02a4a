import type { FileHandle } from 'node:fs/promises';

/** Bytes written between background flushes. */
const FLUSH_EVERY = 32 << 20;

/**
 * Starts writing a file's new bytes back to disk while the writer goes on (one fdatasync at a time, every
 * FLUSH_EVERY bytes), so the fsync before the rename waits for the last stretch only, not the whole file: on the
 * 322 MiB output of `pnpm bench:cli`'s GGUF row that fsync alone took 0.11 s at the end. An error of a background
 * flush is thrown by finish(). Used by this package's atomic output and by quant-cli's (AtomicOutput), through the
 * `@quantkit/quant-gguf/flush-behind` subpath (no GGUF code loaded with it).
 */
export class FlushBehind {
  private unflushed = 0;
  private flushing: Promise<void> | undefined;
  private error: unknown;
  private finished = false;

  constructor(private readonly fh: FileHandle) {}

  /** `bytes` more were written. */
  wrote(bytes: number): void {
    this.unflushed += bytes;
    if (this.flushing !== undefined || this.finished || this.unflushed < FLUSH_EVERY) return;
    this.unflushed = 0;
    this.flushing = this.fh
      .datasync()
      .catch((e: unknown) => {
        this.error ??= e;
      })
      .finally(() => {
        this.flushing = undefined;
      });
  }

  /** Waits for the flush under way (no more start) and throws its error, if one failed. */
  async finish(): Promise<void> {
    this.finished = true;
    await this.flushing;
    if (this.error !== undefined) throw this.error;
  }
}
