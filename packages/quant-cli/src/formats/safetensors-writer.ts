import { fail } from '../errors.js';
import type { EntryShape } from './quantized-format.js';
import { METADATA_KEY } from './safetensors.js';

export interface HeaderLayout {
  /** The 8-byte length prefix and the JSON header, padded with spaces so the data starts 8-byte aligned. */
  readonly bytes: Uint8Array;
  /** Absolute file offset of each entry's data, in entry order. */
  readonly offsets: readonly number[];
  /** Size of the whole file. */
  readonly fileSize: number;
}

/**
 * Lays out a safetensors file whose entries are stored in the given order, back to back (no holes, as the format
 * requires). Every size is known up front, so the header is written first and the data streamed after it.
 */
export function layoutSafetensors(entries: readonly EntryShape[], metadata: Readonly<Record<string, string>>): HeaderLayout {
  // No prototype: on a plain object, `header['__proto__'] = ...` would set the prototype and drop the tensor.
  const header = Object.create(null) as Record<string, unknown>;
  const metadataEntries = Object.entries(metadata);
  if (metadataEntries.length > 0) {
    const copy = Object.create(null) as Record<string, string>;
    for (const [key, value] of metadataEntries) copy[key] = value;
    header[METADATA_KEY] = copy;
  }
  const seen = new Set<string>();
  let cursor = 0;
  const relative: number[] = [];
  for (const e of entries) {
    if (e.name === METADATA_KEY) fail('DUPLICATE_NAME', `'${METADATA_KEY}' is reserved by the safetensors format for the metadata: no tensor can have that name`, { tensor: e.name });
    if (seen.has(e.name)) fail('DUPLICATE_NAME', `two output tensors would be named '${e.name}'`, { tensor: e.name });
    seen.add(e.name);
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [cursor, cursor + e.byteLength] };
    relative.push(cursor);
    cursor += e.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const bytes = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(padded), true);
  bytes.set(json, 8);
  const dataStart = 8 + padded;
  return { bytes, offsets: relative.map((r) => dataStart + r), fileSize: dataStart + cursor };
}
