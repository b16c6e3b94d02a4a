/*
 * Files for the hostile-input tests of the CLI's readers and writers, written byte by byte so they can be wrong in
 * exactly the way a test needs (duplicate keys, names special to JavaScript objects, odd shapes).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect } from 'vitest';
import { quant } from '../helpers/run-cli.js';
import { bytesOf, writeSafetensorsSpec } from '../helpers/spec-files.js';

export interface RawTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/** A safetensors file from the exact header text and data buffer given (nothing is checked or padded). */
export function writeRawSafetensors(path: string, headerText: string, data: Uint8Array = new Uint8Array(0)): void {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  writeFileSync(path, out);
}

/**
 * The header text of tensors stored back to back, built on a null-prototype object so that any name (`__proto__`
 * included) becomes a key.
 */
export function headerText(tensors: readonly RawTensor[], metadata?: Readonly<Record<string, string>>): string {
  const header = Object.create(null) as Record<string, unknown>;
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  return JSON.stringify(header);
}

/**
 * A well-formed safetensors file whose tensor and metadata names and shapes may be anything: tensors back to back in
 * the given order, the header unpadded, its byte length counted in UTF-8 (so names outside ASCII are stored correctly).
 */
export function writeSafetensors(path: string, tensors: readonly RawTensor[], metadata?: Readonly<Record<string, string>>): void {
  const data = new Uint8Array(tensors.reduce((s, t) => s + t.bytes.length, 0));
  let p = 0;
  for (const t of tensors) {
    data.set(t.bytes, p);
    p += t.bytes.length;
  }
  writeRawSafetensors(path, headerText(tensors, metadata), data);
}

/** A .npy file with the exact header text given (version 1.0, or 2.0 when `major` is 2 for headers over 64 KiB). */
export function writeRawNpy(path: string, header: string, data: Uint8Array, major: 1 | 2 = 1): void {
  const lengthBytes = major === 1 ? 2 : 4;
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + lengthBytes + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0], 0);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, 8 + lengthBytes);
  out.set(data, 8 + lengthBytes + text.length);
  writeFileSync(path, out);
}

/**
 * A small valid input, `in.safetensors` in `dir` (one float32 tensor `w` of `values`), and `in.q.safetensors`, what
 * `quant quantize` makes of it: both written in a beforeAll hook of the calling test file.
 */
export function inputAndQuantized(dir: string, values: Float32Array): { input: string; quantized: string } {
  const input = join(dir, 'in.safetensors');
  const quantized = join(dir, 'in.q.safetensors');
  beforeAll(() => {
    writeSafetensorsSpec(input, [{ name: 'w', dtype: 'F32', shape: [values.length], bytes: bytesOf(values) }]);
    expect(quant(['quantize', input, '-o', quantized]).status).toBe(0);
  });
  return { input, quantized };
}
