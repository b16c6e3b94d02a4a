/*
 * Language-neutral encodings used by the golden corpus. Arrays are stored as base64 of their little-endian element
 * bytes with an explicit dtype (so NaN payloads, -0 and subnormals survive, which JSON numbers cannot carry); scalars
 * that may be non-finite are JSON numbers or the strings "NaN", "Infinity", "-Infinity", "-0".
 */

export type ArrayDType = 'float32' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32';

export type TypedArrayOf = {
  float32: Float32Array;
  float64: Float64Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
};

export type AnyTypedArray = TypedArrayOf[ArrayDType];

export interface EncodedArray {
  readonly dtype: ArrayDType;
  readonly length: number;
  readonly base64: string;
}

export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

type Ctor = { new (length: number): AnyTypedArray; new (buffer: ArrayBufferLike, byteOffset: number, length: number): AnyTypedArray; readonly BYTES_PER_ELEMENT: number };

export const ARRAY_CONSTRUCTORS: Readonly<Record<ArrayDType, Ctor>> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
} as unknown as Record<ArrayDType, Ctor>;

export function dtypeOf(a: AnyTypedArray): ArrayDType {
  for (const [name, ctor] of Object.entries(ARRAY_CONSTRUCTORS)) {
    if (a.constructor === ctor) return name as ArrayDType;
  }
  throw new TypeError(`unsupported array type ${a.constructor.name}`);
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeArray(a: AnyTypedArray): EncodedArray {
  if (!littleEndian) throw new Error('the corpus encoder assumes a little-endian host');
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return { dtype: dtypeOf(a), length: a.length, base64: bytes.toString('base64') };
}

export function decodeArray<D extends ArrayDType>(e: EncodedArray & { dtype: D }): TypedArrayOf[D];
export function decodeArray(e: EncodedArray): AnyTypedArray;
export function decodeArray(e: EncodedArray): AnyTypedArray {
  if (!littleEndian) throw new Error('the corpus decoder assumes a little-endian host');
  const ctor = ARRAY_CONSTRUCTORS[e.dtype];
  if (ctor === undefined) throw new Error(`unknown dtype ${String(e.dtype)}`);
  const bytes = Buffer.from(e.base64, 'base64');
  if (bytes.length !== e.length * ctor.BYTES_PER_ELEMENT) throw new Error(`encoded ${e.dtype} array has ${bytes.length} bytes, expected ${e.length * ctor.BYTES_PER_ELEMENT}`);
  const out = new ctor(e.length);
  new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes);
  return out;
}

export function encodeNumber(v: number): JsonNumber {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v;
}

export function decodeNumber(v: JsonNumber): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === '-0') return -0;
  throw new Error(`not an encoded number: ${JSON.stringify(v)}`);
}

/** Bit pattern of a float (hex), to show in failure messages where NaN payloads and -0 matter. */
export function floatBits(v: number, single: boolean): string {
  const b = new DataView(new ArrayBuffer(8));
  if (single) {
    b.setFloat32(0, v);
    return b.getUint32(0).toString(16).padStart(8, '0');
  }
  b.setFloat64(0, v);
  return b.getBigUint64(0).toString(16).padStart(16, '0');
}
