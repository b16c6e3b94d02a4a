import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { create } from '@bufbuild/protobuf';
import { DataLocation, StringStringEntryProtoSchema, type TensorProto } from './onnx.js';
import { readFully, type ExternalDataReader } from './external-reader.js';
import type { TensorSink } from './tensor-data.js';

/** Payloads smaller than this stay in the model (onnx's save_as_external_data size_threshold). */
export const EXTERNAL_THRESHOLD = 1024;
/** Each payload starts at a multiple of this (aligned views for readers that map the file). */
const ALIGNMENT = 64;
/** Copies of unchanged external tensors go through a buffer of this size. */
const COPY_CHUNK = 16 * 2 ** 20;

/**
 * Writes tensor payloads to one external data file as they are produced, so the model in memory holds only metadata:
 * each stored tensor gets data_location EXTERNAL and location / offset / length entries, and its raw_data is released.
 * The file is written under a temporary path and renamed by the caller; `location` is the name the model records.
 */
export class ExternalDataWriter implements TensorSink {
  private readonly fd: number;
  private offset = 0;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly location: string,
  ) {
    this.fd = openSync(path, 'wx', 0o644);
  }

  private write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.byteLength) done += writeSync(this.fd, bytes, done, bytes.byteLength - done, this.offset + done);
    this.offset += bytes.byteLength;
  }

  private pad(): void {
    const rem = this.offset % ALIGNMENT;
    if (rem !== 0) this.write(new Uint8Array(ALIGNMENT - rem));
  }

  private point(t: TensorProto, offset: number, length: number): void {
    t.dataLocation = DataLocation.EXTERNAL;
    t.rawData = new Uint8Array(0);
    t.externalData = [
      create(StringStringEntryProtoSchema, { key: 'location', value: this.location }),
      create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: 'length', value: String(length) }),
    ];
  }

  /** Moves a new tensor's raw_data to the file (small ones stay inline). */
  store(t: TensorProto): void {
    if (t.rawData.byteLength < EXTERNAL_THRESHOLD) return;
    this.pad();
    const start = this.offset;
    this.write(t.rawData);
    this.point(t, start, t.rawData.byteLength);
  }

  /** Copies an unchanged tensor's external payload from the input's data file, in chunks. */
  copyFrom(t: TensorProto, reader: ExternalDataReader): void {
    const span = reader.span(t);
    this.pad();
    const start = this.offset;
    const buffer = new Uint8Array(Math.min(COPY_CHUNK, Math.max(span.length, 1)));
    for (let done = 0; done < span.length; ) {
      const chunk = buffer.subarray(0, Math.min(buffer.byteLength, span.length - done));
      readFully(span.fd, chunk, span.offset + done);
      this.write(chunk);
      done += chunk.byteLength;
    }
    this.point(t, start, span.length);
  }

  get bytesWritten(): number {
    return this.offset;
  }

  /** fsyncs and closes the file (the caller renames it). */
  finish(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.closed = true;
  }

  /** Closes and removes the temporary file (after an error). */
  abort(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }
}
