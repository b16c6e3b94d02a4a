import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantize, fakeQuantize, quantize, type HalfDType, type QuantizeOptions } from '@quantkit/quant-core';
import { bf16ToF32, halvesToF32, randomBf16Bits, randomF32, randomF64, randomHalfBits, sameBytes } from './helpers/data.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, halfToNumber, bf16ToNumber, readSafetensorsSpec, writeSafetensorsSpec } from './helpers/spec-files.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const w32 = randomF32(16 * 24, 1);
const w64 = randomF64(8 * 10, 2);
const h16 = randomHalfBits(6 * 10, 3);
const b16 = randomBf16Bits(5 * 7, 4);
const scalar = Float32Array.of(-2.75);
const ids = new BigInt64Array([1n, -2n, 3n, 1n << 40n]);
const mask = Uint8Array.of(1, 0, 1);

/**
 * The original tensors: their values (F16/BF16 decoded independently, exactly) and, for F16/BF16, the bits the library
 * quantizes (with their half type).
 */
const floats: Record<string, { x: Float32Array | Float64Array; shape: number[]; dtype: string; half?: { bits: Uint16Array; dtype: HalfDType } }> = {
  w32: { x: w32, shape: [16, 24], dtype: 'F32' },
  w64: { x: w64, shape: [8, 10], dtype: 'F64' },
  h16: { x: halvesToF32(h16), shape: [6, 10], dtype: 'F16', half: { bits: h16, dtype: 'float16' } },
  b16: { x: bf16ToF32(b16), shape: [5, 7], dtype: 'BF16', half: { bits: b16, dtype: 'bfloat16' } },
  scalar: { x: scalar, shape: [], dtype: 'F32' },
};

/** The library's quantization of an original as quant does it: F16/BF16 on their bits, with half scales. */
function quantizeOriginal(name: string, options: QuantizeOptions): ReturnType<typeof quantize> {
  const f = floats[name]!;
  return f.half ? quantize(f.half.bits, { ...options, dtype: f.half.dtype }) : quantize(f.x, options);
}

const input = join(tmp.dir, 'model.safetensors');
writeSafetensorsSpec(
  input,
  [
    { name: 'w32', dtype: 'F32', shape: [16, 24], bytes: bytesOf(w32) },
    { name: 'ids', dtype: 'I64', shape: [4], bytes: bytesOf(ids) },
    { name: 'w64', dtype: 'F64', shape: [8, 10], bytes: bytesOf(w64) },
    { name: 'h16', dtype: 'F16', shape: [6, 10], bytes: bytesOf(h16) },
    { name: 'mask', dtype: 'BOOL', shape: [3], bytes: mask },
    { name: 'b16', dtype: 'BF16', shape: [5, 7], bytes: bytesOf(b16) },
    { name: 'scalar', dtype: 'F32', shape: [], bytes: bytesOf(scalar) },
  ],
  { format: 'pt' },
);

interface Case {
  readonly args: string[];
  readonly options: (shape: number[]) => QuantizeOptions;
  readonly quantized: string[];
}

const CASES: Record<string, Case> = {
  'affine 8-bit per tensor (defaults)': { args: [], options: () => ({}), quantized: ['w32', 'w64', 'h16', 'b16', 'scalar'] },
  'symmetric per channel': {
    args: ['--scheme', 'symmetric', '--granularity', 'channel', '--exclude', 'scalar'],
    options: () => ({ scheme: 'symmetric', granularity: { axis: 0 } }),
    quantized: ['w32', 'w64', 'h16', 'b16'],
  },
  'affine 6-bit blocks of 4 along the last axis': {
    args: ['--bits', '6', '--block-size', '4', '--exclude', 'scalar'],
    options: (shape) => ({ bits: 6, granularity: { axis: shape.length - 1, blockSize: 4 } }),
    quantized: ['w32', 'w64', 'h16', 'b16'],
  },
  'symmetric 4-bit packed, pytorch profile, only w*': {
    args: ['--scheme', 'symmetric', '--bits', '4', '--packed', '--profile', 'pytorch', '--include', 'w*'],
    options: () => ({ scheme: 'symmetric', bits: 4, packed: true, profile: 'pytorch' }),
    quantized: ['w32', 'w64'],
  },
  'affine 12-bit per channel on axis 1, narrow range': {
    args: ['--bits', '12', '--granularity', 'channel', '--axis', '1', '--narrow-range', '--exclude', 'scalar'],
    options: () => ({ bits: 12, granularity: { axis: 1 }, narrowRange: true }),
    quantized: ['w32', 'w64', 'h16', 'b16'],
  },
  'affine 2-bit packed blocks of 3 on axis 0': {
    args: ['--bits', '2', '--packed', '--granularity', 'block', '--axis', '0', '--block-size', '3', '--exclude', 'scalar', '--exclude', 'b16'],
    options: () => ({ bits: 2, packed: true, granularity: { axis: 0, blockSize: 3 } }),
    quantized: ['w32', 'w64', 'h16'],
  },
};

