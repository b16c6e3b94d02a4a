import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan } from '@quantkit/quant';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnnxCommand } from '../src/cli.js';
import { OnnxError, OnnxErrorCodes, quantizeOnnxModelWithReport, type QuantizeOnnxOptions } from '../src/index.js';
import { fakeQuantizedModel } from './helpers/fake-quantized.js';
import { mlp, transformerBlock } from './helpers/models.js';
import { runModel } from './helpers/ort.js';

/* `plan` / `--plan`: per-tensor choices in @quantkit/quant's plan format, applied to an ONNX model's weights. */

const plan = (tensors: unknown[], extra: Record<string, unknown> = {}) => parsePlan(JSON.stringify({ format: 'quantkit.plan', version: 1, tensors, ...extra }));
const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

function planError(options: QuantizeOnnxOptions, bytes = mlp(21).bytes): OnnxError {
  try {
    quantizeOnnxModelWithReport(bytes, options);
  } catch (e) {
    if (e instanceof OnnxError) return e;
    throw e;
  }
  return expect.fail('no error');
}

describe('plans', () => {
  it('qdq: keep one weight, 4-bit blocks with a calibrator for another, the options for the rest; bit-identical to fakeQuantize', async () => {
    const m = transformerBlock(21);
    const p = plan(
      [
        { name: 'attn.q.weight', keep: true },
        { name: 'mlp.up.weight', scheme: 'symmetric', bits: 4, granularity: 'block', blockSize: 16, calibrator: 'percentile:99.9' },
        { match: 'attn.*', scheme: 'affine', bits: 8, granularity: 'tensor' },
        { match: 'nothing.*', keep: true },
      ],
    );
    const options: QuantizeOnnxOptions = { plan: p };
    const { model, report } = quantizeOnnxModelWithReport(m.bytes, options);
    const byName = new Map(report.weights.map((w) => [w.name, w]));
    expect(report.skipped).toContainEqual({ name: 'attn.q.weight', graph: 'graph', reason: 'plan' });
    expect(byName.get('mlp.up.weight')).toMatchObject({ codeType: 'int4', layout: { granularity: 'block', axis: 0, blockSize: 16 }, calibrator: 'percentile:99.9' });
    expect(byName.get('attn.k.weight')).toMatchObject({ codeType: 'uint8', layout: { granularity: 'tensor' } });
    expect(byName.get('mlp.down.weight')).toMatchObject({ codeType: 'int8', layout: { granularity: 'channel', axis: 1 }, calibrator: 'minmax' });
    expect(report.plan).toEqual({ unmatchedPatterns: ['nothing.*'] });
    const [q, ref] = await Promise.all([runModel(model, m.feeds), runModel(fakeQuantizedModel(m.bytes, report, options), m.feeds)]);
    expect(bitsOf(q.y!)).toEqual(bitsOf(ref.y!));
  });

  it('matmul-nbits: a weight gets 8 bits in blocks of 64; the plan default applies to the others', async () => {
    const m = mlp(13);
    const options: QuantizeOnnxOptions = { mode: 'matmul-nbits', plan: plan([{ name: 'fc2.weight', scheme: 'symmetric', bits: 8, granularity: 'block', blockSize: 64 }], { default: { scheme: 'affine', bits: 4, blockSize: 32 } }) };
    const { model, report } = quantizeOnnxModelWithReport(m.bytes, options);
    expect(report.weights.map((w) => [w.name, w.codeType, w.scheme, w.layout])).toEqual([
      ['fc1.weight', 'uint4', 'affine', { granularity: 'block', axis: 0, blockSize: 32 }],
      ['fc2.weight', 'uint8', 'symmetric', { granularity: 'block', axis: 0, blockSize: 64 }],
    ]);
    const [q, ref] = await Promise.all([runModel(model, m.feeds), runModel(fakeQuantizedModel(m.bytes, report, options), m.feeds)]);
    expect(bitsOf(q.y!)).toEqual(bitsOf(ref.y!));
  });

  it.each<[string, QuantizeOnnxOptions, string]>([
    ['a GGML type', { plan: plan([{ name: 'fc1.weight', format: 'q4_0' }]) }, 'ERR_QUANT_PLAN_NOT_APPLICABLE'],
    ['the pytorch profile', { plan: plan([{ name: 'fc1.weight', profile: 'pytorch' }]) }, 'ERR_QUANT_PLAN_NOT_APPLICABLE'],
    ['a name the model has no weight of', { plan: plan([{ name: 'fc9.weight', keep: true }]) }, 'ERR_QUANT_PLAN_UNKNOWN_TENSOR'],
    ['a choice the mode lacks (per tensor in matmul-nbits)', { mode: 'matmul-nbits', plan: plan([{ name: 'fc1.weight', bits: 4 }]) }, 'ERR_QUANT_PLAN_NOT_APPLICABLE'],
    ['3 bits', { plan: plan([{ name: 'fc1.weight', bits: 3 }]) }, 'ERR_QUANT_PLAN_NOT_APPLICABLE'],
  ])('%s: E_ONNX_PLAN with the plan format code as cause', (_label, options, cause) => {
    const error = planError(options);
    expect(error.code).toBe(OnnxErrorCodes.PLAN);
    expect(error.message).toContain(cause);
  });

  it("a plan's 4-bit choice in an opset-13 model: E_ONNX_OPSET", () => {
    expect(planError({ plan: plan([{ name: 'fc1.weight', bits: 4, scheme: 'symmetric', granularity: 'channel' }]) }, mlp(13).bytes).code).toBe(OnnxErrorCodes.OPSET);
  });
});

describe('quant onnx --plan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quant-onnx-plan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } } };
  };

  it('applies the file; a malformed plan: exit 2, E_ONNX_PLAN, nothing written', async () => {
    writeFileSync(join(dir, 'model.onnx'), mlp(13).bytes);
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ format: 'quantkit.plan', version: 1, tensors: [{ name: 'fc2.weight', keep: true }] }));
    const ok = io();
    expect(await runOnnxCommand([join(dir, 'model.onnx'), '-o', join(dir, 'q.onnx'), '--plan', join(dir, 'plan.json')], ok.io)).toBe(0);
    expect(ok.out.stdout).toMatch(/skipped fc2\.weight: plan/);
    writeFileSync(join(dir, 'bad.json'), '{"format": "quantkit.plan", "version": 1, "tensors": [{"name": "fc1.weight", "bits": 99}]}');
    const bad = io();
    expect(await runOnnxCommand([join(dir, 'model.onnx'), '-o', join(dir, 'q2.onnx'), '--plan', join(dir, 'bad.json')], bad.io)).toBe(2);
    expect(bad.out.stderr).toMatch(/ERR_QUANT_PLAN_ENTRY.*\(E_ONNX_PLAN\)/);
    expect(readdirSync(dir).sort()).toEqual(['bad.json', 'model.onnx', 'plan.json', 'q.onnx']);
  });
});
