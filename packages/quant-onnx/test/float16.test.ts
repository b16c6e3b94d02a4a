import { create, toBinary } from '@bufbuild/protobuf';
import { fakeQuantize, float16ToNumber, quantizationError } from '@quantkit/quant';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnnxCommand } from '../src/cli.js';
import { forEachGraph } from '../src/graph-walk.js';
import { AttributeProto_AttributeType as AttributeType, AttributeProtoSchema, ModelProtoSchema, ValueInfoProtoSchema } from '../src/generated/onnx_pb.js';
import { OnnxErrorCodes, quantizeOnnxFile, quantizeOnnxModelWithReport, readOnnxModel, type OnnxQuantizationReport } from '../src/index.js';
import { DataType, floatTensor, graph, halfTensor, int64Tensor, model, node, tensorValue } from './helpers/build-model.js';
import { openWithDefaults } from './helpers/default-session.js';
import { writeWithExternalData } from './helpers/external-model.js';
import { float16ReferenceModel, type WeightOverride } from './helpers/float16-reference.js';
import { cnn, embedding, gemm, mlp, transformerBlock, type Feed, type TestModel } from './helpers/models.js';
import { runModel } from './helpers/ort.js';
import { normal, subgraphModel } from './helpers/subgraph-model.js';

/*
 * Proofs of the float16 graph (mode 'fp16') and of q4f16 (matmul-nbits with float16: true) in onnxruntime-node.
 *
 * The fp16 oracle. onnxruntime's CPU provider has no float16 kernel for MatMul, Gemm, Conv, Add, Relu, Softmax, ... (x86-64):
 * it runs those nodes in float32 between Casts (CastFloat16Transformer, forcing float32 the float16-capable nodes in
 * between too) and removes the float16 -> float32 Cast pairs this leaves (RemoveDuplicateCastTransformer). So on CPU the
 * float16 model computes the float32 graph on the float16 weights: its oracle is the ORIGINAL model whose float32
 * initializers and constants are replaced by their float16 values (float16ReferenceModel, nothing else rounded). The
 * MLP, Gemm, CNN and embedding models are bit-identical to it, with onnxruntime's default session options and with
 * optimizations off. The transformer block and the real model differ by float32 rounding only (their float32 operators
 * run in a different association): asserted within (K + 6) 2^-24 L max|y|, the float32 dot-product bound of
 * modes.test.ts over the L weight layers.
 * Against the float32 model the only error is the weights' float16 rounding (relative 2^-11): cosine >= 0.9999 asserted.
 *
 * q4f16: MatMulNBits has a float16 kernel: A is rounded to float16, B dequantized, the product accumulated in float32 and
 * rounded to float16 once. Compared with the reference model whose MatMul weights are fakeQuantize(float16 weights,
 * dtype float16) - the exact values MatMulNBits dequantizes - the difference comes from the float16 roundings of A and
 * of each layer's output: at most about 2^-11 of max|y| each, asserted within L 2^-9 max|y| (a factor 2 over the two
 * roundings per layer). Cosine to the float32 model >= 0.99 (4-bit blocks of 32, as q4).
 *
 * Subgraphs (If + Loop): float16 values cross the control flow (the If's output, the Loop's carried value after each of
 * its 3 iterations) and are rounded there, one float16 step (2^-11 relative) each, the tanh steps damping what came
 * before: asserted within 2^-7 max|z| of the oracle (a factor 4 over four roundings).
 */

const U32 = 2 ** -24;
const figures: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'quant-onnx-fp16-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.log(['| model | variant | cosine | SQNR dB | bytes | vs reference |', '|---|---|---|---|---|---|', ...figures.sort()].join('\n'));
});

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function worstDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Runs with onnxruntime-node's DEFAULT session options (graph optimizations on). */
async function runDefault(bytes: Uint8Array, feeds: Readonly<Record<string, Feed>>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) inputs[name] = new ort.Tensor(f.type, f.data, [...f.dims]);
    const out: Record<string, Float32Array> = {};
    for (const [name, t] of Object.entries(await session.run(inputs))) out[name] = t.data as Float32Array;
    return out;
  } finally {
    await session.release();
  }
}

