import { closeSync, openSync, writeSync } from 'node:fs';

/*
 * A minimal safetensors writer (https://github.com/huggingface/safetensors, "Format"): an unsigned little-endian 64-bit
 * header size N, N bytes of UTF-8 JSON mapping each tensor name to { dtype, shape, data_offsets: [begin, end] } (byte
 * offsets into the data that follows, tensors contiguous and in order, plus an optional "__metadata__" string map),
 * padded with spaces to a multiple of 8 bytes, then the raw little-endian tensor bytes. Only F32 is written here.
 */

export interface F32Tensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** Called once, when the tensor is written; returns its data (length = product of shape). */
  readonly data: () => Float32Array;
}

/** The header bytes (size prefix included) for tensors written in order. */
export function safetensorsHeader(tensors: readonly Pick<F32Tensor, 'name' | 'shape'>[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.shape.reduce((a, d) => a * d, 1) * 4;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const body = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
  out.set(body, 8);
  return out;
}

/** Writes the file tensor by tensor (only one tensor's data is in memory at a time); returns the bytes written. */
export function writeSafetensors(path: string, tensors: readonly F32Tensor[], metadata: Record<string, string> = {}): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    const header = safetensorsHeader(tensors, metadata);
    written += writeSync(fd, header);
    for (const t of tensors) {
      const data = t.data();
      const expected = t.shape.reduce((a, d) => a * d, 1);
      if (data.length !== expected) throw new Error(`tensor ${t.name}: ${data.length} values for shape [${t.shape.join(', ')}]`);
      // Float32Array bytes are in platform order; safetensors is little-endian (every platform Node runs on here).
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      written += bytes.length;
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
