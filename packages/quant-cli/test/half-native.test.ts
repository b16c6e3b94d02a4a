import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantize, parseCalibration, quantize, type HalfDType, type QuantizedTensor, type QuantizeOptions } from '@quantkit/quant-core';
import { randomBf16Bits, randomHalfBits, sameBytes } from './helpers/data.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bf16ToNumber, bytesOf, halfToNumber, readSafetensorsSpec, writeNpySpec, writeSafetensorsSpec, type SpecTensor } from './helpers/spec-files.js';

/*
 * F16 / BF16 tensors go to the library as their bits (docs/SPEC.md §12): the file quant writes holds the codes and the
 * half scales of quantize(bits, { dtype }), and quant dequantize gives exactly the library's dequantize of that tensor.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const SHAPE = [12, 40];
const HALVES: Record<string, { dtype: 'F16' | 'BF16'; half: HalfDType; bits: Uint16Array; decode: (b: number) => number }> = {
  h: { dtype: 'F16', half: 'float16', bits: randomHalfBits(12 * 40, 41), decode: halfToNumber },
  b: { dtype: 'BF16', half: 'bfloat16', bits: randomBf16Bits(12 * 40, 42), decode: bf16ToNumber },
};

const input = join(tmp.dir, 'halves.safetensors');
writeSafetensorsSpec(input, Object.entries(HALVES).map(([name, t]) => ({ name, dtype: t.dtype, shape: SHAPE, bytes: bytesOf(t.bits) })));

const LAYOUTS: Record<string, { args: string[]; options: QuantizeOptions }> = {
  'per tensor': { args: [], options: {} },
  'per channel (symmetric, axis 1)': { args: ['--scheme', 'symmetric', '--granularity', 'channel', '--axis', '1'], options: { scheme: 'symmetric', granularity: { axis: 1 } } },
  'blocked (4-bit packed, blocks of 16)': { args: ['--bits', '4', '--packed', '--block-size', '16'], options: { bits: 4, packed: true, granularity: { axis: 1, blockSize: 16 } } },
  'per tensor, percentile calibration': { args: ['--calibrate', 'percentile:99'], options: { range: parseCalibration('percentile:99') } },
};

/** A scale tensor's values, decoded independently. */
function decodedScales(t: SpecTensor, decode: (b: number) => number): number[] {
  return Array.from(new Uint16Array(t.bytes.slice().buffer), decode);
}

const scaleList = (qt: QuantizedTensor): number[] => (typeof qt.scale === 'number' ? [qt.scale] : Array.from(qt.scale));

