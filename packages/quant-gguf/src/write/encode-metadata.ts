import { fail } from '../errors.js';
import { valueTypeId, type GgufArray, type GgufItem, type GgufMetadata, type GgufValueType } from '../format/metadata-values.js';
import type { ByteBuilder } from './byte-builder.js';

function putItem(out: ByteBuilder, type: GgufValueType, item: GgufItem, key: string): void {
  const wrong = (): never => fail('E_GGUF_METADATA', `metadata '${key}': ${typeof item} is not a ${type} value`);
  switch (type) {
    case 'string':
      if (typeof item !== 'string') wrong();
      return out.string(item as string);
    case 'array':
      if (typeof item !== 'object') wrong();
      return putArray(out, item as GgufArray, key);
    case 'bool':
      if (typeof item !== 'boolean') wrong();
      return out.put(1, (v, at) => v.setUint8(at, item ? 1 : 0));
    case 'uint64':
    case 'int64':
      if (typeof item !== 'bigint') wrong();
      return out.put(8, (v, at) => (type === 'uint64' ? v.setBigUint64(at, item as bigint, true) : v.setBigInt64(at, item as bigint, true)));
    default:
      if (typeof item !== 'number') wrong();
      putNumber(out, type, item as number);
  }
}

function putNumber(out: ByteBuilder, type: GgufValueType, n: number): void {
  switch (type) {
    case 'uint8': return out.put(1, (v, at) => v.setUint8(at, n));
    case 'int8': return out.put(1, (v, at) => v.setInt8(at, n));
    case 'uint16': return out.put(2, (v, at) => v.setUint16(at, n, true));
    case 'int16': return out.put(2, (v, at) => v.setInt16(at, n, true));
    case 'uint32': return out.put(4, (v, at) => v.setUint32(at, n, true));
    case 'int32': return out.put(4, (v, at) => v.setInt32(at, n, true));
    case 'float32': return out.put(4, (v, at) => v.setFloat32(at, n, true));
    case 'float64': return out.put(8, (v, at) => v.setFloat64(at, n, true));
    default: throw new Error(`unreachable: ${type} is not a number type`);
  }
}

/** The type's id; E_GGUF_TYPE for a name that is not a GGUF value type. */
function typeId(type: GgufValueType, key: string): number {
  const id = valueTypeId(type);
  if (id < 0) fail('E_GGUF_TYPE', `metadata '${key}' has value type ${JSON.stringify(type)}, which is not a GGUF value type`);
  return id;
}

function putArray(out: ByteBuilder, array: GgufArray, key: string): void {
  out.u32(typeId(array.itemType, key));
  out.u64(array.items.length);
  for (const item of array.items) putItem(out, array.itemType, item, key);
}

/** Every key-value pair, in the map's order: key, value type, value. */
export function encodeMetadata(out: ByteBuilder, metadata: GgufMetadata): void {
  for (const [key, entry] of metadata) {
    if (key === '') fail('E_GGUF_METADATA', 'a metadata key is empty');
    out.string(key);
    out.u32(typeId(entry.type, key));
    putItem(out, entry.type, entry.value, key);
  }
}
