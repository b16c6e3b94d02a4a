import { float16ToNumber, numberToFloat16, quantizationError } from '@quantkit/quant';
import { Rng } from '@quantkit/quant-conformance/random';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { quantizeOnnxModelWithReport, readOnnxModel, type OnnxQuantizationReport, type QuantizeOnnxOptions } from '../src/index.js';
import { openWithDefaults } from './helpers/default-session.js';
import { DataType, graph, halfTensor, model, node, tensorValue } from './helpers/build-model.js';
import { dynamicReferenceModel } from './helpers/dynamic-reference.js';
import { expectedModelBytes } from './helpers/expected-size.js';
import { fakeQuantizedModel } from './helpers/fake-quantized.js';
import { cnn, embedding, mlp, oddK, transformerBlock, type TestModel } from './helpers/models.js';
import { runModel } from './helpers/ort.js';

/*
 * Proofs of the 'matmul-nbits' and 'dynamic' modes in onnxruntime-node (optimizations and prepacking off, as proof.test.ts).
 *
 * matmul-nbits: onnxruntime's MatMulNBits (accuracy_level 0) dequantizes B to float, (code - zero_point) * scale, and
 * multiplies in float like MatMul: the outputs are BIT-IDENTICAL to the float model on fakeQuantize'd weights (blocks
 * along K) - a tolerance of zero, asserted.
 *
 * dynamic: compared with its float twin (dynamicReferenceModel: the same DynamicQuantizeLinear codes, dequantized, times
 * the fake-quantized weights in float). The dynamic model sums integer products exactly and rounds three times
 * (the Cast to float when |sum| > 2^24, the scale product, the final product); the twin rounds the two dequantized
 * factors, each product and each of the K additions. With u = 2^-24 the standard bound on a float dot product gives
 * |difference| <= (K + 6) u sum_k |x^_k w^_k|; we assert it with sum_k |x^_k w^_k| replaced by max |y| and summed over
 * the L integer layers: (K + 6) u L max|y| (measured differences are 1-10 ulps of max|y|, a margin of ~100x). A layer
 * boundary can in principle move an activation across a rounding edge of the next DynamicQuantizeLinear; the seeded
 * models here do not, and the bound would show it.
 *
 * Minimum cosines to the float model: 0.999 for 8-bit (derived in proof.test.ts; dynamic adds the activation's 8-bit
 * per-tensor rounding, ~ the same noise again: 0.999 still leaves a factor 10), 0.99 for 4-bit blocks of 32 (issue 15).
 */

const U = 2 ** -24;
const figures: string[] = [];


function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

function record(m: TestModel, label: string, model: Uint8Array, report: OnnxQuantizationReport, float: Float32Array, quantized: Float32Array, extra: string): number {
  const error = quantizationError(float, quantized);
  const expected = expectedModelBytes(m.bytes, model, report);
  const sizeError = (model.byteLength - expected) / expected;
  figures.push(`| ${m.name} | ${label} | ${error.cosine.toFixed(6)} | ${error.sqnrDb.toFixed(1)} | ${m.bytes.byteLength} -> ${model.byteLength} | ${(sizeError * 100).toFixed(2)}% | ${extra} |`);
  expect(Math.abs(sizeError)).toBeLessThanOrEqual(0.02);
  return error.cosine;
}

interface Case {
  readonly label: string;
  readonly options: QuantizeOnnxOptions;
  readonly minCosine: number;
}

const NBITS: readonly Case[] = [
  { label: 'q4 symmetric, blocks of 32', options: { mode: 'matmul-nbits' }, minCosine: 0.99 },
  { label: 'q4 affine, blocks of 32', options: { mode: 'matmul-nbits', scheme: 'affine' }, minCosine: 0.99 },
  { label: 'q4 symmetric, blocks of 16', options: { mode: 'matmul-nbits', blockSize: 16 }, minCosine: 0.99 },
  { label: 'q4 affine, blocks of 128', options: { mode: 'matmul-nbits', scheme: 'affine', blockSize: 128 }, minCosine: 0.98 },
  { label: 'q8 symmetric, blocks of 32', options: { mode: 'matmul-nbits', bits: 8 }, minCosine: 0.999 },
  { label: 'q8 affine, blocks of 256', options: { mode: 'matmul-nbits', bits: 8, scheme: 'affine', blockSize: 256 }, minCosine: 0.999 },
];

describe.each(NBITS)('matmul-nbits: $label', (c) => {
  it.each([mlp(13), transformerBlock(13), embedding(13), oddK(13)])('$name: bit-identical to the fake-quantized model', async (m) => {
    const { model, report } = quantizeOnnxModelWithReport(m.bytes, c.options);
    const matmuls = Object.entries(m.blockAxes).filter(([name]) => /weight/.test(name) && !/^(tok|head|embed)\./.test(name)).map(([name]) => name);
    expect(report.weights.map((w) => w.name).sort()).toEqual(matmuls.sort());
    const nodes = readOnnxModel(model).graph!.node;
    expect(nodes.filter((n) => n.opType === 'MatMulNBits').length).toBe(matmuls.length);
    const [quantized, reference, float] = await Promise.all([runModel(model, m.feeds), runModel(fakeQuantizedModel(m.bytes, report, c.options), m.feeds), runModel(m.bytes, m.feeds)]);
    expect(bitsOf(quantized.y!)).toEqual(bitsOf(reference.y!));
    const cosine = record(m, `matmul-nbits ${c.label}`, model, report, float.y!, quantized.y!, 'bit-identical');
    expect(cosine).toBeGreaterThanOrEqual(c.minCosine);
  });
});

