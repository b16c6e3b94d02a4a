import { fail } from '../errors.js';
import { MAX_ARRAY_DEPTH, MAX_ARRAY_ITEMS, MAX_METADATA_ENTRIES } from '../format/limits.js';
import { FIXED_SIZE, GGUF_VALUE_TYPES, minimumItemBytes, type GgufArray, type GgufItem, type GgufMetadata, type GgufValue, type GgufValueType } from '../format/metadata-values.js';
import type { ByteReader } from './byte-reader.js';
import { readString } from './read-string.js';

/** Items of a fixed-size type read per window fill. */
const BATCH = 8192;

async function readValueType(r: ByteReader, what: string, file: string): Promise<GgufValueType> {
  const id = await r.u32(`the value type of ${what}`);
  const type = GGUF_VALUE_TYPES[id];
  if (type === undefined) fail('E_GGUF_TYPE', `${what} has value type ${id}, which is not a GGUF metadata type (0..12)`, { file });
  return type;
}

function fixedItem(type: GgufValueType, view: DataView, at: number, what: string, file: string): number | bigint | boolean {
  switch (type) {
    case 'uint8': return view.getUint8(at);
    case 'int8': return view.getInt8(at);
    case 'uint16': return view.getUint16(at, true);
    case 'int16': return view.getInt16(at, true);
    case 'uint32': return view.getUint32(at, true);
    case 'int32': return view.getInt32(at, true);
    case 'float32': return view.getFloat32(at, true);
    case 'float64': return view.getFloat64(at, true);
    case 'uint64': return view.getBigUint64(at, true);
    case 'int64': return view.getBigInt64(at, true);
    case 'bool': {
      const b = view.getUint8(at);
      if (b > 1) fail('E_GGUF_METADATA', `${what} holds a bool of value ${b}: only 0 and 1 are valid`, { file });
      return b === 1;
    }
    default: throw new Error(`unreachable: ${type} has no fixed size`);
  }
}

async function readArray(r: ByteReader, what: string, file: string, depth: number): Promise<GgufArray> {
  if (depth > MAX_ARRAY_DEPTH) fail('E_GGUF_LIMIT', `${what} nests arrays ${depth} deep; at most ${MAX_ARRAY_DEPTH} are accepted`, { file });
  const itemType = await readValueType(r, `the items of ${what}`, file);
  const count = await r.u64(`the length of ${what}`);
  if (count > BigInt(MAX_ARRAY_ITEMS)) fail('E_GGUF_LIMIT', `${what} claims ${count} items; at most ${MAX_ARRAY_ITEMS} are accepted`, { file });
  const n = Number(count);
  const least = n * minimumItemBytes(itemType);
  if (least > r.remaining) {
    fail('E_GGUF_TRUNCATED', `${what} claims ${n} ${itemType} items (at least ${least} bytes), but the file has only ${r.remaining} left`, { file });
  }
  const items: GgufItem[] = new Array(n);
  const size = FIXED_SIZE[itemType];
  if (size > 0) {
    for (let i = 0; i < n; ) {
      const batch = Math.min(BATCH, n - i);
      await r.need(batch * size, what);
      for (const end = i + batch; i < end; i++) items[i] = r.read(size, (view, at) => fixedItem(itemType, view, at, what, file));
    }
  } else {
    for (let i = 0; i < n; i++) {
      items[i] = itemType === 'string' ? await readString(r, `item ${i} of ${what}`, file) : await readArray(r, `item ${i} of ${what}`, file, depth + 1);
    }
  }
  return { itemType, items };
}

async function readValue(r: ByteReader, type: GgufValueType, what: string, file: string): Promise<GgufValue> {
  if (type === 'string') return { type, value: await readString(r, what, file) };
  if (type === 'array') return { type, value: await readArray(r, what, file, 1) };
  await r.need(FIXED_SIZE[type], what);
  const value = r.read(FIXED_SIZE[type], (view, at) => fixedItem(type, view, at, what, file));
  return { type, value } as GgufValue;
}

/** The header's metadata_kv_count key-value pairs, in file order. */
export async function readMetadata(r: ByteReader, count: bigint, file: string): Promise<GgufMetadata> {
  if (count > BigInt(MAX_METADATA_ENTRIES)) fail('E_GGUF_LIMIT', `the header claims ${count} metadata entries; at most ${MAX_METADATA_ENTRIES} are accepted`, { file });
  const n = Number(count);
  // A key of 0 bytes is refused below, so an entry takes at least 8 + 1 + 4 + 1 bytes.
  if (n * 14 > r.remaining) fail('E_GGUF_TRUNCATED', `the header claims ${n} metadata entries, more than the ${r.remaining} bytes left can hold`, { file });
  const metadata: GgufMetadata = new Map();
  for (let i = 0; i < n; i++) {
    const key = await readString(r, `metadata key ${i}`, file);
    if (key === '') fail('E_GGUF_METADATA', `metadata key ${i} is empty`, { file });
    if (metadata.has(key)) fail('E_GGUF_DUPLICATE', `metadata key '${key}' appears twice`, { file });
    const what = `metadata '${key}'`;
    metadata.set(key, await readValue(r, await readValueType(r, what, file), what, file));
  }
  return metadata;
}