describe.each(Object.entries(LAYOUTS))('F16 and BF16 safetensors tensors, %s', (label, layout) => {
  const slug = label.replace(/\W+/g, '-');
  const qPath = join(tmp.dir, `${slug}.q.safetensors`);
  const expected = (name: string): QuantizedTensor => {
    const t = HALVES[name]!;
    return quantize(t.bits, { ...layout.options, shape: SHAPE, dtype: t.half });
  };

  it('are quantized on their bits: format v2, the library codes, scales stored in the original dtype', () => {
    const r = quant(['quantize', input, '-o', qPath, ...layout.args]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = readSafetensorsSpec(qPath);
    expect(out.metadata!['quantkit.format']).toBe('quantkit.safetensors.v2');
    for (const [name, t] of Object.entries(HALVES)) {
      const qt = expected(name);
      expect(qt.dtype).toBe(t.half);
      expect(sameBytes(out.tensors.get(name)!.bytes, bytesOf(qt.data)), `${name} codes`).toBe(true);
      const scale = out.tensors.get(`${name}.scale`)!;
      expect(scale.dtype).toBe(t.dtype);
      expect(decodedScales(scale, t.decode), `${name} scales`).toEqual(scaleList(qt));
      const zps = typeof qt.zeroPoint === 'number' ? [qt.zeroPoint] : Array.from(qt.zeroPoint);
      const zpBytes = out.tensors.get(`${name}.zero_point`)!.bytes;
      expect(Array.from(qt.scheme === 'symmetric' ? new Int8Array(zpBytes.slice().buffer) : zpBytes), `${name} zero points`).toEqual(zps);
    }
  });

  it.each([
    ['the default (F32)', [], 'F32', undefined],
    ['--dtype f32', ['--dtype', 'f32'], 'F32', undefined],
    ['--dtype f16', ['--dtype', 'f16'], 'F16', 'float16'],
    ['--dtype bf16', ['--dtype', 'bf16'], 'BF16', 'bfloat16'],
  ] as const)('dequantize to %s is bit for bit the library dequantize of the same tensor', (_, args, dtype, half) => {
    const dPath = join(tmp.dir, `${slug}.${dtype}${args.length}.safetensors`);
    const r = quant(['dequantize', qPath, '-o', dPath, ...args]);
    expect(r.status, r.stderr).toBe(0);
    const out = readSafetensorsSpec(dPath);
    for (const name of Object.keys(HALVES)) {
      const t = out.tensors.get(name)!;
      expect(t.dtype).toBe(dtype);
      expect(t.shape).toEqual(SHAPE);
      const want = half === undefined ? dequantize(expected(name)) : dequantize(expected(name), { dtype: half });
      expect(sameBytes(t.bytes, bytesOf(want)), `${name} values`).toBe(true);
    }
  });
});

describe('dequantize --original-dtype of half originals', () => {
  it('writes each in its own half type, as the library dequantize to that type', () => {
    const qPath = join(tmp.dir, 'orig.q.safetensors');
    const dPath = join(tmp.dir, 'orig.d.safetensors');
    expect(quant(['quantize', input, '-o', qPath, '--bits', '6']).status).toBe(0);
    expect(quant(['dequantize', qPath, '-o', dPath, '--original-dtype']).status).toBe(0);
    const out = readSafetensorsSpec(dPath);
    for (const [name, t] of Object.entries(HALVES)) {
      const want = dequantize(quantize(t.bits, { bits: 6, dtype: t.half }), { dtype: t.half });
      expect(out.tensors.get(name)!.dtype).toBe(t.dtype);
      expect(sameBytes(out.tensors.get(name)!.bytes, bytesOf(want)), name).toBe(true);
    }
  });
});

describe('.npy float16', () => {
  const bits = randomHalfBits(6 * 5, 43);
  /** Column-major copy of a row-major [6, 5] array. */
  const fortran = Uint16Array.from({ length: 30 }, (_, k) => bits[(k % 6) * 5 + Math.floor(k / 6)]!);
  const swapped = (a: Uint16Array): Uint16Array => a.map((v) => ((v & 0xff) << 8) | (v >> 8));

  it.each([
    ["'<f2', C order", 'le_c', '<f2', false, bits],
    ["'>f2', C order", 'be_c', '>f2', false, swapped(bits)],
    ["'<f2', Fortran order", 'le_f', '<f2', true, fortran],
    ["'>f2', Fortran order", 'be_f', '>f2', true, swapped(fortran)],
  ] as const)('%s is quantized on its row-major little-endian bits, with an F16 scale', (_, name, descr, fortranOrder, data) => {
    const path = join(tmp.dir, `${name}.npy`);
    writeNpySpec(path, { descr, fortranOrder, shape: [6, 5], data: bytesOf(data) });
    const out = join(tmp.dir, `${name}.safetensors`);
    const r = quant(['quantize', path, '-o', out, '--granularity', 'channel']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const st = readSafetensorsSpec(out);
    const qt = quantize(bits, { shape: [6, 5], granularity: { axis: 0 }, dtype: 'float16' });
    expect(sameBytes(st.tensors.get(name)!.bytes, bytesOf(qt.data))).toBe(true);
    expect(st.tensors.get(`${name}.scale`)!.dtype).toBe('F16');
    expect(decodedScales(st.tensors.get(`${name}.scale`)!, halfToNumber)).toEqual(scaleList(qt));
  });
});

describe('.npy raw 2-byte void (how ml_dtypes saves bfloat16)', () => {
  it.each(['|V2', '<V2', 'V2'])("'%s' is refused with E_AMBIGUOUS_DTYPE (exit 5), saying what to do instead", (descr) => {
    const path = join(tmp.dir, `void-${descr.charCodeAt(0)}.npy`);
    writeNpySpec(path, { descr, fortranOrder: false, shape: [3], data: bytesOf(randomBf16Bits(3, 44)) });
    for (const args of [['quantize', path, '-o', join(tmp.dir, 'void.safetensors')], ['inspect', path]]) {
      const r = quant(args);
      expect(r.stderr).toContain('[E_AMBIGUOUS_DTYPE]');
      expect(r.stderr).toContain('bfloat16');
      expect(r.stderr).toContain('safetensors BF16');
      expect(r.status).toBe(5);
    }
  });

  it('other void sizes keep their old error, E_UNSUPPORTED_DTYPE', () => {
    const path = join(tmp.dir, 'void4.npy');
    writeNpySpec(path, { descr: '|V4', fortranOrder: false, shape: [1], data: new Uint8Array(4) });
    const r = quant(['inspect', path]);
    expect(r.stderr).toContain('[E_UNSUPPORTED_DTYPE]');
    expect(r.status).toBe(5);
  });
});