/** Bytes of float32 initializer payloads. */
function float32Payload(bytes: Uint8Array): number {
  return readOnnxModel(bytes).graph!.initializer.reduce((s, t) => s + (t.dataType === DataType.FLOAT ? t.rawData.byteLength : 0), 0);
}

const FIXTURE = new URL('./fixtures/openwakeword-hello_deepa.onnx', import.meta.url);
const LOGITS = '/last_layer/Gemm_output_0';

/** hello_deepa with its logits as the output y (eight seeded inputs as a batch would not fit its Flatten: one input). */
function realModel(): TestModel {
  const m = readOnnxModel(new Uint8Array(readFileSync(FIXTURE)));
  m.graph!.output = [create(ValueInfoProtoSchema, { name: LOGITS })];
  m.graph!.node = m.graph!.node.filter((n) => n.opType !== 'Sigmoid');
  const y = m.graph!.node.find((n) => n.output[0] === LOGITS)!;
  y.output = ['y'];
  m.graph!.output = [create(ValueInfoProtoSchema, { name: 'y' })];
  const data = Float32Array.from({ length: 25 * 96 }, (_, i) => Math.sin(i * 0.37) * 2);
  return { name: 'hello_deepa', bytes: toBinary(ModelProtoSchema, m), feeds: { 'onnx::Flatten_0': { type: 'float32', data, dims: [1, 25, 96] } }, channelAxes: {}, blockAxes: {} };
}

interface Fp16Case {
  readonly model: TestModel;
  /** null: bit-identical to the oracle; else K and L of the float32 bound. */
  readonly bound: { readonly K: number; readonly L: number } | null;
}

const FP16: readonly Fp16Case[] = [
  { model: mlp(13), bound: null },
  { model: gemm(13), bound: null },
  { model: cnn(13), bound: null },
  { model: embedding(13), bound: null },
  { model: transformerBlock(13), bound: { K: 256, L: 8 } },
  { model: realModel(), bound: { K: 2400, L: 3 } },
];

describe('mode fp16', () => {
  it.each(FP16)('$model.name: the float16 graph, against its CPU oracle and the float32 model', async ({ model: m, bound }) => {
    const { model: out, report } = quantizeOnnxModelWithReport(m.bytes, { mode: 'fp16' });
    expect(report).toMatchObject({ mode: 'fp16', weights: [], float16: { keptFloat32: [] } });
    const graphOut = readOnnxModel(out).graph!;
    // Every float32 initializer is float16 now; inputs and outputs keep their float32 type behind Casts.
    expect(graphOut.initializer.filter((t) => t.dataType === DataType.FLOAT)).toEqual([]);
    expect(graphOut.node.filter((n) => n.opType === 'Cast').length).toBe(report.float16!.casts);
    expect(graphOut.output.map((v) => v.name)).toEqual(readOnnxModel(m.bytes).graph!.output.map((v) => v.name));

    const oracle = float16ReferenceModel(m.bytes, new Set());
    const [q, ref, qDefault, refDefault, float] = await Promise.all([runModel(out, m.feeds), runModel(oracle, m.feeds), runDefault(out, m.feeds), runDefault(oracle, m.feeds), runModel(m.bytes, m.feeds)]);
    let note = 'bit-identical';
    if (bound === null) {
      expect(bitsOf(q.y!)).toEqual(bitsOf(ref.y!));
      expect(bitsOf(qDefault.y!)).toEqual(bitsOf(refDefault.y!));
    } else {
      const limit = (bound.K + 6) * U32 * bound.L * maxAbs(ref.y!);
      const worst = Math.max(worstDifference(q.y!, ref.y!), worstDifference(qDefault.y!, refDefault.y!));
      expect(worst).toBeLessThanOrEqual(limit);
      note = `max diff ${(worst / maxAbs(ref.y!)).toExponential(1)} of max y (bound ${(limit / maxAbs(ref.y!)).toExponential(1)})`;
    }
    const error = quantizationError(float.y!, qDefault.y!);
    expect(error.cosine).toBeGreaterThanOrEqual(0.9999);
    // The size: the graph plus half the float32 payloads (the Casts and names add a few hundred bytes).
    const expected = m.bytes.byteLength - float32Payload(m.bytes) / 2;
    expect(Math.abs(out.byteLength - expected) / expected).toBeLessThanOrEqual(0.01);
    figures.push(`| ${m.name} | fp16 | ${error.cosine.toFixed(7)} | ${error.sqnrDb.toFixed(1)} | ${m.bytes.byteLength} -> ${out.byteLength} (${((out.byteLength / m.bytes.byteLength) * 100).toFixed(1)}%) | ${note} |`);
  });

  it('opens with default session options without warnings (fp16 and q4f16)', () => {
    const t = transformerBlock(13).bytes;
    const models = [quantizeOnnxModelWithReport(t, { mode: 'fp16' }).model, quantizeOnnxModelWithReport(t, { mode: 'matmul-nbits', float16: true }).model, quantizeOnnxModelWithReport(cnn(13).bytes, { mode: 'fp16' }).model];
    expect(openWithDefaults(models)).toBe('');
  });
});

