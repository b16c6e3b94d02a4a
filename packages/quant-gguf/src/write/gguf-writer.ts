import type { FileHandle } from 'node:fs/promises';
import type { GgufMetadata } from '../format/metadata-values.js';
import { encodeHeader } from './encode-header.js';
import { alignTo, planLayout, writeAlignment, type GgufTensorSpec, type PlannedTensor } from './plan-layout.js';

const ZEROS = new Uint8Array(4096);

/** Told the size of every write (a FlushBehind of the atomic output, which starts flushing them to disk). */
export interface WriteListener {
  wrote(bytes: number): void;
}

/**
 * Writes a GGUF v3 file front to back: the header first (every tensor's size is known up front, so its offsets are),
 * then each tensor's data in order, in as many pieces as the caller likes, padded to the alignment after each tensor.
 */
export class GgufWriter {
  private position: number;
  private current = 0;
  private writtenOfCurrent = 0;

  private constructor(
    private readonly fh: FileHandle,
    readonly tensors: readonly PlannedTensor[],
    readonly alignment: number,
    readonly dataOffset: number,
    private readonly flush: WriteListener | undefined,
  ) {
    this.position = dataOffset;
  }

  /**
   * Checks the tensors, writes the header at the start of `fh`, and returns the writer for the data; it tells `flush`
   * (when given) the bytes of every write.
   */
  static async begin(fh: FileHandle, metadata: GgufMetadata, tensors: readonly GgufTensorSpec[], flush?: WriteListener): Promise<GgufWriter> {
    const alignment = writeAlignment(metadata);
    const planned = planLayout(tensors, alignment);
    const header = encodeHeader(metadata, planned, alignment);
    await writeAll(fh, header, 0);
    const writer = new GgufWriter(fh, planned, alignment, header.length, flush);
    writer.skipEmpty();
    return writer;
  }

  /** The tensor whose data comes next (undefined once all are written). */
  get next(): PlannedTensor | undefined {
    return this.tensors[this.current];
  }

  /** Appends bytes of the current tensor's data; ending a tensor is automatic once its byteLength is reached. */
  async write(bytes: Uint8Array): Promise<void> {
    const t = this.tensors[this.current];
    if (t === undefined || this.writtenOfCurrent + bytes.length > t.byteLength) {
      throw new RangeError(`${bytes.length} more bytes do not fit ${t === undefined ? 'after the last tensor' : `tensor '${t.name}' (${t.byteLength - this.writtenOfCurrent} left)`}`);
    }
    await writeAll(this.fh, bytes, this.position);
    this.flush?.wrote(bytes.length);
    this.position += bytes.length;
    this.writtenOfCurrent += bytes.length;
    if (this.writtenOfCurrent === t.byteLength) await this.endTensor();
  }

  private async endTensor(): Promise<void> {
    const t = this.tensors[this.current]!;
    const end = this.dataOffset + alignTo(t.offset + t.byteLength, this.alignment);
    // The last tensor is padded too, as ggml's writer does.
    while (this.position < end) {
      const n = Math.min(ZEROS.length, end - this.position);
      await writeAll(this.fh, ZEROS.subarray(0, n), this.position);
      this.position += n;
    }
    this.current++;
    this.writtenOfCurrent = 0;
    this.skipEmpty();
  }

  /** Tensors without data have nothing to wait for. */
  private skipEmpty(): void {
    while (this.tensors[this.current]?.byteLength === 0) this.current++;
  }

  /** Throws unless every tensor's data was written in full. */
  finish(): void {
    const t = this.tensors[this.current];
    if (t !== undefined) throw new RangeError(`tensor '${t.name}' got ${this.writtenOfCurrent} of its ${t.byteLength} bytes`);
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
