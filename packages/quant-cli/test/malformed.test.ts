import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, readSafetensorsSpec, writeSafetensorsSpec } from './helpers/spec-files.js';

/*
 * Every kind of bad input, as a real file on disk: the run must fail with the documented exit status and error code,
 * name the file (and the tensor when there is one), and leave no output and no temporary file behind.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const FIXTURES = fileURLToPath(new URL('./fixtures/npy/', import.meta.url));
let counter = 0;

/** A safetensors file from a header object and a data buffer, written verbatim (so it can be wrong). */
function rawSafetensors(header: unknown, data: Uint8Array, headerText = JSON.stringify(header), declaredLength?: number): string {
  const path = join(tmp.dir, `bad-${counter++}.safetensors`);
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  writeFileSync(path, out);
  return path;
}

const f32 = (n: number): Uint8Array => bytesOf(Float32Array.from({ length: n }, (_, i) => i - 1));

function expectFailure(args: string[], status: number, code: string, mentions: string[]): void {
  const outDir = join(tmp.dir, `out-${counter++}`);
  mkdirSync(outDir);
  const r = quant([...args, '-o', join(outDir, 'result.safetensors')]);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`[${code}]`);
  for (const m of mentions) expect(r.stderr).toContain(m);
  expect(r.status).toBe(status);
  expect(readdirSync(outDir)).toEqual([]); // no output, no temporary file
}

describe('malformed safetensors', () => {
  it('truncated data', () => {
    const path = rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } }, f32(5));
    expectFailure(['quantize', path], 4, 'E_TRUNCATED', [path, "tensor 'b'", 'truncated']);
  });

  it('a header length beyond the file', () => {
    const path = rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(2), undefined, 1_000_000);
    expectFailure(['quantize', path], 4, 'E_HEADER_LENGTH', [path, 'header length 1000000']);
  });

  it('a file shorter than the header length field', () => {
    const path = join(tmp.dir, 'tiny.safetensors');
    writeFileSync(path, Uint8Array.of(1, 2, 3));
    expectFailure(['quantize', path], 4, 'E_TRUNCATED', [path]);
  });

  it('invalid header JSON', () => {
    const path = rawSafetensors(null, f32(2), '{"a": {"dtype": "F32", "shape": [2], ');
    expectFailure(['quantize', path], 4, 'E_HEADER_JSON', [path, 'not valid UTF-8 JSON']);
  });

  it('tensor offsets out of bounds', () => {
    const path = rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [1000, 1008] } }, f32(4));
    expectFailure(['quantize', path], 4, 'E_OFFSETS', [path, "tensor 'b'", 'outside']);
  });

  it('overlapping tensors', () => {
    const path = rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(3));
    expectFailure(['quantize', path], 4, 'E_OFFSETS', [path, "tensor 'b'", "overlap tensor 'a'"]);
  });

  it('a hole between tensors and bytes after the last one', () => {
    const hole = rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [12, 20] } }, f32(5));
    expectFailure(['quantize', hole], 4, 'E_OFFSETS', [hole, "tensor 'b'", 'no holes']);
    const tail = rawSafetensors({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(3));
    expectFailure(['quantize', tail], 4, 'E_OFFSETS', [tail, '4 bytes after the last tensor']);
  });

  it('a shape whose product disagrees with the byte length', () => {
    const path = rawSafetensors({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, f32(4));
    expectFailure(['quantize', path], 4, 'E_SHAPE_MISMATCH', [path, "tensor 'w'", 'shape [3] of F32 needs 12 bytes']);
  });

  it('an unsupported dtype', () => {
    const path = rawSafetensors({ w: { dtype: 'Q4_K', shape: [4], data_offsets: [0, 16] } }, f32(4));
    expectFailure(['quantize', path], 5, 'E_UNSUPPORTED_DTYPE', [path, "tensor 'w'", "'Q4_K'"]);
  });

  it('a header entry that is not an object of dtype, shape and offsets', () => {
    const path = rawSafetensors({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 16] } }, f32(4));
    expectFailure(['quantize', path], 4, 'E_HEADER', [path, "tensor 'w'", "'shape'"]);
  });
});