describe('q4f16 (matmul-nbits on the float16 graph)', () => {
  it.each([{ m: mlp(13), L: 2 }, { m: transformerBlock(13), L: 6 }, { m: embedding(13), L: 1 }])('$m.name: within L 2^-9 max|y| of the fake-quantized float16 model', async ({ m, L }) => {
    const options = { mode: 'matmul-nbits', float16: true } as const;
    const { model: out, report } = quantizeOnnxModelWithReport(m.bytes, options);
    const g = readOnnxModel(out).graph!;
    expect(g.initializer.filter((t) => t.dataType === DataType.FLOAT)).toEqual([]);
    const nbits = g.node.filter((n) => n.opType === 'MatMulNBits');
    expect(nbits.length).toBe(report.weights.length);
    for (const w of report.weights) expect(w).toMatchObject({ dtype: 'float16', readBy: 'MatMulNBits', bits: 4 });
    // The scales are float16 (T1 = float16): half of float32 scales' bytes.
    for (const n of nbits) expect(g.initializer.find((t) => t.name === n.input[2])!.dataType).toBe(DataType.FLOAT16);
    const byName = new Map(report.weights.map((w) => [w.name, w]));
    const override: WeightOverride = (name, half) => {
      const w = byName.get(name);
      if (w === undefined || w.layout.granularity !== 'block') return undefined;
      const fq = fakeQuantize(half, { scheme: w.scheme, bits: w.bits, shape: w.shape, granularity: { axis: 0, blockSize: w.layout.blockSize }, dtype: 'float16' }) as Uint16Array;
      return Float32Array.from(fq, float16ToNumber);
    };
    const [q, ref, float] = await Promise.all([runDefault(out, m.feeds), runDefault(float16ReferenceModel(m.bytes, new Set(), override), m.feeds), runModel(m.bytes, m.feeds)]);
    const limit = L * 2 ** -9 * maxAbs(ref.y!);
    const worst = worstDifference(q.y!, ref.y!);
    expect(worst).toBeLessThanOrEqual(limit);
    const error = quantizationError(float.y!, q.y!);
    expect(error.cosine).toBeGreaterThanOrEqual(0.99);
    const q4 = quantizeOnnxModelWithReport(m.bytes, { mode: 'matmul-nbits' });
    // Smaller than q4: the same codes, float16 scales and float16 for everything left float.
    expect(out.byteLength).toBeLessThan(q4.model.byteLength);
    figures.push(`| ${m.name} | q4f16 | ${error.cosine.toFixed(6)} | ${error.sqnrDb.toFixed(1)} | ${m.bytes.byteLength} -> ${out.byteLength} (q4: ${q4.model.byteLength}) | max diff ${(worst / maxAbs(ref.y!)).toExponential(1)} of max y (bound ${(limit / maxAbs(ref.y!)).toExponential(1)}) |`);
  });
});