const DYNAMIC: readonly Case[] = [
  { label: 'int8 weights (default)', options: { mode: 'dynamic' }, minCosine: 0.999 },
  { label: 'uint8 weights', options: { mode: 'dynamic', scheme: 'affine' }, minCosine: 0.999 },
  { label: 'int8 weights per channel', options: { mode: 'dynamic', granularity: 'channel' }, minCosine: 0.999 },
];

describe.each(DYNAMIC)('dynamic: $label', (c) => {
  it.each([mlp(13), transformerBlock(13), embedding(13), cnn(13)])('$name: within the derived bound of its float twin', async (m) => {
    const { model, report } = quantizeOnnxModelWithReport(m.bytes, c.options);
    const integer = report.weights.filter((w) => w.readBy !== 'DequantizeLinear');
    for (const w of integer) expect(w.codeType).toBe(w.readBy === 'ConvInteger' || c.options.scheme === 'affine' ? 'uint8' : 'int8');
    const [quantized, twin, float] = await Promise.all([runModel(model, m.feeds), runModel(dynamicReferenceModel(m.bytes, report, c.options), m.feeds), runModel(m.bytes, m.feeds)]);
    const K = Math.max(...integer.map((w) => w.shape.slice(w.readBy === 'ConvInteger' ? 1 : 0, w.readBy === 'ConvInteger' ? undefined : -1).reduce((p, d) => p * d, 1)));
    const bound = (K + 6) * U * integer.length * maxAbs(twin.y!);
    let worst = 0;
    for (let i = 0; i < twin.y!.length; i++) worst = Math.max(worst, Math.abs(quantized.y![i]! - twin.y![i]!));
    expect(worst).toBeLessThanOrEqual(bound);
    const cosine = record(m, `dynamic ${c.label}`, model, report, float.y!, quantized.y!, `max diff ${(worst / maxAbs(twin.y!)).toExponential(1)} of max y (bound ${(bound / maxAbs(twin.y!)).toExponential(1)})`);
    expect(cosine).toBeGreaterThanOrEqual(c.minCosine);
  });
});

describe('matmul-nbits with float16 weights (float16 A and scales)', () => {
  // Not bit-identical: MatMulNBits accumulates in float32 and rounds once to float16, onnxruntime's float16 MatMul of
  // the twin rounds otherwise. The bound is modes' dynamic bound with float16's unit roundoff: (K + 2) 2^-11 max|y|.
  it.each([{ mode: 'matmul-nbits' }, { mode: 'matmul-nbits', bits: 8, scheme: 'affine' }] as const)('%j: within (K + 2) 2^-11 max|y| of the fake-quantized float16 model', async (options) => {
    const rng = new Rng(3);
    const K = 64;
    const w = Uint16Array.from({ length: K * 32 }, () => numberToFloat16(rng.normal() / 8));
    const g = graph({ nodes: [node('MatMul', ['x', 'w'], ['y'])], initializers: [halfTensor('w', [K, 32], w)], inputs: [tensorValue('x', DataType.FLOAT16, [2, K])], outputs: [tensorValue('y', DataType.FLOAT16, [2, 32])] });
    const bytes = model(21, g);
    const { model: out, report } = quantizeOnnxModelWithReport(bytes, options);
    expect(report.weights[0]).toMatchObject({ dtype: 'float16', readBy: 'MatMulNBits' });
    const x = Uint16Array.from({ length: 2 * K }, () => numberToFloat16(rng.normal()));
    const run = async (m: Uint8Array) => {
      const s = await ort.InferenceSession.create(m, { graphOptimizationLevel: 'disabled', extra: { session: { disable_prepacking: '1' } } });
      try {
        return Float32Array.from((await s.run({ x: new ort.Tensor('float16', x, [2, K]) })).y!.data as Uint16Array, float16ToNumber);
      } finally {
        await s.release();
      }
    };
    const [q, twin] = await Promise.all([run(out), run(fakeQuantizedModel(bytes, report, options))]);
    let worst = 0;
    for (let i = 0; i < q.length; i++) worst = Math.max(worst, Math.abs(q[i]! - twin[i]!));
    expect(worst).toBeLessThanOrEqual((K + 2) * 2 ** -11 * maxAbs(twin));
    figures.push(`| fp16 MatMul [64, 32] | matmul-nbits ${JSON.stringify(options)} | | | | | max diff ${(worst / maxAbs(twin)).toExponential(1)} of max y (bound ${((K + 2) * 2 ** -11).toExponential(1)}) |`);
  });
});

describe('outputs open with default session options, without warnings', () => {
  it('qdq, matmul-nbits (4 and 8 bits, affine) and dynamic models of the transformer block and the CNN', () => {
    const t = transformerBlock(21).bytes;
    const models = [
      quantizeOnnxModelWithReport(t, {}).model,
      quantizeOnnxModelWithReport(t, { bits: 4, granularity: 'block' }).model,
      quantizeOnnxModelWithReport(t, { mode: 'matmul-nbits' }).model,
      quantizeOnnxModelWithReport(t, { mode: 'matmul-nbits', bits: 8, scheme: 'affine' }).model,
      quantizeOnnxModelWithReport(t, { mode: 'dynamic' }).model,
      quantizeOnnxModelWithReport(cnn(13).bytes, { mode: 'dynamic' }).model,
    ];
    expect(openWithDefaults(models)).toBe('');
  });
});

afterAll(() => {
  console.log(['| model | mode | cosine | SQNR dB | bytes | size vs payloads | vs fake-quantized |', '|---|---|---|---|---|---|---|', ...figures.sort()].join('\n'));
});
