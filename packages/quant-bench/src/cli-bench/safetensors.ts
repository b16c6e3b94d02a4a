import { closeSync, openSync, writeSync } from 'node:fs';

/*
 * A minimal safetensors writer (https://github.com/huggingface/safetensors, "Format"): an unsigned little-endian 64-bit
 * header size N, N bytes of UTF-8 JSON mapping each tensor name to { dtype, shape, data_offsets: [begin, end] } (byte
 * offsets into the data that follows, tensors contiguous and in order, plus an optional "__metadata__" string map),
 * padded with spaces to a multiple of 8 bytes, then the raw little-endian tensor bytes. F32 and BF16 are written here.
 */

export interface BenchTensor {
  readonly name: string;
  /** F32 (default): data is a Float32Array; BF16: data is the bfloat16 bit patterns, a Uint16Array. */
  readonly dtype?: 'F32' | 'BF16';
  readonly shape: readonly number[];
  /** Called once, when the tensor is written; returns its data (length = product of shape). */
  readonly data: () => Float32Array | Uint16Array;
}

const BYTES_PER_ELEMENT = { F32: 4, BF16: 2 } as const;

/** The header bytes (size prefix included) for tensors written in order. */
export function safetensorsHeader(tensors: readonly Pick<BenchTensor, 'name' | 'dtype' | 'shape'>[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of tensors) {
    const dtype = t.dtype ?? 'F32';
    const bytes = t.shape.reduce((a, d) => a * d, 1) * BYTES_PER_ELEMENT[dtype];
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
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
export function writeSafetensors(path: string, tensors: readonly BenchTensor[], metadata: Record<string, string> = {}): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    const header = safetensorsHeader(tensors, metadata);
    written += writeSync(fd, header);
    for (const t of tensors) {
      const data = t.data();
      const expected = t.shape.reduce((a, d) => a * d, 1);
      if (data.length !== expected) throw new Error(`tensor ${t.name}: ${data.length} values for shape [${t.shape.join(', ')}]`);
      if (data.BYTES_PER_ELEMENT !== BYTES_PER_ELEMENT[t.dtype ?? 'F32']) throw new Error(`tensor ${t.name}: ${data.constructor.name} data for dtype ${t.dtype ?? 'F32'}`);
      // Typed array bytes are in platform order; safetensors is little-endian (every platform Node runs on here).
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      written += bytes.length;
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