/** x [1, 16] + a mask Constant (-3.4e38 at odd positions) -> Softmax -> TopK(4) (kept float32) -> Mul(Constant 2) -> y. */
function maskModel(): TestModel {
  const mask = Float32Array.from({ length: 16 }, (_, i) => (i % 2 === 1 ? -3.4e38 : 0));
  const g = graph({
    nodes: [
      node('Constant', [], ['mask'], {}),
      node('Add', ['x', 'mask'], ['masked']),
      node('Softmax', ['masked'], ['p'], { axis: -1 }),
      node('TopK', ['p', 'k'], ['top', 'idx']),
      node('Constant', [], ['two']),
      node('Mul', ['top', 'two'], ['y']),
    ],
    initializers: [int64Tensor('k', [1], [4])],
    inputs: [tensorValue('x', DataType.FLOAT, [1, 16])],
    outputs: [tensorValue('y', DataType.FLOAT, [1, 4]), tensorValue('idx', DataType.INT64, [1, 4])],
  });
  g.node[0]!.attribute.push(create(AttributeProtoSchema, { name: 'value', type: AttributeType.TENSOR, t: floatTensor('', [1, 16], mask) }));
  g.node[4]!.attribute.push(create(AttributeProtoSchema, { name: 'value_float', type: AttributeType.FLOAT, f: 2 }));
  const x = Float32Array.from({ length: 16 }, (_, i) => Math.cos(i));
  return { name: 'mask', bytes: model(13, g), feeds: { x: { type: 'float32', data: x, dims: [1, 16] } }, channelAxes: {}, blockAxes: {} };
}

describe('constants, operators kept float32, saturation', () => {
  it('Constant values become float16 (-3.4e38 saturates to -65504), TopK stays float32 between Casts, outputs agree', async () => {
    const m = maskModel();
    const { model: out, report } = quantizeOnnxModelWithReport(m.bytes, { mode: 'fp16' });
    expect(report.float16).toMatchObject({ initializers: 0, constants: 2, saturated: 8, keptFloat32: ["TopK '#3'"] });
    const g = readOnnxModel(out).graph!;
    const topk = g.node.findIndex((n) => n.opType === 'TopK');
    // A Cast to float32 feeds TopK, and its float output is cast back to float16 for the Mul.
    expect(g.node[topk - 1]).toMatchObject({ opType: 'Cast', output: [g.node[topk]!.input[0]] });
    expect(g.node.filter((n) => n.opType === 'Cast').map((n) => Number(n.attribute[0]!.i))).toEqual([DataType.FLOAT16, DataType.FLOAT, DataType.FLOAT16, DataType.FLOAT]);
    const mask = g.node.find((n) => n.output[0] === 'mask')!.attribute[0]!.t!;
    expect(mask.dataType).toBe(DataType.FLOAT16);
    expect(new Uint16Array(mask.rawData.slice().buffer)[1]).toBe(0xfbff); // -65504
    const [q, float] = await Promise.all([runDefault(out, m.feeds), runDefault(m.bytes, m.feeds)]);
    expect(q.idx).toEqual(float.idx);
    expect(worstDifference(q.y!, float.y!)).toBeLessThanOrEqual(2 ** -10 * maxAbs(float.y!));
  });
});

