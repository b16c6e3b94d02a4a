import type { FileHandle } from 'node:fs/promises';
import { fail } from '../errors.js';
import { readAt } from '../io/read-at.js';
import { lookupTable } from './dtypes.js';
import { parsePythonLiteral, PyLiteralError, type PyValue } from './python-literal.js';
import { elementCount, type InputFile, type TensorSource } from './tensor-source.js';

/*
 * The .npy format (numpy/lib/format.py, NEP 1): the magic "\x93NUMPY", a major and minor version byte, the header
 * length (uint16 LE for version 1.x, uint32 LE for 2.x and 3.x), the header (a Python dict literal, latin-1 for 1.x
 * and 2.x, UTF-8 for 3.x, padded with spaces and a newline), then the raw array data.
 */

export const NPY_MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/** numpy kind + item size -> safetensors dtype. */
const NPY_TO_DTYPE: Readonly<Record<string, string>> = lookupTable({
  f2: 'F16',
  f4: 'F32',
  f8: 'F64',
  i1: 'I8',
  u1: 'U8',
  i2: 'I16',
  u2: 'U16',
  i4: 'I32',
  u4: 'U32',
  i8: 'I64',
  u8: 'U64',
  b1: 'BOOL',
});

export interface NpyHeader {
  readonly dtype: string;
  readonly bigEndian: boolean;
  readonly fortranOrder: boolean;
  readonly shape: number[];
  readonly dataOffset: number;
}

export function hasNpyMagic(bytes: Uint8Array): boolean {
  return bytes.length >= NPY_MAGIC.length && NPY_MAGIC.every((b, i) => bytes[i] === b);
}

function describeDescr(descr: PyValue): string {
  return typeof descr === 'string' ? `'${descr}'` : JSON.stringify(descr instanceof Map ? Object.fromEntries(descr) : descr);
}

/** Maps a numpy dtype string ('<f4', '>f8', '|b1', ...) to a safetensors dtype, or fails with the reason. */
function dtypeOf(descr: PyValue, file: string, tensor: string): { dtype: string; bigEndian: boolean } {
  if (typeof descr !== 'string') {
    fail('UNSUPPORTED_DTYPE', `structured dtype ${describeDescr(descr)} is not supported (quant reads plain numeric arrays)`, { file, tensor });
  }
  const m = /^([<>=|]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) fail('UNSUPPORTED_DTYPE', `unsupported dtype '${descr}'`, { file, tensor });
  const [, order, kind, size] = m;
  if (kind === 'O') {
    fail('OBJECT_ARRAY', `object arrays (dtype '${descr}') hold pickled Python objects, not numbers; quant does not read them`, { file, tensor });
  }
  if (kind === 'V' && size === '2') {
    fail(
      'AMBIGUOUS_DTYPE',
      `dtype '${descr}' is raw 2-byte void: ml_dtypes saves bfloat16 arrays this way, but the bytes could be anything, so quant ` +
        `does not guess. Save a bfloat16 tensor as a safetensors BF16 tensor (e.g. safetensors.torch.save_file), or as ` +
        `float32 (x.astype(np.float32), exact, but then quantized as float32 with float32 scales)`,
      { file, tensor },
    );
  }
  const dtype = NPY_TO_DTYPE[`${kind}${size}`];
  if (dtype === undefined) {
    const hint = kind === 'f' ? ' (quant reads float16, float32 and float64)' : '';
    fail('UNSUPPORTED_DTYPE', `unsupported dtype '${descr}'${hint}`, { file, tensor });
  }
  return { dtype, bigEndian: order === '>' };
}

function tupleText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** numpy's NPY_MAXDIMS (32 before numpy 2.0): no numpy array, so no .npy file numpy writes, has more dimensions. */
export const MAX_NPY_DIMS = 64;

