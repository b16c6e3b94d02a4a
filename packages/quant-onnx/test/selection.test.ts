import { numberToFloat16 } from '@quantkit/quant';
import { Rng } from '@quantkit/quant-conformance/random';
import { describe, expect, it } from 'vitest';
import { forEachGraph } from '../src/graph-walk.js';
import { OnnxErrorCodes, quantizeOnnxModel, quantizeOnnxModelWithReport, readOnnxModel } from '../src/index.js';
import { DataType, floatTensor, graph, halfTensor, model, node, tensorValue } from './helpers/build-model.js';
import { fakeQuantizedModel } from './helpers/fake-quantized.js';
import { embedding, mlp } from './helpers/models.js';
import { runModel } from './helpers/ort.js';

const f32 = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

function normal(seed: number, n: number, scale = 0.1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

function initializerNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  forEachGraph(readOnnxModel(bytes).graph!, (g) => names.push(...g.initializer.map((t) => t.name)));
  return names;
}

describe('which initializers are quantized', () => {
  it('--exclude globs leave matching weights in float, reported as excluded', () => {
    const { report, model: out } = quantizeOnnxModelWithReport(mlp(13).bytes, { exclude: ['fc2.*'] });
    expect(report.weights.map((w) => w.name)).toEqual(['fc1.weight']);
    expect(report.skipped).toEqual([{ name: 'fc2.weight', graph: 'graph', reason: 'excluded' }]);
    expect(initializerNames(out)).toContain('fc2.weight');
    expect(initializerNames(out)).not.toContain('fc1.weight');
  });

  it('ops selects the operators whose weights are quantized', () => {
    const { report } = quantizeOnnxModelWithReport(embedding(13).bytes, { ops: ['Gather'] });
    expect(report.weights.map((w) => w.name)).toEqual(['embed.weight']);
  });

  it('an initializer that is also a graph input (overridable) is left alone', () => {
    const g = graph({
      nodes: [node('MatMul', ['x', 'a.weight'], ['h']), node('MatMul', ['h', 'b.weight'], ['y'])],
      initializers: [floatTensor('a.weight', [8, 8], normal(1, 64)), floatTensor('b.weight', [8, 8], normal(2, 64))],
      inputs: [tensorValue('x', DataType.FLOAT, [1, 8]), tensorValue('b.weight', DataType.FLOAT, [8, 8])],
      outputs: [tensorValue('y', DataType.FLOAT, [1, 8])],
    });
    const { report } = quantizeOnnxModelWithReport(model(13, g));
    expect(report.weights.map((w) => w.name)).toEqual(['a.weight']);
    expect(report.skipped).toEqual([{ name: 'b.weight', graph: 'graph', reason: 'graph-input' }]);
  });

  it('new names never collide with existing ones', () => {
    const g = graph({
      nodes: [node('MatMul', ['x', 'w'], ['w_quantized']), node('Relu', ['w_quantized'], ['w_DequantizeLinear_Output'])],
      initializers: [floatTensor('w', [8, 8], normal(3, 64))],
      inputs: [tensorValue('x', DataType.FLOAT, [1, 8])],
      outputs: [tensorValue('w_DequantizeLinear_Output', DataType.FLOAT, [1, 8])],
    });
    const { report } = quantizeOnnxModelWithReport(model(13, g));
    expect(report.weights[0]!.names).toEqual({ codes: 'w_quantized_1', scale: 'w_scale', zeroPoint: undefined, output: 'w_DequantizeLinear_Output_1', node: 'w_DequantizeLinear' });
  });

  it('affine weights get a zero point initializer, symmetric ones none', () => {
    const affine = quantizeOnnxModelWithReport(mlp(13).bytes, { scheme: 'affine' }).report.weights[0]!;
    const symmetric = quantizeOnnxModelWithReport(mlp(13).bytes).report.weights[0]!;
    expect(affine.names.zeroPoint).toBe('fc1.weight_zero_point');
    expect(affine.codeType).toBe('uint8');
    expect(symmetric.names.zeroPoint).toBeUndefined();
    expect(symmetric.codeType).toBe('int8');
  });
});

