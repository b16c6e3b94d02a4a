import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnnxCommand } from '../src/cli.js';
import { quantizeOnnxModelWithReport } from '../src/index.js';
import { decodeOnnxModel } from '../src/model-io.js';
import { fakeQuantizedModel } from './helpers/fake-quantized.js';
import { writeWithExternalData } from './helpers/external-model.js';
import { cnn, mlp, transformerBlock } from './helpers/models.js';
import { runModel } from './helpers/ort.js';

const dir = mkdtempSync(join(tmpdir(), 'quant-onnx-cli2-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function run(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runOnnxCommand(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { status, stdout, stderr };
}

function fresh(): string {
  const folder = join(dir, `c${n++}`);
  mkdirSync(folder);
  return folder;
}

const opTypes = (bytes: Uint8Array) => new Set(decodeOnnxModel(bytes).graph!.node.map((node) => node.opType));

describe('quant onnx --transformers-js <dir>', () => {
  it('writes q8 / int8 / uint8 / q4 / fp16 / q4f16 beside every model of onnx/, with external data where the model has it', async () => {
    const root = fresh();
    const onnx = join(root, 'onnx');
    mkdirSync(onnx);
    writeWithExternalData(transformerBlock(13).bytes, onnx, 'decoder_model.onnx');
    writeFileSync(join(onnx, 'encoder_model.onnx'), cnn(13).bytes);
    writeFileSync(join(onnx, 'encoder_model_bnb4.onnx'), 'a variant: never quantized again');
    const r = await run('--transformers-js', root);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    const files = readdirSync(onnx).sort();
    for (const stem of ['decoder_model', 'encoder_model']) for (const s of ['quantized', 'int8', 'uint8']) expect(files).toContain(`${stem}_${s}.onnx`);
    expect(files).toContain('decoder_model_q4.onnx');
    expect(files).toContain('decoder_model_q4.onnx_data');
    for (const f of ['decoder_model_fp16.onnx', 'decoder_model_fp16.onnx_data', 'decoder_model_q4f16.onnx', 'decoder_model_q4f16.onnx_data', 'encoder_model_fp16.onnx']) expect(files).toContain(f);
    expect(files).not.toContain('encoder_model_q4f16.onnx');
    expect(r.stdout).toMatch(/q4f16: .*encoder_model\.onnx: no q4f16 variant/);
    // The CNN has no MatMul: no q4 variant, said so.
    expect(files).not.toContain('encoder_model_q4.onnx');
    expect(r.stdout).toMatch(/q4: .*encoder_model\.onnx: no q4 variant/);
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
    // q8 of a model with a Conv takes uint8 weights (transformers.js's rule); without one, int8.
    const encoder = decodeOnnxModel(new Uint8Array(readFileSync(join(onnx, 'encoder_model_quantized.onnx'))));
    expect(encoder.graph!.initializer.find((t) => t.name === 'conv1.weight_quantized')!.dataType).toBe(2); // UINT8
    expect(opTypes(new Uint8Array(readFileSync(join(onnx, 'decoder_model_quantized.onnx'))))).toContain('MatMulInteger');
    expect(opTypes(new Uint8Array(readFileSync(join(onnx, 'decoder_model_q4.onnx'))))).toContain('MatMulNBits');
    expect(opTypes(new Uint8Array(readFileSync(join(onnx, 'decoder_model_q4f16.onnx'))))).toEqual(new Set(['Gather', 'MatMulNBits', 'Transpose', 'MatMul', 'Mul', 'Softmax', 'Add', 'Relu', 'Reshape', 'Gemm', 'Cast']));
    expect(opTypes(new Uint8Array(readFileSync(join(onnx, 'encoder_model_fp16.onnx'))))).toContain('Cast');
    // A second run refuses to replace anything without --force, before writing anything.
    const again = await run('--transformers-js', root);
    expect(again).toMatchObject({ status: 6, stderr: expect.stringContaining('E_OUTPUT_EXISTS') });
    expect((await run('--transformers-js', root, '--force')).status).toBe(0);
  });

  it('usage errors: with an input or -o, with --mode; an empty folder: exit 3', async () => {
    const root = fresh();
    expect((await run('--transformers-js', root, 'model.onnx')).status).toBe(2);
    expect((await run('--transformers-js', root, '--mode', 'qdq')).status).toBe(2);
    expect((await run('--transformers-js', root, '--block-size', '48')).status).toBe(2);
    expect(await run('--transformers-js', root)).toMatchObject({ status: 3, stderr: expect.stringContaining('E_NOT_FOUND') });
  });
});

describe('quant onnx --report, --calibrate', () => {
  it.each(['json', 'md', 'html'])('--report writes the per-tensor error table (.%s)', async (ext) => {
    const folder = fresh();
    const input = join(folder, 'model.onnx');
    writeFileSync(input, mlp(13).bytes);
    const report = join(folder, `errors.${ext}`);
    const r = await run(input, '-o', join(folder, 'q.onnx'), '--mode', 'matmul-nbits', '--report', report);
    expect(r.status).toBe(0);
    const text = readFileSync(report, 'utf8');
    if (ext === 'json') {
      const rows = JSON.parse(text) as { name: string; readBy: string; error: { sqnrDb: number; cosine: number } }[];
      expect(rows.map((row) => [row.name, row.readBy])).toEqual([['fc1.weight', 'MatMulNBits'], ['fc2.weight', 'MatMulNBits']]);
      for (const row of rows) expect(row.error.sqnrDb).toBeGreaterThan(15); // 4-bit blocks of 32 on normal weights: ~20 dB
    } else {
      expect(text).toContain('fc1.weight');
      expect(text).toContain(ext === 'html' ? '<table>' : '| tensor |');
    }
  });

  it('--report with another extension: exit 2, nothing written', async () => {
    const folder = fresh();
    const input = join(folder, 'model.onnx');
    writeFileSync(input, mlp(13).bytes);
    expect((await run(input, '-o', join(folder, 'q.onnx'), '--report', join(folder, 'r.txt'))).status).toBe(2);
    expect(readdirSync(folder)).toEqual(['model.onnx']);
  });

  it('--calibrate percentile: bit-identical to fakeQuantize with the same calibrator, and a different model than minmax', async () => {
    const folder = fresh();
    const input = join(folder, 'model.onnx');
    const m = mlp(13);
    writeFileSync(input, m.bytes);
    const out = join(folder, 'q.onnx');
    expect((await run(input, '-o', out, '--calibrate', 'percentile:99.9')).status).toBe(0);
    const bytes = new Uint8Array(readFileSync(out));
    const options = { calibrate: 'percentile:99.9' } as const;
    const { model, report } = quantizeOnnxModelWithReport(m.bytes, options);
    expect(bytes).toEqual(model);
    expect(bytes).not.toEqual(quantizeOnnxModelWithReport(m.bytes).model);
    const [q, ref] = await Promise.all([runModel(model, m.feeds), runModel(fakeQuantizedModel(m.bytes, report, options), m.feeds)]);
    expect(new Uint32Array(q.y!.buffer)).toEqual(new Uint32Array(ref.y!.buffer));
    expect((await run(input, '-o', join(folder, 'bad.onnx'), '--calibrate', 'median')).status).toBe(2);
    expect(existsSync(join(folder, 'bad.onnx'))).toBe(false);
  });
});

describe('quant onnx with external data', () => {
  it('a model file over 2 GiB without external data: exit 5, E_ONNX_TOO_LARGE, refused before reading it', async () => {
    const folder = fresh();
    const input = join(folder, 'huge.onnx');
    writeFileSync(input, mlp(13).bytes);
    truncateSync(input, 2 ** 31 + 16); // sparse: no disk is used, and the file is never read
    const r = await run(input, '-o', join(folder, 'q.onnx'));
    expect(r).toMatchObject({ status: 5, stderr: expect.stringContaining('E_ONNX_TOO_LARGE') });
    expect(readdirSync(folder)).toEqual(['huge.onnx']);
  });

  it('writes <out>_data beside the output; a short data file: exit 4 and nothing left behind', async () => {
    const folder = fresh();
    const input = writeWithExternalData(mlp(13).bytes, folder, 'model.onnx');
    const r = await run(input, '-o', join(folder, 'q.onnx'), '--mode', 'dynamic');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/external data q\.onnx_data/);
    expect(readdirSync(folder).sort()).toEqual(['model.onnx', 'model.onnx_data', 'q.onnx', 'q.onnx_data']);
    writeFileSync(join(folder, 'model.onnx_data'), new Uint8Array(100));
    const bad = await run(input, '-o', join(folder, 'q2.onnx'));
    expect(bad).toMatchObject({ status: 4, stderr: expect.stringContaining('E_ONNX_EXTERNAL_DATA_SHORT') });
    expect(readdirSync(folder).sort()).toEqual(['model.onnx', 'model.onnx_data', 'q.onnx', 'q.onnx_data']);
  });
});