function parseShape(value: PyValue | undefined, file: string, tensor: string): number[] {
  if (!Array.isArray(value) || !value.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    fail('HEADER', `the header's 'shape' must be a tuple of non-negative integers, got ${describeShape(value)}`, { file, tensor });
  }
  if (value.length > MAX_NPY_DIMS) fail('HEADER', `the header's 'shape' has ${value.length} dimensions; numpy arrays have at most ${MAX_NPY_DIMS}`, { file, tensor });
  return value as number[];
}

/** A shape value for a message, cut short: a hostile header can make it megabytes long. */
function describeShape(value: PyValue | undefined): string {
  const text = JSON.stringify(value instanceof Map ? Object.fromEntries(value) : value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Parses the header of a .npy file and checks its data length against the file size. */
export async function readNpyHeader(fh: FileHandle, file: string, size: number, tensor: string): Promise<NpyHeader> {
  const where = { file };
  if (size < 10) fail('TRUNCATED', `file is ${size} bytes, shorter than the 10-byte .npy preamble`, where);
  const pre = new Uint8Array(12);
  await readAt(fh, pre.subarray(0, Math.min(12, size)), 0, file, tensor);
  if (!hasNpyMagic(pre)) fail('BAD_MAGIC', 'not a .npy file (it does not start with "\\x93NUMPY")', where);
  const major = pre[6]!;
  if (major < 1 || major > 3) fail('BAD_MAGIC', `unsupported .npy format version ${major}.${pre[7]}`, where);
  const lengthBytes = major === 1 ? 2 : 4;
  if (size < 8 + lengthBytes) fail('TRUNCATED', `file is ${size} bytes, shorter than the .npy preamble`, where);
  const view = new DataView(pre.buffer);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataOffset = headerStart + headerLength;
  if (dataOffset > size) fail('HEADER_LENGTH', `header length ${headerLength} reaches past the end of the ${size}-byte file`, where);
  const headerBytes = new Uint8Array(headerLength);
  await readAt(fh, headerBytes, headerStart, file, tensor);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);

  let header: PyValue;
  try {
    header = parsePythonLiteral(text.trim());
  } catch (e) {
    if (e instanceof PyLiteralError) fail('HEADER', `invalid .npy header: ${e.message}`, where);
    throw e;
  }
  if (!(header instanceof Map)) fail('HEADER', 'invalid .npy header: not a dict', where);
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!header.has(key)) fail('HEADER', `invalid .npy header: the key '${key}' is missing`, where);
  }
  const fortranOrder = header.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') fail('HEADER', `the header's 'fortran_order' must be True or False`, where);
  const shape = parseShape(header.get('shape'), file, tensor);
  const { dtype, bigEndian } = dtypeOf(header.get('descr')!, file, tensor);

  const itemSize = Number(/\d+$/.exec(header.get('descr') as string)![0]);
  const dataLength = elementCount(shape) * itemSize;
  const actual = size - dataOffset;
  if (actual < dataLength) {
    fail('TRUNCATED', `shape ${tupleText(shape)} of ${header.get('descr')} needs ${dataLength} data bytes but the file holds ${actual} (truncated)`, { file, tensor });
  }
  if (actual > dataLength) {
    fail('SHAPE_MISMATCH', `shape ${tupleText(shape)} of ${header.get('descr')} holds ${dataLength} bytes but the file has ${actual} data bytes`, { file, tensor });
  }
  return { dtype, bigEndian, fortranOrder, shape, dataOffset };
}

/** A .npy file as an input of one tensor named `tensorName`. */
export async function openNpy(fh: FileHandle, file: string, size: number, tensorName: string): Promise<InputFile> {
  const h = await readNpyHeader(fh, file, size, tensorName);
  const byteLength = size - h.dataOffset;
  const itemSize = elementCount(h.shape) === 0 ? 0 : byteLength / elementCount(h.shape);
  const source: TensorSource = {
    file,
    name: tensorName,
    dtype: h.dtype,
    shape: h.shape,
    offset: h.dataOffset,
    byteLength,
    byteSwap: h.bigEndian && itemSize > 1,
    fortranOrder: h.fortranOrder,
  };
  return { path: file, format: 'npy', size, tensors: [source], metadata: undefined };
}
