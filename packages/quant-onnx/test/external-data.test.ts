import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxErrorCodes, quantizeOnnxFile, quantizeOnnxModelWithReport, type QuantizeOnnxOptions } from '../src/index.js';
import { forEachGraph } from '../src/graph-walk.js';
import { decodeOnnxModel } from '../src/model-io.js';
import { writeWithExternalData } from './helpers/external-model.js';
import { mlp, transformerBlock } from './helpers/models.js';
import { runModel } from './helpers/ort.js';

/*
 * External data: a model saved as .onnx + .onnx_data is quantized from its files; the output is written with its own
 * external data file and must be, tensor for tensor, the model the in-memory path makes, and load in onnxruntime-node
 * from its file. Bad references are refused with their codes, and no output file is left behind.
 */

const root = mkdtempSync(join(tmpdir(), 'quant-onnx-external-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

function folder(): string {
  const dir = join(root, `case${counter++}`);
  mkdirSync(dir);
  return dir;
}

const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('models with external data', () => {
  it.each<[string, QuantizeOnnxOptions]>([
    ['qdq', {}],
    ['qdq int4 blocks', { bits: 4, granularity: 'block' }],
    ['matmul-nbits', { mode: 'matmul-nbits' }],
    ['dynamic', { mode: 'dynamic' }],
  ])('%s: the output (with its own data file) computes what the in-memory quantization of the same model computes', async (_label, options) => {
    const m = transformerBlock(21);
    const dir = folder();
    const input = writeWithExternalData(m.bytes, dir, 'model.onnx');
    const output = join(dir, 'out', 'model_q.onnx');
    mkdirSync(join(dir, 'out'));
    const report = await quantizeOnnxFile(input, output, options);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['model_q.onnx', 'model_q.onnx_data']);
    expect(report.externalData?.location).toBe('model_q.onnx_data');
    expect(report.outputBytes).toBe(readFileSync(output).byteLength + readFileSync(`${output}_data`).byteLength);
    // Payloads of 1 KiB or more are external in the output; the .onnx itself holds the graph only.
    let inline = 0;
    forEachGraph(decodeOnnxModel(new Uint8Array(readFileSync(output))).graph!, (g) => g.initializer.forEach((t) => (inline = Math.max(inline, t.rawData.byteLength))));
    expect(inline).toBeLessThan(1024);
    const memory = quantizeOnnxModelWithReport(m.bytes, options);
    expect(report.weights).toEqual(memory.report.weights);
    expect(bitsOf((await runModel(output, m.feeds)).y!)).toEqual(bitsOf((await runModel(memory.model, m.feeds)).y!));
  });

  it('a model with external data in a subfolder and several files', async () => {
    const m = mlp(13);
    const dir = folder();
    mkdirSync(join(dir, 'weights'));
    const input = writeWithExternalData(m.bytes, dir, 'model.onnx', 'weights/model.bin');
    const report = await quantizeOnnxFile(input, join(dir, 'q.onnx'));
    expect(report.weights.map((w) => w.name)).toEqual(['fc1.weight', 'fc2.weight']);
    expect(bitsOf((await runModel(join(dir, 'q.onnx'), m.feeds)).y!)).toEqual(bitsOf((await runModel(quantizeOnnxModelWithReport(m.bytes).model, m.feeds)).y!));
  });
});

describe('bad external data: a stable code, and no output left behind', () => {
  async function refused(prepare: (dir: string, input: string) => void, code: string, dataName?: string): Promise<void> {
    const dir = folder();
    const input = writeWithExternalData(mlp(13).bytes, dir, 'model.onnx', dataName);
    prepare(dir, input);
    const before = readdirSync(dir).sort();
    await expect(quantizeOnnxFile(input, join(dir, 'out.onnx'))).rejects.toMatchObject({ code });
    expect(readdirSync(dir).sort()).toEqual(before);
  }

  it('the data file is missing: E_ONNX_EXTERNAL_DATA_MISSING', () => refused((dir) => rmSync(join(dir, 'model.onnx_data')), OnnxErrorCodes.EXTERNAL_DATA_MISSING));
  it('the data file is shorter than declared: E_ONNX_EXTERNAL_DATA_SHORT', () => refused((dir) => truncateSync(join(dir, 'model.onnx_data'), 1000), OnnxErrorCodes.EXTERNAL_DATA_SHORT));
  it('a location leading out of the folder: E_ONNX_EXTERNAL_DATA_PATH', async () => {
    const outside = folder();
    writeFileSync(join(outside, 'secret.bin'), new Uint8Array(1 << 20));
    await refused(() => undefined, OnnxErrorCodes.EXTERNAL_DATA_PATH, `../${outside.split('/').pop()}/secret.bin`);
  });
  it('an absolute location: E_ONNX_EXTERNAL_DATA_PATH', () => refused(() => undefined, OnnxErrorCodes.EXTERNAL_DATA_PATH, join(root, 'abs.bin')));
  it('a symlink leading out of the folder: E_ONNX_EXTERNAL_DATA_PATH', async () => {
    const outside = folder();
    await refused((dir) => {
      writeFileSync(join(outside, 'real.bin'), readFileSync(join(dir, 'model.onnx_data')));
      rmSync(join(dir, 'model.onnx_data'));
      symlinkSync(join(outside, 'real.bin'), join(dir, 'model.onnx_data'));
    }, OnnxErrorCodes.EXTERNAL_DATA_PATH);
  });
  it('given as bytes (no folder to read from): E_ONNX_EXTERNAL_DATA', () => {
    const dir = folder();
    const input = writeWithExternalData(mlp(13).bytes, dir, 'model.onnx');
    expect(() => quantizeOnnxModelWithReport(new Uint8Array(readFileSync(input)))).toThrow(expect.objectContaining({ code: OnnxErrorCodes.EXTERNAL_DATA }));
  });
});
