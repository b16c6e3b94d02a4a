import type { FileHandle } from 'node:fs/promises';
import { fail } from '../errors.js';
import { readAt } from '../io/read-at.js';
import { DTYPE_SIZES } from './dtypes.js';
import { findDuplicateKey } from './json-duplicate-keys.js';
import type { InputFile, TensorSource } from './tensor-source.js';

/*
 * The safetensors format (huggingface/safetensors, README "Format"): 8 bytes of little-endian u64 N, N bytes of UTF-8
 * JSON header { "name": { "dtype", "shape", "data_offsets": [begin, end] }, "__metadata__": { string: string } }, then
 * the byte buffer. Offsets are relative to the buffer; the tensors must cover it exactly, with no holes or overlaps.
 */

/** Headers larger than this are refused (the reference implementation uses the same limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** The header key of the metadata; the format reserves it, so no tensor can have this name. */
export const METADATA_KEY = '__metadata__';

interface RawEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function checkEntry(name: string, value: unknown, file: string): RawEntry {
  const where = { file, tensor: name };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('HEADER', 'the header entry must be an object', where);
  const v = value as Record<string, unknown>;
  if (typeof v.dtype !== 'string') fail('HEADER', `'dtype' must be a string, got ${JSON.stringify(v.dtype)}`, where);
  if (!Array.isArray(v.shape) || !v.shape.every(isNonNegativeInteger)) fail('HEADER', `'shape' must be an array of non-negative integers, got ${JSON.stringify(v.shape)}`, where);
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    fail('HEADER', `'data_offsets' must be two non-negative integers, got ${JSON.stringify(offsets)}`, where);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail('OFFSETS', `data_offsets [${begin}, ${end}] end before they begin`, where);
  const size = DTYPE_SIZES[v.dtype];
  if (size === undefined) fail('UNSUPPORTED_DTYPE', `unsupported dtype '${v.dtype}'`, where);
  const shape = v.shape as number[];
  const count = shape.reduce((a, b) => a * b, 1);
  if (count * size !== end - begin) {
    fail('SHAPE_MISMATCH', `shape [${shape.join(', ')}] of ${v.dtype} needs ${count * size} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`, where);
  }
  return { name, dtype: v.dtype, shape, begin, end };
}

/** The metadata as an object without a prototype: its keys come from the file and may be '__proto__'. */
function checkMetadata(value: unknown, file: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('HEADER', `'__metadata__' must be an object of strings`, { file });
  const metadata = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail('HEADER', `'__metadata__' values must be strings; '${k}' is ${JSON.stringify(v)}`, { file });
    metadata[k] = v;
  }
  return metadata;
}

/** JSON.parse keeps the last of duplicate keys; a header that repeats a name is refused instead, naming it. */
function checkNoDuplicateKeys(text: string, file: string): void {
  const dup = findDuplicateKey(text, 2);
  if (dup === undefined) return;
  const [owner] = dup.path;
  if (owner === undefined) {
    if (dup.key === METADATA_KEY) fail('DUPLICATE_NAME', `the header has '${METADATA_KEY}' twice`, { file });
    fail('DUPLICATE_NAME', 'the header names this tensor twice (a JSON reader would keep only the last entry)', { file, tensor: dup.key });
  }
  if (owner === METADATA_KEY) fail('DUPLICATE_NAME', `'${METADATA_KEY}' has the key '${dup.key}' twice`, { file });
  fail('DUPLICATE_NAME', `the header entry has '${dup.key}' twice`, { file, tensor: owner });
}

/** The buffer must be covered exactly: sorted by offset, each tensor starts where the previous one ended. */
function checkCoverage(entries: readonly RawEntry[], dataLength: number, file: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: RawEntry | undefined;
  for (const e of sorted) {
    if (e.begin < cursor) {
      fail('OFFSETS', `data_offsets [${e.begin}, ${e.end}] overlap tensor '${previous!.name}' [${previous!.begin}, ${previous!.end}]`, { file, tensor: e.name });
    }
    if (e.begin > cursor) {
      if (e.begin > dataLength) fail('OFFSETS', `data_offsets [${e.begin}, ${e.end}] are outside the ${dataLength}-byte data buffer`, { file, tensor: e.name });
      fail('OFFSETS', `bytes [${cursor}, ${e.begin}) before it belong to no tensor (the format allows no holes)`, { file, tensor: e.name });
    }
    cursor = e.end;
    previous = e;
  }
  if (cursor > dataLength) {
    fail('TRUNCATED', `the header describes ${cursor} data bytes but the file holds ${dataLength} (truncated)`, { file, tensor: previous!.name });
  }
  if (cursor < dataLength) fail('OFFSETS', `${dataLength - cursor} bytes after the last tensor belong to no tensor`, { file });
}

/** Parses and fully validates a safetensors header; no tensor data is read. */
export async function openSafetensors(fh: FileHandle, file: string, size: number): Promise<InputFile> {
  if (size < 8) fail('TRUNCATED', `file is ${size} bytes, shorter than the 8-byte header length`, { file });
  const prefix = new Uint8Array(8);
  await readAt(fh, prefix, 0, file);
  const n = new DataView(prefix.buffer).getBigUint64(0, true);
  if (n > BigInt(size - 8)) fail('HEADER_LENGTH', `header length ${n} reaches past the end of the ${size}-byte file`, { file });
  if (n > BigInt(MAX_HEADER_BYTES)) fail('HEADER_LENGTH', `header length ${n} is larger than the ${MAX_HEADER_BYTES}-byte limit`, { file });
  const headerLength = Number(n);
  const headerBytes = new Uint8Array(headerLength);
  await readAt(fh, headerBytes, 8, file);

  let header: unknown;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    header = JSON.parse(text);
  } catch (e) {
    fail('HEADER_JSON', `the ${headerLength}-byte header is not valid UTF-8 JSON (${(e as Error).message})`, { file });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('HEADER_JSON', 'the header is not a JSON object', { file });
  checkNoDuplicateKeys(text, file);

  let metadata: Record<string, string> | undefined;
  const entries: RawEntry[] = [];
  // JSON.parse makes every key an own property, '__proto__' included, so Object.entries sees them all.
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = checkMetadata(value, file);
    else entries.push(checkEntry(name, value, file));
  }
  const dataStart = 8 + headerLength;
  checkCoverage(entries, size - dataStart, file);

  const tensors: TensorSource[] = entries.map((e) => ({
    file,
    name: e.name,
    dtype: e.dtype,
    shape: e.shape,
    offset: dataStart + e.begin,
    byteLength: e.end - e.begin,
    byteSwap: false,
    fortranOrder: false,
  }));
  return { path: file, format: 'safetensors', size, tensors, metadata };
}
