import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizeEmbeddings, type EmbeddingPrecision, type HalfDType, type QuantizedEmbeddings, type QuantizeEmbeddingsOptions, type ScalarQuantizedEmbeddings } from '@quantkit/quant-core';
import { randomBf16Bits, randomF64, randomHalfBits, sameBytes } from './helpers/data.js';
import { clusteredEmbeddings, readEmbeddingsFile, type EmbeddingsFile } from './helpers/embeddings.js';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';
import { bytesOf, writeNpySpec, writeSafetensorsSpec } from './helpers/spec-files.js';

/*
 * `quant embeddings`: the file it writes, read back with the independent reader, must hold exactly what
 * quantizeEmbeddings gives for the whole tensor, however many batches the CLI used.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const ROWS = 50;
const DIM = 13; // not a multiple of 8: binary rows end in padding bits

const x32 = clusteredEmbeddings(ROWS, DIM, 1, { normalize: false });
x32[0] = 0; // the two thresholds differ on zeros
x32[1] = -0;
const h16 = randomHalfBits(ROWS * DIM, 3);
const b16 = randomBf16Bits(ROWS * DIM, 4);
const x64 = randomF64(ROWS * DIM, 5);
const cal32 = clusteredEmbeddings(20, DIM, 6);
const cal64 = randomF64(20 * DIM, 7, 1);

function columnMajor(x: Float32Array, rows: number, dim: number): Float32Array {
  return Float32Array.from({ length: x.length }, (_, i) => x[(i % rows) * dim + Math.floor(i / rows)]!);
}

function bigEndian(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length * 4);
  const view = new DataView(out.buffer);
  x.forEach((v, i) => view.setFloat32(4 * i, v, false));
  return out;
}

const file = (name: string): string => join(tmp.dir, name);
const npy = (name: string, descr: string, data: Uint8Array, shape = [ROWS, DIM], fortranOrder = false): void => writeNpySpec(file(name), { descr, fortranOrder, shape, data });
npy('x32.npy', '<f4', bytesOf(x32));
npy('x32-fortran.npy', '<f4', bytesOf(columnMajor(x32, ROWS, DIM)), [ROWS, DIM], true);
npy('x32-big-endian.npy', '>f4', bigEndian(x32));
npy('cal32.npy', '<f4', bytesOf(cal32), [20, DIM]);
npy('cal64.npy', '<f8', bytesOf(cal64), [20, DIM]);
npy('empty.npy', '<f4', new Uint8Array(0), [0, DIM]);
const withNaN = x32.map((v, i) => (i % DIM === 4 ? NaN : v));
npy('nan-dimension.npy', '<f4', bytesOf(withNaN));
npy('cal-nan-dimension.npy', '<f4', bytesOf(cal32.map((v, i) => (i % DIM === 4 ? NaN : v))), [20, DIM]);
writeSafetensorsSpec(file('model.safetensors'), [
  { name: 'h16', dtype: 'F16', shape: [ROWS, DIM], bytes: bytesOf(h16) },
  { name: 'ids', dtype: 'I64', shape: [4], bytes: bytesOf(new BigInt64Array(4)) },
  { name: 'b16', dtype: 'BF16', shape: [ROWS, DIM], bytes: bytesOf(b16) },
  { name: 'x64', dtype: 'F64', shape: [ROWS, DIM], bytes: bytesOf(x64) },
]);
writeSafetensorsSpec(file('only-x64.safetensors'), [{ name: 'emb', dtype: 'F64', shape: [ROWS, DIM], bytes: bytesOf(x64) }]);

/** The inputs: where the CLI reads them, and what the library is given for the whole tensor. */
const INPUTS: Record<string, { args: string[]; values: Float32Array | Float64Array | Uint16Array; dtype?: HalfDType; source: string }> = {
  F32: { args: [file('x32.npy')], values: x32, source: 'F32' },
  F16: { args: [file('model.safetensors'), '--tensor', 'h16'], values: h16, dtype: 'float16', source: 'F16' },
  BF16: { args: [file('model.safetensors'), '--tensor', 'b16'], values: b16, dtype: 'bfloat16', source: 'BF16' },
  F64: { args: [file('only-x64.safetensors')], values: x64, source: 'F64' },
};