describe('malformed and unsupported .npy files', () => {
  const cases: [string, number, string, string[]][] = [
    ['object.npy', 5, 'E_OBJECT_ARRAY', ["tensor 'object'", "'|O'"]],
    ['complex.npy', 5, 'E_UNSUPPORTED_DTYPE', ["'<c8'"]],
    ['structured.npy', 5, 'E_UNSUPPORTED_DTYPE', ['structured dtype']],
    ['truncated.npy', 4, 'E_TRUNCATED', ["tensor 'truncated'", 'needs 40 data bytes but the file holds 32']],
    ['trailing.npy', 4, 'E_SHAPE_MISMATCH', ['holds 8 bytes but the file has 12']],
    ['bad_header.npy', 4, 'E_HEADER', ['invalid .npy header']],
    ['header_length.npy', 4, 'E_HEADER_LENGTH', ['header length 5000']],
    ['bad_magic.npy', 4, 'E_BAD_MAGIC', ['not a .npy file']],
  ];
  it.each(cases)('%s', (file, status, code, mentions) => {
    const path = join(FIXTURES, file);
    expectFailure(['quantize', path], status, code, [path, ...mentions]);
  });
});

describe('paths and data the CLI refuses', () => {
  it('a path that does not exist, or is not a regular file', () => {
    expectFailure(['quantize', join(tmp.dir, 'missing.npy')], 3, 'E_NOT_FOUND', ['missing.npy']);
    expectFailure(['quantize', '/dev/null'], 3, 'E_NOT_A_FILE', ['/dev/null', 'not a regular file']);
    const r = quant(['inspect', tmp.dir]);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('[E_NOT_A_FILE]');
    const d = quant(['dequantize', tmp.dir, '-o', join(tmp.dir, 'x.safetensors')]);
    expect(d.status).toBe(3);
    expect(existsSync(join(tmp.dir, 'x.safetensors'))).toBe(false);
  });

  it('a directory without inputs', () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    expectFailure(['quantize', empty], 3, 'E_NO_INPUTS', [empty]);
  });

  it('data the library cannot quantize (an infinity) names the tensor', () => {
    const path = join(tmp.dir, 'inf.safetensors');
    writeSafetensorsSpec(path, [
      { name: 'ok', dtype: 'F32', shape: [2], bytes: bytesOf(Float32Array.of(1, 2)) },
      { name: 'bad', dtype: 'F32', shape: [2], bytes: bytesOf(Float32Array.of(1, Infinity)) },
    ]);
    expectFailure(['quantize', path], 7, 'E_QUANTIZATION', [path, "tensor 'bad'", 'ERR_QUANT_RANGE']);
  });

  it('an axis the tensor does not have', () => {
    const path = join(tmp.dir, 'axis.safetensors');
    writeSafetensorsSpec(path, [{ name: 'v', dtype: 'F32', shape: [4], bytes: f32(4) }]);
    expectFailure(['quantize', path, '--granularity', 'channel', '--axis', '1'], 7, 'E_QUANTIZATION', ["tensor 'v'", 'axis 1 is out of range']);
  });

  it('dequantize: codes whose dtype disagrees with the metadata', () => {
    const q = join(tmp.dir, 'good.q.safetensors');
    const src = join(tmp.dir, 'good.safetensors');
    writeSafetensorsSpec(src, [{ name: 'w', dtype: 'F32', shape: [4], bytes: f32(4) }]);
    expect(quant(['quantize', src, '-o', q]).status).toBe(0);
    const st = readSafetensorsSpec(q);
    // Same bytes, but the codes declared I8 while the metadata says affine 8-bit (U8).
    const tensors = [...st.tensors].map(([name, t]) => ({ name, ...t, dtype: name === 'w' ? 'I8' : t.dtype }));
    const bad = join(tmp.dir, 'mismatch.safetensors');
    writeSafetensorsSpec(bad, tensors, st.metadata);
    expectFailure(['dequantize', bad], 4, 'E_DTYPE_MISMATCH', [bad, "tensor 'w'", "'w' is I8", 'need U8']);
    expectFailure(['dequantize', src], 5, 'E_NOT_QUANTIZED', [src]);
    expectFailure(['quantize', q], 5, 'E_ALREADY_QUANTIZED', [q]);
  });

  it('usage errors exit with 2', () => {
    const src = join(tmp.dir, 'good.safetensors');
    for (const args of [
      ['quantize', src],
      ['quantize', '-o', 'x.safetensors'],
      ['quantize', src, '-o', 'x.safetensors', '--packed'],
      ['quantize', src, '-o', 'x.safetensors', '--bits', '17'],
      ['quantize', src, '-o', 'x.safetensors', '--granularity', 'row'],
      ['quantize', src, '-o', 'x.safetensors', '--axis', '0'],
      ['quantize', src, '-o', 'x.safetensors', '--frobnicate'],
      ['frobnicate'],
      [],
    ]) {
      const r = quant(args, { cwd: tmp.dir });
      expect(r.status, args.join(' ')).toBe(2);
    }
    expect(existsSync(join(tmp.dir, 'x.safetensors'))).toBe(false);
  });
});
