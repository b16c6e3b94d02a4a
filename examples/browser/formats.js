// Client-side readers of the two input formats: .npy (NumPy's format, version 1-3: little- or big-endian float16 /
// float32 / float64, C or Fortran order) and .safetensors (an 8-byte little-endian header length, a JSON header, the
// tensors' bytes: F16, BF16, F32, F64). Each tensor comes back as { name, shape, dtype, data } where data is a
// Float32Array / Float64Array, or a Uint16Array of float16 / bfloat16 bits (quantkit takes those with `dtype`).

const decoder = new TextDecoder();

/** The tensors of a .npy file (one, named after the file). */
export function readNpy(bytes, name) {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (!magic.every((b, i) => bytes[i] === b)) throw new Error(`${name}: not a .npy file`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = decoder.decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([<>|=]?)([a-z])(\d+)'/.exec(header);
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (descr === null || shapeText === null) throw new Error(`${name}: unreadable .npy header ${header}`);
  const shape = shapeText[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const [, order, kind, size] = descr;
  if (kind !== 'f' || !['2', '4', '8'].includes(size)) throw new Error(`${name}: dtype ${descr[0]} is not float16/32/64`);
  const count = shape.reduce((a, b) => a * b, 1);
  const width = Number(size);
  const big = order === '>';
  const body = new DataView(bytes.buffer, bytes.byteOffset + start + headerLength, count * width);
  const read = width === 2 ? (i) => body.getUint16(i * 2, !big) : width === 4 ? (i) => body.getFloat32(i * 4, !big) : (i) => body.getFloat64(i * 8, !big);
  const data = new (width === 2 ? Uint16Array : width === 4 ? Float32Array : Float64Array)(count);
  for (let i = 0; i < count; i++) data[i] = read(fortran ? fortranIndex(i, shape) : i);
  return [{ name, shape, dtype: width === 2 ? 'float16' : width === 4 ? 'float32' : 'float64', data }];
}

/** The element of a Fortran-order array that sits at C-order index i. */
function fortranIndex(i, shape) {
  let f = 0;
  let stride = 1;
  const coords = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    coords[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  for (let d = 0; d < shape.length; d++) {
    f += coords[d] * stride;
    stride *= shape[d];
  }
  return f;
}

const SAFETENSORS_DTYPES = { F16: ['float16', 2], BF16: ['bfloat16', 2], F32: ['float32', 4], F64: ['float64', 8] };

/** The float tensors of a .safetensors file (other dtypes are listed as skipped). */
export function readSafetensors(bytes, name) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw new Error(`${name}: not a .safetensors file`);
  const header = JSON.parse(decoder.decode(bytes.subarray(8, 8 + headerLength)));
  const base = 8 + headerLength;
  const tensors = [];
  for (const [tensor, info] of Object.entries(header)) {
    if (tensor === '__metadata__') continue;
    const known = SAFETENSORS_DTYPES[info.dtype];
    if (known === undefined) {
      tensors.push({ name: tensor, shape: info.shape, dtype: info.dtype, skipped: `dtype ${info.dtype} is not a float type` });
      continue;
    }
    const [dtype, width] = known;
    const [begin, end] = info.data_offsets;
    const copy = bytes.slice(base + begin, base + end); // aligned for the typed array
    const data = new (width === 2 ? Uint16Array : width === 4 ? Float32Array : Float64Array)(copy.buffer, 0, (end - begin) / width);
    tensors.push({ name: tensor, shape: info.shape, dtype, data });
  }
  return tensors;
}
