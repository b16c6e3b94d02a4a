import type { FileHandle } from 'node:fs/promises';
import { fail } from '../errors.js';
import { readFully } from '../io/read-at.js';

const WINDOW = 1 << 20;

/**
 * Reads the header of a file front to back through a window of 1 MiB: never more of the file in memory than the
 * window and the largest single value. Running out of file is E_GGUF_TRUNCATED. Multi-byte values are little-endian.
 */
export class ByteReader {
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  /** File position of buf[0]. */
  private start = 0;
  /** File position of the next byte to read. */
  pos = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly fileSize: number,
    private readonly file: string,
  ) {}

  /** Bytes from the current position to the end of the file. */
  get remaining(): number {
    return this.fileSize - this.pos;
  }

  /** Makes the next n bytes readable from the window; `what` names them in the truncation error. */
  async need(n: number, what: string): Promise<void> {
    const offset = this.pos - this.start;
    if (offset + n <= this.buf.length) return;
    if (n > this.remaining) {
      fail('E_GGUF_TRUNCATED', `the file ends at byte ${this.fileSize}, inside ${what} (${n} bytes at offset ${this.pos})`, { file: this.file });
    }
    const length = Math.min(Math.max(n, WINDOW), this.remaining);
    const buf = new Uint8Array(length);
    await readFully(this.fh, buf, this.pos, this.file);
    this.buf = buf;
    this.view = new DataView(buf.buffer);
    this.start = this.pos;
  }

  private take(n: number): number {
    const at = this.pos - this.start;
    this.pos += n;
    return at;
  }

  async u32(what: string): Promise<number> {
    await this.need(4, what);
    return this.view.getUint32(this.take(4), true);
  }

  async u64(what: string): Promise<bigint> {
    await this.need(8, what);
    return this.view.getBigUint64(this.take(8), true);
  }

  /** The next n bytes (a copy: the window moves on). */
  async bytes(n: number, what: string): Promise<Uint8Array> {
    await this.need(n, what);
    const at = this.take(n);
    return this.buf.slice(at, at + n);
  }

  /** Reads one fixed-size value from the window; need() must have made it readable. */
  read<T>(n: number, get: (view: DataView, at: number) => T): T {
    return get(this.view, this.take(n));
  }
}