/** A stored scale tensor's values, decoded independently (F16/BF16 bits by their definitions). */
function scaleValues(t: { dtype: string; bytes: Uint8Array }): number[] {
  const buffer = t.bytes.slice().buffer;
  if (t.dtype === 'F16') return Array.from(new Uint16Array(buffer), halfToNumber);
  if (t.dtype === 'BF16') return Array.from(new Uint16Array(buffer), bf16ToNumber);
  return Array.from(t.dtype === 'F64' ? new Float64Array(buffer) : new Float32Array(buffer));
}

function zeroPointBytes(qt: ReturnType<typeof quantize>): Uint8Array {
  const zps = typeof qt.zeroPoint === 'number' ? [qt.zeroPoint] : Array.from(qt.zeroPoint);
  const signed = qt.scheme === 'symmetric';
  const arr = qt.bits <= 8 ? (signed ? Int8Array.from(zps) : Uint8Array.from(zps)) : signed ? Int16Array.from(zps) : Uint16Array.from(zps);
  return bytesOf(arr);
}

describe.each(Object.entries(CASES))('quantize and dequantize: %s', (label, c) => {
  const slug = label.replace(/\W+/g, '-');
  const qPath = join(tmp.dir, `${slug}.q.safetensors`);
  const dPath = join(tmp.dir, `${slug}.d.safetensors`);

  it('writes the codes, scales and zero points the library computes, and copies the rest', () => {
    const r = quant(['quantize', input, '-o', qPath, ...c.args]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = readSafetensorsSpec(qPath);
    expect(out.metadata!['quantkit.format']).toBe('quantkit.safetensors.v2');
    expect(out.metadata!['quantkit.version']).toBe('0.1.0');
    expect(out.metadata!.format).toBe('pt');
    for (const [name, f] of Object.entries(floats)) {
      const t = out.tensors.get(name)!;
      if (!c.quantized.includes(name)) {
        expect(t.dtype).toBe(f.dtype);
        expect(out.metadata![`quantkit.tensor.${name}`]).toBeUndefined();
        continue;
      }
      const options = { ...c.options(f.shape), shape: f.shape };
      const qt = quantizeOriginal(name, options);
      const record = JSON.parse(out.metadata![`quantkit.tensor.${name}`]!);
      expect(record).toMatchObject({ scheme: qt.scheme, bits: qt.bits, packed: qt.packed, profile: qt.profile, dtype: f.dtype, shape: f.shape });
      expect(record.axis).toBe(qt.axis ?? null);
      expect(record.block_size).toBe(qt.blockSize ?? null);
      expect(sameBytes(t.bytes, bytesOf(qt.data)), `${name} codes`).toBe(true);
      expect(t.dtype).toBe(qt.packed ? 'U8' : qt.bits <= 8 ? (qt.scheme === 'symmetric' ? 'I8' : 'U8') : qt.scheme === 'symmetric' ? 'I16' : 'U16');
      expect(t.shape).toEqual(qt.packed ? [qt.data.length] : f.shape);
      const s = out.tensors.get(`${name}.scale`)!;
      expect(s.dtype).toBe(f.dtype); // version 2: F16/BF16 originals have F16/BF16 scales
      expect(scaleValues(s), `${name} scale`).toEqual(typeof qt.scale === 'number' ? [qt.scale] : Array.from(qt.scale));
      expect(sameBytes(out.tensors.get(`${name}.zero_point`)!.bytes, zeroPointBytes(qt)), `${name} zero point`).toBe(true);
    }
    expect(out.tensors.get('ids')).toEqual({ dtype: 'I64', shape: [4], bytes: bytesOf(ids) });
    expect(out.tensors.get('mask')).toEqual({ dtype: 'BOOL', shape: [3], bytes: mask });
  });

  it('dequantizes to exactly fakeQuantize of the original, bit for bit', () => {
    const r = quant(['dequantize', qPath, '-o', dPath]);
    expect(r.status).toBe(0);
    const out = readSafetensorsSpec(dPath);
    expect(out.metadata).toEqual({ format: 'pt' });
    expect([...out.tensors.keys()].sort()).toEqual(['b16', 'h16', 'ids', 'mask', 'scalar', 'w32', 'w64']);
    for (const [name, f] of Object.entries(floats)) {
      const t = out.tensors.get(name)!;
      expect(t.shape).toEqual(f.shape);
      if (!c.quantized.includes(name)) {
        expect(t.dtype).toBe(f.dtype);
        continue;
      }
      expect(t.dtype).toBe(f.dtype === 'F64' ? 'F64' : 'F32');
      const options = { ...c.options(f.shape), shape: f.shape };
      const expected = f.half ? dequantize(quantizeOriginal(name, options)) : fakeQuantize(f.x, options);
      expect(sameBytes(t.bytes, bytesOf(expected)), `${name} values`).toBe(true);
    }
    expect(out.tensors.get('ids')!.bytes).toEqual(bytesOf(ids));
  });
});

/** True when `bits` is a nearest representable value to v, ties to an even last bit (checked against neighbours). */
function isNearestEven(bits: number, v: number, decode: (b: number) => number): boolean {
  const d = Math.abs(decode(bits) - v);
  for (const n of [bits - 1, bits + 1, bits ^ 0x8000]) {
    if (n < 0 || n > 0xffff || Number.isNaN(decode(n))) continue;
    const dn = Math.abs(decode(n) - v);
    if (dn < d || (dn === d && (bits & 1) === 1 && (n & 1) === 0 && decode(n) !== decode(bits))) return false;
  }
  return true;
}

describe('dequantize --dtype', () => {
  it('writes every dequantized tensor in the dtype asked for; halves round the exact products once', () => {
    const qPath = join(tmp.dir, 'dtype.q.safetensors');
    expect(quant(['quantize', input, '-o', qPath, '--bits', '8']).status).toBe(0);
    for (const [flag, dtype, decode] of [['bf16', 'BF16', bf16ToNumber], ['f16', 'F16', halfToNumber]] as const) {
      const dPath = join(tmp.dir, `dtype.${flag}.safetensors`);
      const r = quant(['dequantize', qPath, '-o', dPath, '--dtype', flag, '--json']);
      expect(r.status, r.stderr).toBe(0);
      const out = readSafetensorsSpec(dPath);
      for (const name of Object.keys(floats)) {
        const t = out.tensors.get(name)!;
        expect(t.dtype, name).toBe(dtype);
        // The exact products (float64 dequantize of what the CLI stored), each rounded once to the half type.
        const x = floats[name]!.x;
        const exact = dequantize(quantizeOriginal(name, { bits: 8, shape: floats[name]!.shape }), new Float64Array(x.length));
        const got = new Uint16Array(t.bytes.slice().buffer);
        for (let i = 0; i < got.length; i++) expect(isNearestEven(got[i]!, exact[i]!, decode), `${name}[${i}]`).toBe(true);
      }
    }
    const bad = quant(['dequantize', qPath, '-o', join(tmp.dir, 'bad.safetensors'), '--dtype', 'f8']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--dtype must be f32, f64, f16 or bf16');
  });
});

describe('dequantize --original-dtype', () => {
  it('rounds F16 and BF16 originals back to their dtype, to nearest even', () => {
    const qPath = join(tmp.dir, 'orig.q.safetensors');
    const dPath = join(tmp.dir, 'orig.d.safetensors');
    expect(quant(['quantize', input, '-o', qPath, '--bits', '4']).status).toBe(0);
    const plain = quant(['dequantize', qPath, '-o', join(tmp.dir, 'plain.safetensors')]);
    expect(plain.stderr).toContain('2 tensor(s) stored as F16/BF16 originally were written as F32');
    const r = quant(['dequantize', qPath, '-o', dPath, '--original-dtype', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, dequantized: 5, copied: 2, widened: [] });
    const out = readSafetensorsSpec(dPath);
    for (const [name, decode] of [['h16', halfToNumber], ['b16', bf16ToNumber]] as const) {
      const t = out.tensors.get(name)!;
      expect(t.dtype).toBe(name === 'h16' ? 'F16' : 'BF16');
      const expected = dequantize(quantizeOriginal(name, { bits: 4, shape: floats[name]!.shape }), new Float64Array(floats[name]!.x.length));
      const got = new Uint16Array(t.bytes.slice().buffer);
      for (let i = 0; i < got.length; i++) expect(isNearestEven(got[i]!, expected[i]!, decode), `${name}[${i}]`).toBe(true);
    }
  });
});