describe('already quantized weights', () => {
  it('an initializer already feeding a DequantizeLinear is left alone; the other weights are quantized', () => {
    const half = quantizeOnnxModel(mlp(13).bytes, { exclude: ['fc2.weight'] });
    const before = readOnnxModel(half).graph!.initializer.find((t) => t.name === 'fc1.weight_quantized')!.rawData.slice();
    const { model: again, report } = quantizeOnnxModelWithReport(half);
    expect(report.weights.map((w) => w.name)).toEqual(['fc2.weight']);
    const after = readOnnxModel(again).graph!;
    expect(after.initializer.find((t) => t.name === 'fc1.weight_quantized')!.rawData).toEqual(before);
    expect(after.node.filter((n) => n.opType === 'DequantizeLinear').map((n) => n.output[0]).sort()).toEqual(['fc1.weight_DequantizeLinear_Output', 'fc2.weight_DequantizeLinear_Output']);
  });

  it('a float initializer read by a QuantizeLinear is skipped as already quantized', () => {
    const g = graph({
      nodes: [
        node('QuantizeLinear', ['w', 's'], ['wq']),
        node('DequantizeLinear', ['wq', 's'], ['wd']),
        node('MatMul', ['x', 'wd'], ['h1']),
        node('MatMul', ['h1', 'w'], ['h2']),
        node('MatMul', ['h2', 'other.weight'], ['y']),
      ],
      initializers: [floatTensor('w', [8, 8], normal(4, 64)), floatTensor('s', [], Float32Array.of(0.01)), floatTensor('other.weight', [8, 8], normal(9, 64))],
      inputs: [tensorValue('x', DataType.FLOAT, [1, 8])],
      outputs: [tensorValue('y', DataType.FLOAT, [1, 8])],
    });
    const { report } = quantizeOnnxModelWithReport(model(13, g));
    expect(report.weights.map((w) => w.name)).toEqual(['other.weight']);
    expect(report.skipped).toEqual([{ name: 'w', graph: 'graph', reason: 'already-quantized' }]);
  });

  it('a fully quantized model: E_ONNX_ALREADY_QUANTIZED', () => {
    const once = quantizeOnnxModel(mlp(13).bytes);
    expect(() => quantizeOnnxModel(once)).toThrow(expect.objectContaining({ code: OnnxErrorCodes.ALREADY_QUANTIZED }));
  });
});

describe('a weight read by operators wanting different axes: the first use decides', () => {
  // w [64, 64]: MatMul(x, w) wants axis 1, then Gemm(h, w, transB=1) wants axis 0. Quantized along axis 1; the Gemm
  // reads the same DequantizeLinear, and the report lists it as a conflict.
  const w = normal(5, 64 * 64);
  const g = graph({
    nodes: [node('MatMul', ['x', 'shared.weight'], ['h'], {}, 'first'), node('Gemm', ['h', 'shared.weight'], ['y'], { transB: 1 }, 'second')],
    initializers: [floatTensor('shared.weight', [64, 64], w)],
    inputs: [tensorValue('x', DataType.FLOAT, [2, 64])],
    outputs: [tensorValue('y', DataType.FLOAT, [2, 64])],
  });
  const bytes = model(13, g);
  const feeds = { x: { type: 'float32' as const, data: normal(6, 128, 1), dims: [2, 64] } };

  it('is quantized per its first use and reports the other', async () => {
    const { model: out, report } = quantizeOnnxModelWithReport(bytes);
    const [weight] = report.weights;
    expect(weight!.layout).toEqual({ granularity: 'channel', axis: 1 });
    expect(weight!.firstUse).toEqual({ op: 'MatMul', node: 'first' });
    expect(weight!.conflicts).toEqual([{ op: 'Gemm', node: 'second', layout: { granularity: 'channel', axis: 0 } }]);
    const dq = readOnnxModel(out).graph!.node.filter((n) => n.opType === 'DequantizeLinear');
    expect(dq).toHaveLength(1);
    const [quantized, reference] = await Promise.all([runModel(out, feeds), runModel(fakeQuantizedModel(bytes, report, {}), feeds)]);
    expect(f32(quantized.y!)).toEqual(f32(reference.y!));
  });

  it('no conflict when both uses agree', () => {
    const { report } = quantizeOnnxModelWithReport(bytes, { granularity: 'tensor' });
    expect(report.weights[0]!.conflicts).toEqual([]);
  });
});