describe('subgraphs: If branches and a Loop body are converted like the graph', () => {
  const bytes = subgraphModel(13);

  it.each([true, false])('fp16 and q4f16 run (cond %s), within the float16 roundings at the control-flow boundaries', async (cond) => {
    const feeds: Record<string, Feed> = { x: { type: 'float32', data: normal(5, 32, 1), dims: [2, 16] }, cond: { type: 'bool', data: Uint8Array.of(cond ? 1 : 0), dims: [] } };
    const { model: out, report } = quantizeOnnxModelWithReport(bytes, { mode: 'fp16' });
    expect(report.float16).toMatchObject({ initializers: 4, keptFloat32: [] });
    const floatTypes: string[] = [];
    forEachGraph(readOnnxModel(out).graph!, (g, path) => {
      for (const t of g.initializer) if (t.dataType === DataType.FLOAT) floatTypes.push(`${path}/${t.name}`);
      if (path !== 'graph') for (const v of [...g.input, ...g.output]) if (v.type?.value.case === 'tensorType' && v.type.value.value.elemType === DataType.FLOAT) floatTypes.push(`${path}/${v.name}`);
    });
    expect(floatTypes).toEqual([]);
    const q4f16 = quantizeOnnxModelWithReport(bytes, { mode: 'matmul-nbits', float16: true });
    expect(q4f16.report.weights.map((w) => [w.name, w.dtype])).toEqual([['first.weight', 'float16'], ['outer.weight', 'float16'], ['then.weight', 'float16'], ['loop.weight', 'float16']]);
    const q4 = quantizeOnnxModelWithReport(bytes, { mode: 'matmul-nbits' }).model;
    const [q, q4h, ref, float, q4f] = await Promise.all([runDefault(out, feeds), runDefault(q4f16.model, feeds), runDefault(float16ReferenceModel(bytes, new Set()), feeds), runDefault(bytes, feeds), runDefault(q4, feeds)]);
    const worst = worstDifference(q.z!, ref.z!);
    const limit = 2 ** -7 * maxAbs(ref.z!);
    expect(worst).toBeLessThanOrEqual(limit);
    const error = quantizationError(float.z!, q.z!);
    expect(error.cosine).toBeGreaterThanOrEqual(0.9999);
    // This toy model's 4-bit error is large with cond false (K = 16: one half-empty block; three tanh steps): q4f16 must
    // be as accurate as q4 (float32 graph) is, within 10^-3 of cosine.
    const error4 = quantizationError(float.z!, q4h.z!);
    expect(Math.abs(error4.cosine - quantizationError(float.z!, q4f.z!).cosine)).toBeLessThanOrEqual(1e-3);
    figures.push(`| If + Loop (cond ${cond}) | fp16 | ${error.cosine.toFixed(7)} | ${error.sqnrDb.toFixed(1)} | ${bytes.byteLength} -> ${out.byteLength} | max diff ${(worst / maxAbs(ref.z!)).toExponential(1)} of max z (bound ${(2 ** -7).toExponential(1)}) |`);
    figures.push(`| If + Loop (cond ${cond}) | q4f16 | ${error4.cosine.toFixed(6)} | ${error4.sqnrDb.toFixed(1)} | ${bytes.byteLength} -> ${q4f16.model.byteLength} | q4 (float32 graph): cosine ${quantizationError(float.z!, q4f.z!).cosine.toFixed(6)} |`);
  });
});

