/*
 * An independent reader and writer for the two file formats, written for the tests from the specifications only
 * (safetensors: huggingface/safetensors README "Format"; .npy: numpy/lib/format.py / NEP 1). It shares no code with
 * the CLI, so a bug in the CLI's own reader cannot hide a bug in its writer.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface SpecTensor {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

export interface SpecSafetensors {
  metadata: Record<string, string> | undefined;
  /** In data-offset order. */
  tensors: Map<string, SpecTensor>;
}

const SIZES: Record<string, number> = { BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8 };

/** Reads a safetensors file, checking every rule of the format (no holes, no overlaps, sizes agree). */
export function readSafetensorsSpec(path: string): SpecSafetensors {
  const file = new Uint8Array(readFileSync(path));
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  if (8 + n > file.length) throw new Error(`header length ${n} beyond file`);
  const headerText = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + n));
  const header = JSON.parse(headerText) as Record<string, unknown>;
  const data = file.subarray(8 + n);
  const entries: [string, { dtype: string; shape: number[]; data_offsets: [number, number] }][] = [];
  let metadata: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(header)) {
    if (k === '__metadata__') metadata = v as Record<string, string>;
    else entries.push([k, v as { dtype: string; shape: number[]; data_offsets: [number, number] }]);
  }
  entries.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let cursor = 0;
  const tensors = new Map<string, SpecTensor>();
  for (const [name, e] of entries) {
    const [begin, end] = e.data_offsets;
    if (begin !== cursor) throw new Error(`tensor ${name} starts at ${begin}, expected ${cursor}`);
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (SIZES[e.dtype] === undefined) throw new Error(`unknown dtype ${e.dtype}`);
    if (count * SIZES[e.dtype]! !== end - begin) throw new Error(`tensor ${name}: shape and byte length disagree`);
    tensors.set(name, { dtype: e.dtype, shape: e.shape, bytes: data.slice(begin, end) });
    cursor = end;
  }
  if (cursor !== data.length) throw new Error(`data buffer has ${data.length - cursor} uncovered bytes`);
  if (metadata) for (const v of Object.values(metadata)) if (typeof v !== 'string') throw new Error('metadata value not a string');
  return { metadata, tensors };
}

/** Writes a safetensors file: tensors back to back in the given order, header padded with spaces to 8 bytes. */
export function writeSafetensorsSpec(path: string, tensors: { name: string; dtype: string; shape: number[]; bytes: Uint8Array }[], metadata?: Record<string, string>): void {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = JSON.stringify(header);
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  let p = 8 + json.length;
  for (const t of tensors) {
    out.set(t.bytes, p);
    p += t.bytes.length;
  }
  writeFileSync(path, out);
}

export interface SpecNpy {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  data: Uint8Array;
}

/** Reads a .npy file (versions 1.0, 2.0, 3.0) with a deliberately simple header parse (regular expressions). */
export function readNpySpec(path: string): SpecNpy {
  const file = new Uint8Array(readFileSync(path));
  if (String.fromCharCode(...file.subarray(1, 6)) !== 'NUMPY' || file[0] !== 0x93) throw new Error('bad magic');
  const major = file[6]!;
  const dv = new DataView(file.buffer, file.byteOffset);
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(file.subarray(start, start + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)![1]!;
  const fortranOrder = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)![1]!;
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  return { descr, fortranOrder, shape, data: file.slice(start + hlen) };
}

/** Writes a version 1.0 .npy file; the header is padded so the data starts 64-byte aligned (as numpy does). */
export function writeNpySpec(path: string, npy: SpecNpy): void {
  const shape = npy.shape.length === 1 ? `(${npy.shape[0]},)` : `(${npy.shape.join(', ')})`;
  let header = `{'descr': '${npy.descr}', 'fortran_order': ${npy.fortranOrder ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + npy.data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(npy.data, total);
  writeFileSync(path, out);
}

/** IEEE half -> number, from the definition (sign, 5-bit exponent, 10-bit fraction). */
export function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 31;
  const f = h & 1023;
  if (e === 0) return s * f * Math.pow(2, -24);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * Math.pow(2, e - 15);
}

/** bfloat16 -> number: the upper 16 bits of a float32. */
export function bf16ToNumber(h: number): number {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, h << 16);
  return dv.getFloat32(0);
}

export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

export function f32(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.slice().buffer);
}

export function f64(bytes: Uint8Array): Float64Array {
  return new Float64Array(bytes.slice().buffer);
}
