/*
 * GGUF metadata values, typed as the file types them (enum gguf_metadata_value_type of docs/gguf.md), so that a value
 * read and written again keeps its exact type: a u32 stays a u32, a u64 is a bigint.
 */

export const GGUF_VALUE_TYPES = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'bool', 'string', 'array', 'uint64', 'int64', 'float64'] as const;

/** The value type names, indexed by their id in the file. */
export type GgufValueType = (typeof GGUF_VALUE_TYPES)[number];

export type GgufNumberType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';
export type GgufBigIntType = 'uint64' | 'int64';

/** An array's items: numbers, bigints (64-bit integers), booleans, strings, or nested arrays, all of `itemType`. */
export interface GgufArray {
  readonly itemType: GgufValueType;
  readonly items: readonly GgufItem[];
}

export type GgufItem = number | bigint | boolean | string | GgufArray;

export type GgufValue =
  | { readonly type: GgufNumberType; readonly value: number }
  | { readonly type: GgufBigIntType; readonly value: bigint }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'array'; readonly value: GgufArray };

/** Metadata in file order: a Map keeps the order the keys were read or set in. */
export type GgufMetadata = Map<string, GgufValue>;

/** Bytes of one item of a fixed-size type (0 for string and array, whose size depends on their content). */
export const FIXED_SIZE: Readonly<Record<GgufValueType, number>> = Object.freeze({
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  bool: 1,
  string: 0,
  array: 0,
  uint64: 8,
  int64: 8,
  float64: 8,
});

/** The fewest bytes one item of the type can take: a string is at least its u64 length, an array its type and length. */
export function minimumItemBytes(type: GgufValueType): number {
  if (type === 'string') return 8;
  if (type === 'array') return 12;
  return FIXED_SIZE[type];
}

export function valueTypeId(type: GgufValueType): number {
  return GGUF_VALUE_TYPES.indexOf(type);
}

export function u32(value: number): GgufValue {
  return { type: 'uint32', value };
}


/** A metadata value as plain JavaScript: numbers, bigints, booleans, strings and (nested) arrays of them. */
export function plainValue(v: GgufValue | GgufArray): unknown {
  if ('itemType' in v) return v.items.map((item) => (typeof item === 'object' ? plainValue(item) : item));
  return v.type === 'array' ? plainValue(v.value) : v.value;
}
