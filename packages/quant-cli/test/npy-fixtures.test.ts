import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantize, fakeQuantize, quantize } from '@quantkit/quant-core';
import { sameBytes } from './helpers/data.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, f32, f64, halfToNumber, readNpySpec, readSafetensorsSpec, writeNpySpec } from './helpers/spec-files.js';

/*
 * test/fixtures/npy/*.npy were written byte by byte by test/fixtures/npy/make_fixtures.py (python3, struct only, no
 * numpy). The first test checks their bytes against the values the script encodes, with the independent reader, so
 * the fixtures are known to hold what the later tests assume.
 */
const FIXTURES = fileURLToPath(new URL('./fixtures/npy/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

const M23 = [0.5, -1.25, 3.0, 100.0, -0.0078125, 7.5];
const V3 = Array.from({ length: 12 }, (_, i) => i * 0.25);

/** name -> the array in C order as float32/float64 (and float16 bits), its shape and dtype. */
const FLOAT_FIXTURES: Record<string, { values: Float32Array | Float64Array; shape: number[]; dtype: string; f16?: Uint16Array }> = {
  'f4_c_2x3.npy': { values: Float32Array.from(M23), shape: [2, 3], dtype: 'F32' },
  'f4_fortran_2x3.npy': { values: Float32Array.from(M23), shape: [2, 3], dtype: 'F32' },
  'f8_big_3.npy': { values: Float64Array.of(1.5, -2.25, 0.001), shape: [3], dtype: 'F64' },
  'f2_4.npy': { values: Float32Array.of(1, -0.5, 65504, 2 ** -24), shape: [4], dtype: 'F16', f16: Uint16Array.of(0x3c00, 0xb800, 0x7bff, 0x0001) },
  'f4_fortran_big_2x3x2.npy': { values: Float32Array.from(V3), shape: [2, 3, 2], dtype: 'F32' },
  'f8_scalar.npy': { values: Float64Array.of(3.25), shape: [], dtype: 'F64' },
  'f4_v2_3.npy': { values: Float32Array.of(1, 2, -4), shape: [3], dtype: 'F32' },
};

const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

describe('the checked-in .npy fixtures', () => {
  it('hold the values make_fixtures.py encodes', () => {
    const c = readNpySpec(fixture('f4_c_2x3.npy'));
    expect(c).toMatchObject({ descr: '<f4', fortranOrder: false, shape: [2, 3] });
    expect(Array.from(f32(c.data))).toEqual(M23);
    const f = readNpySpec(fixture('f4_fortran_2x3.npy'));
    expect(f).toMatchObject({ descr: '<f4', fortranOrder: true, shape: [2, 3] });
    expect(Array.from(f32(f.data))).toEqual([0.5, 100, -1.25, -0.0078125, 3, 7.5]); // column-major
    const big = readNpySpec(fixture('f8_big_3.npy'));
    expect(big.descr).toBe('>f8');
    const dv = new DataView(big.data.buffer, big.data.byteOffset);
    expect([0, 8, 16].map((o) => dv.getFloat64(o, false))).toEqual([1.5, -2.25, 0.001]);
    expect(Array.from(new Uint16Array(readNpySpec(fixture('f2_4.npy')).data.slice().buffer))).toEqual([0x3c00, 0xb800, 0x7bff, 0x0001]);
    expect(readNpySpec(fixture('f8_scalar.npy')).shape).toEqual([]);
    expect(Array.from(f64(readNpySpec(fixture('f8_scalar.npy')).data))).toEqual([3.25]);
    expect(readFileSync(fixture('f4_v2_3.npy'))[6]).toBe(2);
  });
});

describe('quantizing .npy files', () => {
  it.each(Object.entries(FLOAT_FIXTURES))('%s: codes, scale and zero point equal the library on the C-order values', (file, f) => {
    const out = join(tmp.dir, file.replace('.npy', '.safetensors'));
    const r = quant(['quantize', fixture(file), '-o', out, '--scheme', 'symmetric', '--bits', '8']);
    // 65504 / 127 rounds to the float16 scale 516, so code 127 is 65532: past the largest float16 (range-overflow.ts).
    if (f.f16) expect(r.stderr).toContain("tensor 'f2_4': the range overflows its scale: values at the ends of the range dequantize to ±65532");
    else expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const st = readSafetensorsSpec(out);
    const name = file.replace('.npy', '');
    const options = { scheme: 'symmetric', bits: 8, shape: f.shape } as const;
    // float16 is quantized on its bits, with a float16 scale (stored as an F16 scale tensor).
    const qt = f.f16 ? quantize(f.f16, { ...options, dtype: 'float16' }) : quantize(f.values, options);
    const codes = st.tensors.get(name)!;
    expect(codes).toMatchObject({ dtype: 'I8', shape: f.shape });
    expect(sameBytes(codes.bytes, bytesOf(qt.data))).toBe(true);
    const scale = st.tensors.get(`${name}.scale`)!;
    expect(scale.shape).toEqual([]);
    expect(scale.dtype).toBe(f.dtype);
    if (f.f16) expect(halfToNumber(new Uint16Array(scale.bytes.slice().buffer)[0]!)).toBe(qt.scale);
    else expect(sameBytes(scale.bytes, bytesOf(f.dtype === 'F64' ? Float64Array.of(qt.scale as number) : Float32Array.of(qt.scale as number)))).toBe(true);
    expect(JSON.parse(st.metadata![`quantkit.tensor.${name}`]!)).toMatchObject({ dtype: f.dtype, shape: f.shape });

    const back = join(tmp.dir, file.replace('.npy', '.back.safetensors'));
    expect(quant(['dequantize', out, '-o', back]).status).toBe(0);
    const values = readSafetensorsSpec(back).tensors.get(name)!;
    expect(sameBytes(values.bytes, bytesOf(f.f16 ? dequantize(qt) : fakeQuantize(f.values, options)))).toBe(true);
  });

  it('copies integer .npy arrays through and bundles several files into one output', () => {
    const out = join(tmp.dir, 'bundle.safetensors');
    const r = quant(['quantize', fixture('f4_c_2x3.npy'), fixture('i4_3.npy'), '-o', out]);
    expect(r.status).toBe(0);
    const st = readSafetensorsSpec(out);
    expect([...st.tensors.keys()].sort()).toEqual(['f4_c_2x3', 'f4_c_2x3.scale', 'f4_c_2x3.zero_point', 'i4_3']);
    expect(st.tensors.get('i4_3')).toEqual({ dtype: 'I32', shape: [3], bytes: bytesOf(Int32Array.of(7, -8, 9)) });
  });

  it('reads big-endian Fortran integer arrays into row-major little-endian copies', () => {
    const path = join(tmp.dir, 'i2_big_fortran.npy');
    // 2x3 int16 [[1, 2, 3], [4, 5, 6]] stored column-major, big-endian: 1 4 2 5 3 6
    const data = new Uint8Array(12);
    [1, 4, 2, 5, 3, 6].forEach((v, i) => new DataView(data.buffer).setInt16(2 * i, v, false));
    writeNpySpec(path, { descr: '>i2', fortranOrder: true, shape: [2, 3], data });
    const out = join(tmp.dir, 'i2_big_fortran.safetensors');
    expect(quant(['quantize', path, '-o', out]).status).toBe(0);
    expect(readSafetensorsSpec(out).tensors.get('i2_big_fortran')).toEqual({ dtype: 'I16', shape: [2, 3], bytes: bytesOf(Int16Array.of(1, 2, 3, 4, 5, 6)) });
  });

  it('names a .npy tensor after its path inside a directory when bundling', () => {
    const dir = join(tmp.dir, 'tree');
    const sub = join(dir, 'layer1');
    mkdirSync(sub, { recursive: true });
    copyFileSync(fixture('f4_c_2x3.npy'), join(sub, 'weight.npy'));
    copyFileSync(fixture('f8_big_3.npy'), join(dir, 'bias.npy'));
    const out = join(tmp.dir, 'tree.safetensors');
    const r = quant(['quantize', dir, '-o', out, '--exclude', '*bias']);
    expect(r.status).toBe(0);
    const st = readSafetensorsSpec(out);
    expect(st.tensors.get('layer1.weight')!.dtype).toBe('U8');
    expect(st.tensors.get('bias')).toEqual({ dtype: 'F64', shape: [3], bytes: bytesOf(Float64Array.of(1.5, -2.25, 0.001)) });
  });
});
