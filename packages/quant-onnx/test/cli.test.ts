import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnnxCommand } from '../src/cli.js';
import { quantizeOnnxModel } from '../src/index.js';
import { mlp } from './helpers/models.js';

const dir = mkdtempSync(join(tmpdir(), 'quant-onnx-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runOnnxCommand(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { status, stdout, stderr };
}

function fresh(name: string, bytes: Uint8Array = mlp(21).bytes): { folder: string; input: string } {
  const folder = join(dir, name);
  mkdirSync(folder);
  const input = join(folder, 'model.onnx');
  writeFileSync(input, bytes);
  return { folder, input };
}

describe('quant onnx', () => {
  it('writes the same bytes as the library and prints a summary', async () => {
    const { folder, input } = fresh('ok');
    const output = join(folder, 'model.int4.onnx');
    const r = await run(input, '-o', output, '--mode', 'qdq', '--bits', '4', '--granularity', 'block', '--block-size', '32', '--scheme', 'affine', '--exclude', 'fc2.*');
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/1 weight\(s\) quantized/);
    expect(r.stdout).toMatch(/fc1\.weight \[256, 512\] float32 -> uint4, blocks of 32 along axis 0, read by DequantizeLinear \(was MatMul\)/);
    expect(r.stdout).toMatch(/skipped fc2\.weight: excluded/);
    const expected = quantizeOnnxModel(mlp(21).bytes, { bits: 4, granularity: 'block', blockSize: 32, scheme: 'affine', exclude: ['fc2.*'] });
    expect(new Uint8Array(readFileSync(output))).toEqual(expected);
    expect(readdirSync(folder).sort()).toEqual(['model.int4.onnx', 'model.onnx']);
  });

  it('--json prints the report; --ops takes a comma-separated list', async () => {
    const { folder, input } = fresh('json');
    const r = await run(input, '-o', join(folder, 'out.onnx'), '--json', '--ops', 'MatMul, Gemm');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).weights.map((w: { name: string }) => w.name)).toEqual(['fc1.weight', 'fc2.weight']);
  });

  it.each([
    ['opset too low', () => fresh('opset', mlp(13).bytes), ['--bits', '4'], 5, 'E_ONNX_OPSET'],
    ['not ONNX', () => fresh('parse', new TextEncoder().encode('hello')), [], 4, 'E_ONNX_PARSE'],
    ['bad option value', () => fresh('option'), ['--granularity', 'row'], 2, 'E_ONNX_OPTION'],
    ['already quantized', () => fresh('again', quantizeOnnxModel(mlp(13).bytes)), [], 5, 'E_ONNX_ALREADY_QUANTIZED'],
  ] as const)('%s: exit %i... and no file left behind', async (_label, setup, extra, status, code) => {
    const { folder, input } = setup();
    const r = await run(input, '-o', join(folder, 'out.onnx'), ...extra);
    expect(r.status).toBe(status);
    expect(r.stderr).toContain(`(${code})`);
    expect(readdirSync(folder)).toEqual(['model.onnx']);
  });

  it('a failed write leaves no temporary file and no output', async () => {
    const { folder, input } = fresh('write');
    const output = join(folder, 'missing-parent', 'file-not-dir');
    writeFileSync(join(folder, 'missing-parent'), 'a file where a directory should be');
    const r = await run(input, '-o', output);
    expect(r.status).not.toBe(0);
    expect(readdirSync(folder).sort()).toEqual(['missing-parent', 'model.onnx']);
  });

  it('refuses to replace an existing file without --force, and the input itself', async () => {
    const { folder, input } = fresh('exists');
    const output = join(folder, 'out.onnx');
    writeFileSync(output, 'keep me');
    expect(await run(input, '-o', output)).toMatchObject({ status: 6, stderr: expect.stringContaining('E_OUTPUT_EXISTS') });
    expect(readFileSync(output, 'utf8')).toBe('keep me');
    expect((await run(input, '-o', output, '--force')).status).toBe(0);
    expect(await run(input, '-o', input, '--force')).toMatchObject({ status: 6, stderr: expect.stringContaining('E_OUTPUT_IS_INPUT') });
  });

  it('usage errors: exit 2; a missing input: exit 3; --help: exit 0', async () => {
    expect((await run('a.onnx')).status).toBe(2);
    expect((await run('a.onnx', 'b.onnx', '-o', 'c.onnx')).status).toBe(2);
    expect((await run('a.onnx', '-o', 'c.onnx', '--bits', 'eight')).status).toBe(2);
    expect((await run('a.onnx', '-o', 'c.onnx', '--unknown')).status).toBe(2);
    const missing = await run(join(dir, 'nope.onnx'), '-o', join(dir, 'out.onnx'));
    expect(missing).toMatchObject({ status: 3, stderr: expect.stringContaining('E_NOT_FOUND') });
    expect(existsSync(join(dir, 'out.onnx'))).toBe(false);
    const help = await run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: quant onnx/);
  });
});