describe('type attributes', () => {
  it('ConstantOfShape without a value, Cast(to=FLOAT), Shape: float16 values, int64 shapes untouched, outputs agree', async () => {
    const w = Float32Array.from({ length: 8 }, (_, i) => 0.5 + i / 16);
    const g = graph({
      nodes: [
        node('Shape', ['x'], ['s']),
        node('ConstantOfShape', ['s'], ['zeros']),
        node('Add', ['x', 'zeros'], ['a']),
        node('Cast', ['a'], ['c'], { to: DataType.FLOAT }),
        node('Mul', ['c', 'w'], ['y']),
      ],
      initializers: [floatTensor('w', [8], w)],
      inputs: [tensorValue('x', DataType.FLOAT, [2, 8])],
      outputs: [tensorValue('y', DataType.FLOAT, [2, 8])],
    });
    const bytes = model(13, g);
    const { model: out } = quantizeOnnxModelWithReport(bytes, { mode: 'fp16' });
    const nodes = readOnnxModel(out).graph!.node;
    expect(nodes.find((n) => n.opType === 'ConstantOfShape')!.attribute[0]!.t).toMatchObject({ dataType: DataType.FLOAT16, dims: [1n] });
    expect(Number(nodes.find((n) => n.output[0] === 'c')!.attribute[0]!.i)).toBe(DataType.FLOAT16);
    const feeds: Record<string, Feed> = { x: { type: 'float32', data: normal(9, 16, 1), dims: [2, 8] } };
    const [q, ref] = await Promise.all([runDefault(out, feeds), runDefault(float16ReferenceModel(bytes, new Set()), feeds)]);
    expect(bitsOf(q.y!)).toEqual(bitsOf(ref.y!));
  });
});

describe('bad input and options', () => {
  it('a float16 model: E_ONNX_ALREADY_FLOAT16; nothing written by quant onnx', async () => {
    const w = Uint16Array.from({ length: 64 }, (_, i) => 0x3c00 + i);
    const g = graph({ nodes: [node('MatMul', ['x', 'w'], ['y'])], initializers: [halfTensor('w', [8, 8], w)], inputs: [tensorValue('x', DataType.FLOAT16, [1, 8])], outputs: [tensorValue('y', DataType.FLOAT16, [1, 8])] });
    const bytes = model(13, g);
    expect(() => quantizeOnnxModelWithReport(bytes, { mode: 'fp16' })).toThrow(expect.objectContaining({ code: OnnxErrorCodes.ALREADY_FLOAT16 }));
    expect(() => quantizeOnnxModelWithReport(bytes, { mode: 'matmul-nbits', float16: true })).toThrow(expect.objectContaining({ code: OnnxErrorCodes.ALREADY_FLOAT16 }));
    const input = join(dir, 'half.onnx');
    writeFileSync(input, bytes);
    let stderr = '';
    const status = await runOnnxCommand([input, '-o', join(dir, 'half_fp16.onnx'), '--mode', 'fp16'], { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } });
    expect(status).toBe(5);
    expect(stderr).toContain('E_ONNX_ALREADY_FLOAT16');
    expect(existsSync(join(dir, 'half_fp16.onnx'))).toBe(false);
  });

  it('a subgraph the conversion does not know (a custom operator holding one): E_ONNX_FLOAT16, naming the node', () => {
    const body = graph({ name: 'body', nodes: [node('Identity', ['x'], ['b_y'])], outputs: [tensorValue('b_y', DataType.FLOAT, [1, 4])] });
    const g = graph({
      nodes: [node('Map', ['x'], ['y'], { body }, 'custom')],
      initializers: [floatTensor('unused', [4], new Float32Array(4))],
      inputs: [tensorValue('x', DataType.FLOAT, [1, 4])],
      outputs: [tensorValue('y', DataType.FLOAT, [1, 4])],
    });
    g.node[0]!.domain = 'example.custom';
    g.valueInfo.push(tensorValue('y', DataType.FLOAT, [1, 4]));
    expect(() => quantizeOnnxModelWithReport(model(13, g), { mode: 'fp16' })).toThrow(expect.objectContaining({ code: OnnxErrorCodes.FLOAT16, message: expect.stringContaining("Map 'custom'") }));
  });

  it('an operator it does not know, without value_info: E_ONNX_FLOAT16', () => {
    const g = graph({ nodes: [node('Frobnicate', ['x'], ['y'])], initializers: [floatTensor('w', [4], new Float32Array(4))], inputs: [tensorValue('x', DataType.FLOAT, [4])], outputs: [tensorValue('z', DataType.FLOAT, [4])] });
    g.node[0]!.domain = 'example.custom';
    expect(() => quantizeOnnxModelWithReport(model(13, g), { mode: 'fp16' })).toThrow(expect.objectContaining({ code: OnnxErrorCodes.FLOAT16 }));
  });

  it('options: fp16 takes no quantization option; float16 only with matmul-nbits', () => {
    const bytes = mlp(13).bytes;
    for (const options of [{ mode: 'fp16', bits: 8 }, { mode: 'fp16', exclude: ['fc1.*'] }, { mode: 'qdq', float16: true }, { mode: 'dynamic', float16: true }, { mode: 'fp16', float16: false }] as const) {
      expect(() => quantizeOnnxModelWithReport(bytes, options)).toThrow(expect.objectContaining({ code: OnnxErrorCodes.OPTION }));
    }
  });
});