describe('float16 weights', () => {
  const rng = new Rng(7);
  const table = Uint16Array.from({ length: 300 * 32 }, () => numberToFloat16(rng.normal()));
  const g = graph({
    nodes: [node('Gather', ['embed.weight', 'ids'], ['e16']), node('Cast', ['e16'], ['e'], { to: DataType.FLOAT }), node('MatMul', ['e', 'out.weight'], ['y'])],
    initializers: [halfTensor('embed.weight', [300, 32], table), floatTensor('out.weight', [32, 16], normal(8, 32 * 16, 0.2))],
    inputs: [tensorValue('ids', DataType.INT64, [1, 5])],
    outputs: [tensorValue('y', DataType.FLOAT, [1, 5, 16])],
  });
  const feeds = { ids: { type: 'int64' as const, data: BigInt64Array.of(0n, 17n, 299n, 150n, 17n), dims: [1, 5] } };

  it.each([
    { bits: 8 as const, granularity: 'channel' as const },
    { bits: 4 as const, granularity: 'block' as const, scheme: 'affine' as const },
  ])('get float16 scales and are bit-identical to fakeQuantize of their float16 values (%j)', async (options) => {
    const bytes = model(21, g);
    const { model: out, report } = quantizeOnnxModelWithReport(bytes, options);
    const embed = report.weights.find((w) => w.name === 'embed.weight')!;
    expect(embed.dtype).toBe('float16');
    const scale = readOnnxModel(out).graph!.initializer.find((t) => t.name === embed.names.scale)!;
    expect(scale.dataType).toBe(DataType.FLOAT16);
    const [quantized, reference] = await Promise.all([runModel(out, feeds), runModel(fakeQuantizedModel(bytes, report, options), feeds)]);
    expect(f32(quantized.y!)).toEqual(f32(reference.y!));
  });

  it('need opset 19 (float16 DequantizeLinear scales)', () => {
    expect(() => quantizeOnnxModel(model(17, g))).toThrow(expect.objectContaining({ code: OnnxErrorCodes.OPSET, message: expect.stringMatching(/float16.*needs opset 19/) }));
  });
});

describe('IR version', () => {
  it('is raised to 10 when int4 tensors go into an older model header, and kept otherwise', () => {
    const g = readOnnxModel(mlp(21).bytes).graph!;
    const old = model(21, g, 9);
    expect(quantizeOnnxModelWithReport(old, { bits: 4 }).report.irVersion).toBe(10);
    expect(quantizeOnnxModelWithReport(old, { bits: 8 }).report.irVersion).toBe(9);
  });
});

describe('ConvTranspose (not in the default ops)', () => {
  const g = graph({
    nodes: [node('ConvTranspose', ['x', 'up.weight'], ['y'], { kernel_shape: [3, 3], strides: [2, 2] })],
    initializers: [floatTensor('up.weight', [8, 16, 3, 3], normal(10, 8 * 16 * 9, 0.1))],
    inputs: [tensorValue('x', DataType.FLOAT, [1, 8, 6, 6])],
    outputs: [tensorValue('y', DataType.FLOAT, [1, 16, 13, 13])],
  });
  const bytes = model(13, g);

  it('is left alone by default, and quantized along axis 1 when selected, bit-identical to fakeQuantize', async () => {
    expect(() => quantizeOnnxModel(bytes)).toThrow(expect.objectContaining({ code: OnnxErrorCodes.NOTHING_TO_QUANTIZE }));
    const options = { ops: ['ConvTranspose'] };
    const { model: out, report } = quantizeOnnxModelWithReport(bytes, options);
    expect(report.weights[0]!.layout).toEqual({ granularity: 'channel', axis: 1 });
    const feeds = { x: { type: 'float32' as const, data: normal(11, 8 * 36, 1), dims: [1, 8, 6, 6] } };
    const [quantized, reference] = await Promise.all([runModel(out, feeds), runModel(fakeQuantizedModel(bytes, report, options), feeds)]);
    expect(f32(quantized.y!)).toEqual(f32(reference.y!));
  });
});

describe('round trip', () => {
  it('keeps fields this schema does not know (a newer ONNX writes them)', () => {
    const unknownField = Uint8Array.of(0xb8, 0x3e, 0x2a); // field 999, varint 42
    const bytes = new Uint8Array([...mlp(13).bytes, ...unknownField]);
    const roundTripped = readOnnxModel(quantizeOnnxModel(bytes)).$unknown ?? [];
    expect(roundTripped.map((f) => f.no)).toEqual([999]);
  });
});