const PRECISIONS: EmbeddingPrecision[] = ['int8', 'uint8', 'binary', 'ubinary'];

let outputs = 0;
function run(args: string[]): { status: number | null; stdout: string; stderr: string; output: string } {
  const output = file(`out-${outputs++}.safetensors`);
  return { ...quant(['embeddings', ...args, '-o', output]), output };
}

/** The file holds q: its codes, ranges and steps bit for bit, and its settings in the metadata. */
function expectFileHolds(f: EmbeddingsFile, q: QuantizedEmbeddings, source: string): void {
  expect(f.codes.dtype).toBe(q.precision === 'int8' || q.precision === 'binary' ? 'I8' : 'U8');
  expect(f.codes.shape).toEqual([q.rows, q.bytesPerRow]);
  expect(sameBytes(f.codes.data, q.data)).toBe(true);
  const m = f.metadata;
  expect(m['quantkit.format']).toBe('quantkit.embeddings.v1');
  expect(m['quantkit.version']).toMatch(/^\d+\.\d+\.\d+/);
  expect(m['quantkit.embeddings.precision']).toBe(q.precision);
  expect(m['quantkit.embeddings.dim']).toBe(String(q.dim));
  expect(m['quantkit.embeddings.source_dtype']).toBe(source);
  if (q.precision === 'binary' || q.precision === 'ubinary') {
    expect(f.names).toEqual(['codes']);
    expect([m['quantkit.embeddings.bit_order'], m['quantkit.embeddings.threshold']]).toEqual([q.bitOrder, q.threshold]);
    return;
  }
  const s = q as ScalarQuantizedEmbeddings;
  expect(f.names).toEqual(['ranges', 'steps', 'codes']);
  const dtype = s.dtype === 'float32' ? 'F32' : 'F64';
  expect(f.ranges!.dtype).toBe(dtype);
  expect(f.ranges!.shape).toEqual([2, q.dim]);
  expect(f.steps!.shape).toEqual([q.dim]);
  expect(sameBytes(f.ranges!.min, s.min)).toBe(true);
  expect(sameBytes(f.ranges!.max, s.max)).toBe(true);
  expect(sameBytes(f.steps!.data, s.steps)).toBe(true);
  expect(m['quantkit.embeddings.int8_rounding']).toBe(s.int8Rounding);
}

describe('quant embeddings: the file equals quantizeEmbeddings of the whole tensor', () => {
  for (const [name, input] of Object.entries(INPUTS)) {
    for (const precision of PRECISIONS) {
      it(`${precision}, ${name} input, in batches of 7 rows`, () => {
        const r = run([...input.args, '--precision', precision, '--batch-rows', '7']);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const whole = quantizeEmbeddings(input.values, { dim: DIM, precision, ...(input.dtype ? { dtype: input.dtype } : {}) });
        expectFileHolds(readEmbeddingsFile(r.output), whole, input.source);
        expect(readEmbeddingsFile(r.output).metadata['quantkit.embeddings.ranges_from']).toBe(precision.endsWith('int8') ? 'embeddings' : undefined);
      });
    }
  }

  const OPTIONS: [string[], Partial<QuantizeEmbeddingsOptions> & { precision: EmbeddingPrecision }][] = [
    [['--precision', 'int8', '--int8-rounding', 'toward-zero'], { precision: 'int8', int8Rounding: 'toward-zero' }],
    [['--precision', 'binary', '--bit-order', 'lsb', '--threshold', 'nonnegative'], { precision: 'binary', bitOrder: 'lsb', threshold: 'nonnegative' }],
    [['--precision', 'ubinary', '--threshold', 'nonnegative'], { precision: 'ubinary', threshold: 'nonnegative' }],
  ];
  for (const [args, options] of OPTIONS) {
    it(`${args.join(' ')}`, () => {
      const r = run([file('x32.npy'), ...args, '--batch-rows', '3']);
      expect(r.status).toBe(0);
      expectFileHolds(readEmbeddingsFile(r.output), quantizeEmbeddings(x32, { dim: DIM, ...options }), 'F32');
    });
  }

  it('gives the same bytes whatever the batch size, and for Fortran-ordered and big-endian .npy input', () => {
    const files = [
      run([file('x32.npy'), '--precision', 'int8']),
      run([file('x32.npy'), '--precision', 'int8', '--batch-rows', '1']),
      run([file('x32.npy'), '--precision', 'int8', '--batch-rows', '49']),
      run([file('x32-fortran.npy'), '--precision', 'int8', '--batch-rows', '6']),
      run([file('x32-big-endian.npy'), '--precision', 'int8', '--batch-rows', '11']),
    ].map((r) => {
      expect(r.status).toBe(0);
      return readFileSync(r.output);
    });
    for (const f of files.slice(1)) expect(f.equals(files[0]!)).toBe(true);
  });
});

