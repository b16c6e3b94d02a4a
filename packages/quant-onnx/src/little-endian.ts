/*
 * ONNX stores raw_data little-endian. On little-endian hosts (every platform Node.js ships for but s390x) the typed
 * arrays' bytes are used as they are; elsewhere each element goes through a DataView.
 */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Numeric = Float32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** The little-endian bytes of a typed array (a view when the host is little-endian). */
export function littleEndianBytes(values: Numeric): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN || values.BYTES_PER_ELEMENT === 1) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) view.setFloat32(i * 4, values[i]!, true);
    else view.setUint16(i * 2, values[i]! & 0xffff, true);
  }
  return out;
}

/** Reads `count` little-endian float32 values from bytes at any alignment (into a new array). */
export function readFloat32LE(bytes: Uint8Array, count: number): Float32Array {
  return readInto(bytes, new Float32Array(count), (view, i) => view.getFloat32(i * 4, true));
}

/** Reads `count` little-endian 16-bit patterns from bytes at any alignment (into a new array). */
export function readUint16LE(bytes: Uint8Array, count: number): Uint16Array {
  return readInto(bytes, new Uint16Array(count), (view, i) => view.getUint16(i * 2, true));
}

function readInto<T extends Float32Array | Uint16Array>(bytes: Uint8Array, out: T, read: (view: DataView, i: number) => number): T {
  if (HOST_IS_LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(0, out.byteLength));
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = read(view, i);
  }
  return out;
}
