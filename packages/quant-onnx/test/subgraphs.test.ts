import { describe, expect, it } from 'vitest';
import { quantizeOnnxModelWithReport, readOnnxModel } from '../src/index.js';
import { normal, subgraphModel } from './helpers/subgraph-model.js';
import { dynamicReferenceModel } from './helpers/dynamic-reference.js';
import { fakeQuantizedModel } from './helpers/fake-quantized.js';
import type { Feed } from './helpers/models.js';
import { runModel } from './helpers/ort.js';

/*
 * Weights inside subgraphs: an If whose then-branch owns a weight and whose else-branch reads an outer-scope weight,
 * then a Loop whose body owns one. Each gets its DequantizeLinear in the graph that owns the initializer, readers in
 * nested graphs read its output through outer scope, and the outputs equal the fake-quantized model's bit for bit.
 */

const f32 = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('weights in If and Loop subgraphs', () => {
  const bytes = subgraphModel(13);

  it('are found, quantized where they live, with unique names', () => {
    const { model: out, report } = quantizeOnnxModelWithReport(bytes);
    expect(report.weights.map((w) => [w.name, w.graph, w.layout])).toEqual([
      ['first.weight', 'graph', { granularity: 'channel', axis: 1 }],
      ['outer.weight', 'graph', { granularity: 'channel', axis: 1 }],
      ['then.weight', 'graph/if.then_branch', { granularity: 'channel', axis: 1 }],
      ['loop.weight', 'graph/loop.body', { granularity: 'channel', axis: 1 }],
    ]);
    expect(report.weights[2]!.names.codes).toBe('then.weight_quantized_1');
    const main = readOnnxModel(out).graph!;
    const dqOutputs = main.node.filter((n) => n.opType === 'DequantizeLinear').map((n) => n.output[0]);
    expect(dqOutputs).toEqual(['first.weight_DequantizeLinear_Output', 'outer.weight_DequantizeLinear_Output']);
    const elseBranch = main.node.find((n) => n.opType === 'If')!.attribute.find((a) => a.name === 'else_branch')!.g!;
    expect(elseBranch.node[0]!.input).toEqual(['h', 'outer.weight_DequantizeLinear_Output']);
    const body = main.node.find((n) => n.opType === 'Loop')!.attribute[0]!.g!;
    expect(body.node[0]!.opType).toBe('DequantizeLinear');
    expect(body.initializer.map((t) => t.name)).toEqual(['loop.weight_quantized', 'loop.weight_scale']);
  });

  it.each([true, false])('run bit-identical to the fake-quantized model (cond %s)', async (cond) => {
    const { model: out, report } = quantizeOnnxModelWithReport(bytes);
    const feeds: Record<string, Feed> = {
      x: { type: 'float32', data: normal(5, 32, 1), dims: [2, 16] },
      cond: { type: 'bool', data: Uint8Array.of(cond ? 1 : 0), dims: [] },
    };
    const [quantized, reference] = await Promise.all([runModel(out, feeds), runModel(fakeQuantizedModel(bytes, report, {}), feeds)]);
    expect(f32(quantized.z!)).toEqual(f32(reference.z!));
  });
});

describe('matmul-nbits and dynamic rewrite MatMuls inside If and Loop bodies too', () => {
  const bytes = subgraphModel(13);
  const feeds = (cond: boolean): Record<string, Feed> => ({
    x: { type: 'float32', data: normal(5, 32, 1), dims: [2, 16] },
    cond: { type: 'bool', data: Uint8Array.of(cond ? 1 : 0), dims: [] },
  });

  it.each([true, false])('matmul-nbits (blocks of 16): bit-identical to the fake-quantized model (cond %s)', async (cond) => {
    const options = { mode: 'matmul-nbits', blockSize: 16 } as const;
    const { model: out, report } = quantizeOnnxModelWithReport(bytes, options);
    expect(report.weights.map((w) => [w.name, w.graph, w.readBy])).toEqual([
      ['first.weight', 'graph', 'MatMulNBits'],
      ['outer.weight', 'graph', 'MatMulNBits'],
      ['then.weight', 'graph/if.then_branch', 'MatMulNBits'],
      ['loop.weight', 'graph/loop.body', 'MatMulNBits'],
    ]);
    const [quantized, reference] = await Promise.all([runModel(out, feeds(cond)), runModel(fakeQuantizedModel(bytes, report, options), feeds(cond))]);
    expect(f32(quantized.z!)).toEqual(f32(reference.z!));
  });

  it.each([true, false])('dynamic: the DynamicQuantizeLinear goes in the graph of its reader; within the bound of the float twin (cond %s)', async (cond) => {
    const options = { mode: 'dynamic' } as const;
    const { model: out, report } = quantizeOnnxModelWithReport(bytes, options);
    const main = readOnnxModel(out).graph!;
    const elseBranch = main.node.find((n) => n.opType === 'If')!.attribute.find((a) => a.name === 'else_branch')!.g!;
    expect(elseBranch.node.map((n) => n.opType)).toEqual(['DynamicQuantizeLinear', 'MatMulInteger', 'Cast', 'Mul', 'Mul']);
    expect(elseBranch.node[1]!.input[1]).toBe('outer.weight_quantized'); // the outer graph's initializer, through scope
    const [quantized, twin] = await Promise.all([runModel(out, feeds(cond)), runModel(dynamicReferenceModel(bytes, report, options), feeds(cond))]);
    let worst = 0;
    let top = 0;
    for (let i = 0; i < twin.z!.length; i++) {
      worst = Math.max(worst, Math.abs(quantized.z![i]! - twin.z![i]!));
      top = Math.max(top, Math.abs(twin.z![i]!));
    }
    // modes.test.ts's bound, (K + 6) u L max|y|, with K = 32 and L = 5 integer layers on the longest path (3 loop trips).
    expect(worst).toBeLessThanOrEqual((32 + 6) * 2 ** -24 * 5 * top);
  });
});