describe('external data', () => {
  it('fp16 and q4f16 of a model with external data: the same outputs as the in-memory conversion, payloads external', async () => {
    const m = transformerBlock(13);
    const folder = mkdtempSync(join(dir, 'ext-'));
    const input = writeWithExternalData(m.bytes, folder, 'model.onnx');
    for (const [suffix, options] of [['fp16', { mode: 'fp16' }], ['q4f16', { mode: 'matmul-nbits', float16: true }]] as const) {
      const output = join(folder, `model_${suffix}.onnx`);
      const report: OnnxQuantizationReport = await quantizeOnnxFile(input, output, options);
      expect(report.externalData?.location).toBe(`model_${suffix}.onnx_data`);
      const inMemory = quantizeOnnxModelWithReport(m.bytes, options);
      expect(report.float16).toEqual(inMemory.report.float16);
      const [fromFile, fromBytes] = await Promise.all([runModel(output, m.feeds), runModel(inMemory.model, m.feeds)]);
      expect(bitsOf(fromFile.y!)).toEqual(bitsOf(fromBytes.y!));
    }
    expect(readdirSync(folder).sort()).toEqual(['model.onnx', 'model.onnx_data', 'model_fp16.onnx', 'model_fp16.onnx_data', 'model_q4f16.onnx', 'model_q4f16.onnx_data']);
  });
});

describe('quant onnx --mode fp16, --float16', () => {
  it('writes the float16 model and q4f16 with its --report (errors against the float16 weights)', async () => {
    const folder = mkdtempSync(join(dir, 'cli-'));
    const input = join(folder, 'model.onnx');
    writeFileSync(input, mlp(13).bytes);
    const io = () => {
      const out = { stdout: '', stderr: '' };
      return { out, io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } } };
    };
    const a = io();
    expect(await runOnnxCommand([input, '-o', join(folder, 'model_fp16.onnx'), '--mode', 'fp16'], a.io)).toBe(0);
    expect(a.out.stdout).toMatch(/fp16, converted to float16.*\n {2}float16: 4 initializer\(s\), 0 constant\(s\), 2 Cast\(s\)/);
    expect(new Uint8Array(readFileSync(join(folder, 'model_fp16.onnx')))).toEqual(quantizeOnnxModelWithReport(mlp(13).bytes, { mode: 'fp16' }).model);
    const b = io();
    expect(await runOnnxCommand([input, '-o', join(folder, 'model_q4f16.onnx'), '--mode', 'matmul-nbits', '--float16', '--report', join(folder, 'r.json')], b.io)).toBe(0);
    const rows = JSON.parse(readFileSync(join(folder, 'r.json'), 'utf8')) as { name: string; error: { sqnrDb: number } }[];
    expect(rows.map((r) => r.name)).toEqual(['fc1.weight', 'fc2.weight']);
    for (const r of rows) expect(r.error.sqnrDb).toBeGreaterThan(15);
    const c = io();
    expect(await runOnnxCommand([input, '-o', join(folder, 'x.onnx'), '--mode', 'fp16', '--report', join(folder, 'x.json')], c.io)).toBe(2);
    expect(existsSync(join(folder, 'x.onnx'))).toBe(false);
  });
});