describe('--calibration', () => {
  const CASES: [string, string[], () => QuantizedEmbeddings][] = [
    ['F32 rows for F32 input (int8)', [file('x32.npy'), '--precision', 'int8', '--calibration', file('cal32.npy')], () => quantizeEmbeddings(x32, { dim: DIM, precision: 'int8', calibration: cal32 })],
    ['F64 rows for F16 input (uint8)', [file('model.safetensors'), '--tensor', 'h16', '--precision', 'uint8', '--calibration', file('cal64.npy')], () => quantizeEmbeddings(h16, { dim: DIM, precision: 'uint8', dtype: 'float16', calibration: cal64 })],
    ['an empty input: no rows, the calibration ranges', [file('empty.npy'), '--precision', 'int8', '--calibration', file('cal32.npy')], () => quantizeEmbeddings(new Float32Array(0), { dim: DIM, precision: 'int8', calibration: cal32 })],
  ];
  for (const [name, args, expected] of CASES) {
    it(name, () => {
      const r = run(args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const f = readEmbeddingsFile(r.output);
      expectFileHolds(f, expected(), args.includes('h16') ? 'F16' : 'F32');
      expect(f.metadata['quantkit.embeddings.ranges_from']).toBe('calibration');
    });
  }

  it('uses the calibration tensor of the same name when the file has it', () => {
    const r = run([file('model.safetensors'), '--tensor', 'x64', '--precision', 'int8', '--calibration', file('model.safetensors')]);
    expect(r.status).toBe(0);
    expectFileHolds(readEmbeddingsFile(r.output), quantizeEmbeddings(x64, { dim: DIM, precision: 'int8', calibration: x64 }), 'F64');
  });
});

describe('errors leave no output', () => {
  /** Runs into an empty directory; nothing may be left there (no output, no temporary file). */
  function failing(args: string[], existing?: string): { status: number | null; stderr: string; left: string[] } {
    const dir = tmp.subdir();
    const output = join(dir, 'out.safetensors');
    if (existing !== undefined) writeFileSync(output, existing);
    const r = quant(['embeddings', ...args, '-o', output, ...(existing !== undefined ? ['--force'] : [])]);
    const left = readdirSync(dir);
    if (existing !== undefined) expect(readFileSync(output, 'utf8')).toBe(existing);
    return { status: r.status, stderr: r.stderr, left: existing !== undefined ? left.filter((f) => f !== 'out.safetensors') : left };
  }

  it('a bad --precision is a usage error', () => {
    const r = failing([file('x32.npy'), '--precision', 'int4']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--precision must be one of int8, uint8, binary, ubinary; got 'int4' [E_USAGE]");
    expect(r.left).toEqual([]);
  });

  it('a dimension with nothing but NaN is the library refusal ERR_QUANT_RANGE, and an existing output is kept', () => {
    for (const existing of [undefined, 'the previous output']) {
      const r = failing([file('nan-dimension.npy'), '--precision', 'int8', '--batch-rows', '8'], existing);
      expect(r.status).toBe(7);
      expect(r.stderr).toMatch(/nan-dimension\.npy: tensor 'nan-dimension': .*dimension 4 has no value other than NaN \(ERR_QUANT_RANGE\) \[E_QUANTIZATION\]/);
      expect(r.left).toEqual([]);
    }
  });

  it('so is a NaN-only dimension of the calibration rows, reported at the calibration file', () => {
    const r = failing([file('x32.npy'), '--precision', 'uint8', '--calibration', file('cal-nan-dimension.npy')]);
    expect(r.status).toBe(7);
    expect(r.stderr).toMatch(/cal-nan-dimension\.npy: .*dimension 4 .*\(ERR_QUANT_RANGE\) \[E_QUANTIZATION\]/);
    expect(r.left).toEqual([]);
  });

  it('an empty input without calibration has no ranges (ERR_QUANT_RANGE)', () => {
    const r = failing([file('empty.npy'), '--precision', 'int8']);
    expect(r.status).toBe(7);
    expect(r.stderr).toContain('(ERR_QUANT_RANGE)');
    expect(r.left).toEqual([]);
  });

  it('refuses options of the other precision family, calibration of another dim, and an ambiguous input', () => {
    npy('cal-wrong-dim.npy', '<f4', bytesOf(new Float32Array(16)), [2, 8]);
    const cases: [string[], number, RegExp][] = [
      [[file('x32.npy'), '--precision', 'binary', '--int8-rounding', 'floor'], 2, /--int8-rounding applies to int8 only/],
      [[file('x32.npy'), '--precision', 'uint8', '--int8-rounding', 'floor'], 2, /--int8-rounding applies to int8 only/],
      [[file('x32.npy'), '--precision', 'int8', '--bit-order', 'lsb'], 2, /--bit-order applies to binary and ubinary only/],
      [[file('x32.npy'), '--precision', 'ubinary', '--calibration', file('cal32.npy')], 2, /--calibration applies to int8 and uint8 only/],
      [[file('x32.npy'), '--precision', 'int8', '--batch-rows', '0'], 2, /--batch-rows must be in 1\.\./],
      [[file('model.safetensors'), '--precision', 'int8'], 2, /holds 3 2-D float tensors \('h16' F16 \[50, 13\], 'b16' BF16 \[50, 13\], 'x64' F64 \[50, 13\]\): choose one with --tensor \[E_USAGE\]/],
      [[file('model.safetensors'), '--tensor', 'ids', '--precision', 'int8'], 5, /tensor 'ids': is I64; embeddings must be F32, F64, F16 or BF16 \[E_UNSUPPORTED_DTYPE\]/],
      [[file('model.safetensors'), '--tensor', 'nope', '--precision', 'int8'], 3, /has no tensor 'nope'.*\[E_NO_INPUTS\]/],
      // The calibration file has no tensor named --tensor 'emb' and three 2-D float ones: it needs a choice.
      [[file('only-x64.safetensors'), '--tensor', 'emb', '--precision', 'int8', '--calibration', file('model.safetensors')], 2, /model\.safetensors: holds 3 2-D float tensors .*choose one with --tensor \[E_USAGE\]/],
      [[file('x32.npy'), '--precision', 'int8', '--calibration', file('cal-wrong-dim.npy')], 4, /the calibration rows have dim 8; the embeddings have dim 13 \[E_SHAPE_MISMATCH\]/],
    ];
    for (const [args, status, message] of cases) {
      const r = failing(args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.status, args.join(' ')).toBe(status);
      expect(r.left).toEqual([]);
    }
  });

  it('refuses a dim above 65536 (ERR_QUANT_LIMIT) before writing anything', () => {
    npy('wide.npy', '<f4', new Uint8Array(4 * 65537), [1, 65537]);
    const r = failing([file('wide.npy'), '--precision', 'binary']);
    expect(r.status).toBe(7);
    expect(r.stderr).toContain('(ERR_QUANT_LIMIT) [E_LIMIT]');
    expect(r.left).toEqual([]);
  });

  it('refuses to quantize its own output again', () => {
    const first = run([file('x32.npy'), '--precision', 'int8']);
    const r = failing([first.output, '--precision', 'int8']);
    expect(r.status).toBe(5);
    expect(r.stderr).toContain('is already quantized (quantkit.embeddings.v1)');
  });
});

describe('output', () => {
  it('prints one line, or a JSON summary with --json', () => {
    const line = run([file('x32.npy'), '--precision', 'binary']);
    expect(line.stdout).toMatch(/x32\.npy -> .*out-\d+\.safetensors: 50 x 13 F32 -> binary \(2 bytes a row\), [\d.]+ (B|KiB)\n$/);
    const json = run([file('x32.npy'), '--precision', 'int8', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ command: 'embeddings', ok: true, rows: 50, dim: 13, settings: { precision: 'int8', int8Rounding: 'floor' }, bytesPerRow: 13, rangesFrom: 'embeddings' });
    expect(run([file('x32.npy'), '--precision', 'int8', '--quiet']).stdout).toBe('');
  });
});
