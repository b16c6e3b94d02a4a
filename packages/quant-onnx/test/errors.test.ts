import { create, toBinary } from '@bufbuild/protobuf';
import { Rng } from '@quantkit/quant-conformance/random';
import { describe, expect, it } from 'vitest';
import { ModelProtoSchema, TensorProto_DataLocation } from '../src/generated/onnx_pb.js';
import { OnnxError, OnnxErrorCodes, quantizeOnnxModel, readOnnxModel, type QuantizeOnnxOptions } from '../src/index.js';
import { floatTensor, graph, model, node, tensorValue, DataType } from './helpers/build-model.js';
import { mlp } from './helpers/models.js';

/** The OnnxError `run` throws (undefined when it throws none; anything else is rethrown). */
function thrown(run: () => unknown): OnnxError | undefined {
  try {
    run();
  } catch (e) {
    if (e instanceof OnnxError) return e;
    throw e;
  }
  return undefined;
}

const codeOf = (run: () => unknown) => thrown(run)?.code;
const errorOf = (run: () => unknown) => thrown(run) ?? expect.fail('no error thrown');

describe('inputs that are not (whole) ONNX models', () => {
  it('random bytes: E_ONNX_PARSE', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const rng = new Rng(seed);
      const bytes = Uint8Array.from({ length: 4096 }, () => rng.int(0, 255));
      expect(codeOf(() => quantizeOnnxModel(bytes)), `seed ${seed}`).toBe(OnnxErrorCodes.PARSE);
    }
  });

  it('text that is not a model, and empty input: E_ONNX_PARSE', () => {
    expect(codeOf(() => quantizeOnnxModel(new TextEncoder().encode('{"not": "onnx"}')))).toBe(OnnxErrorCodes.PARSE);
    expect(codeOf(() => quantizeOnnxModel(new Uint8Array(0)))).toBe(OnnxErrorCodes.PARSE);
  });

  it('a truncated model: E_ONNX_PARSE, wherever it is cut inside the graph', () => {
    const bytes = mlp(13).bytes;
    for (const fraction of [0.01, 0.1, 0.5, 0.9, 0.999]) {
      const cut = bytes.subarray(0, Math.floor(bytes.length * fraction));
      expect(codeOf(() => quantizeOnnxModel(cut)), `cut at ${fraction}`).toBe(OnnxErrorCodes.PARSE);
    }
  });

  it('over the 2 GiB protobuf limit: E_ONNX_TOO_LARGE, before decoding anything', () => {
    const huge = new Uint8Array(2 ** 31); // zero pages, never touched
    const error = errorOf(() => quantizeOnnxModel(huge));
    expect(error.code).toBe(OnnxErrorCodes.TOO_LARGE);
    expect(error.message).toMatch(/2 GiB protobuf limit.*external data/);
  });

  it('a model with external data given as bytes (no folder to read it from): E_ONNX_EXTERNAL_DATA', () => {
    const weight = floatTensor('fc.weight', [4, 4], new Float32Array(16));
    weight.rawData = new Uint8Array(0);
    weight.dataLocation = TensorProto_DataLocation.EXTERNAL;
    weight.externalData = [
      { $typeName: 'onnx.StringStringEntryProto', key: 'location', value: 'weights.bin' },
      { $typeName: 'onnx.StringStringEntryProto', key: 'length', value: '64' },
    ];
    const g = graph({ nodes: [node('MatMul', ['x', 'fc.weight'], ['y'])], initializers: [weight], inputs: [tensorValue('x', DataType.FLOAT, [1, 4])], outputs: [tensorValue('y', DataType.FLOAT, [1, 4])] });
    const error = errorOf(() => quantizeOnnxModel(model(13, g)));
    expect(error.code).toBe(OnnxErrorCodes.EXTERNAL_DATA);
    expect(error.message).toMatch(/fc\.weight.*give it as a file/);
  });

  it('a model without a default-domain opset: E_ONNX_INVALID', () => {
    const m = readOnnxModel(mlp(13).bytes);
    m.opsetImport = [];
    expect(codeOf(() => quantizeOnnxModel(toBinary(ModelProtoSchema, m)))).toBe(OnnxErrorCodes.INVALID);
  });

  it('an initializer whose data disagrees with its dims: E_ONNX_INVALID naming it', () => {
    const m = readOnnxModel(mlp(13).bytes);
    const w = m.graph!.initializer.find((t) => t.name === 'fc1.weight')!;
    w.rawData = w.rawData.subarray(0, 100);
    const error = errorOf(() => quantizeOnnxModel(toBinary(ModelProtoSchema, m)));
    expect(error.code).toBe(OnnxErrorCodes.INVALID);
    expect(error.tensor).toBe('fc1.weight');
  });

  it('a ModelProto without a graph: E_ONNX_PARSE', () => {
    const bytes = toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 7n, opsetImport: [{ domain: '', version: 13n }] }));
    expect(codeOf(() => quantizeOnnxModel(bytes))).toBe(OnnxErrorCodes.PARSE);
  });
});

describe('opset too low for the mode: E_ONNX_OPSET naming the opset needed', () => {
  const cases: [number, QuantizeOnnxOptions, RegExp][] = [
    [12, {}, /per-channel DequantizeLinear \(axis\) needs opset 13; the model imports ai\.onnx opset 12/],
    [13, { bits: 4 }, /int4 DequantizeLinear needs opset 21/],
    [19, { bits: 4, scheme: 'affine', granularity: 'tensor' }, /uint4 DequantizeLinear needs opset 21/],
    [17, { granularity: 'block' }, /blocked DequantizeLinear \(block_size\) needs opset 21/],
    [13, { bits: 16 }, /int16 DequantizeLinear needs opset 21/],
  ];
  it.each(cases)('opset %i with %j', (opset, options, message) => {
    const error = errorOf(() => quantizeOnnxModel(mlp(opset).bytes, options));
    expect(error.code).toBe(OnnxErrorCodes.OPSET);
    expect(error.message).toMatch(message);
  });

  it('per tensor, 8 bits runs from opset 10', () => {
    expect(quantizeOnnxModel(mlp(10).bytes, { granularity: 'tensor' }).byteLength).toBeGreaterThan(0);
  });
});

describe('options: E_ONNX_OPTION', () => {
  const bad: [string, unknown][] = [
    ['bits 5', { bits: 5 }],
    ['bits "8"', { bits: '8' }],
    ['scheme', { scheme: 'asymmetric' }],
    ['granularity', { granularity: 'row' }],
    ['mode', { mode: 'int8' }],
    ['bits 16 with matmul-nbits', { mode: 'matmul-nbits', bits: 16 }],
    ['blockSize 48 with matmul-nbits', { mode: 'matmul-nbits', blockSize: 48 }],
    ['blockSize 512 with matmul-nbits', { mode: 'matmul-nbits', blockSize: 512 }],
    ['granularity channel with matmul-nbits', { mode: 'matmul-nbits', granularity: 'channel' }],
    ['bits 4 with dynamic', { mode: 'dynamic', bits: 4 }],
    ['Gemm with dynamic', { mode: 'dynamic', ops: ['Gemm'] }],
    ['unknown calibrator', { calibrate: 'median' }],
    ['calibrator option of another method', { calibrate: { method: 'mse', percentile: 99 } }],
    ['blockSize without block granularity', { blockSize: 32 }],
    ['blockSize 1', { granularity: 'block', blockSize: 1 }],
    ['blockSize 2.5', { granularity: 'block', blockSize: 2.5 }],
    ['unknown op', { ops: ['MatMul', 'Attention'] }],
    ['empty ops', { ops: [] }],
    ['empty exclude pattern', { exclude: [''] }],
    ['unknown key', { axis: 0 }],
  ];
  it.each(bad)('%s', (_label, options) => {
    expect(codeOf(() => quantizeOnnxModel(mlp(21).bytes, options as QuantizeOnnxOptions))).toBe(OnnxErrorCodes.OPTION);
  });
});

describe('weights the library cannot quantize', () => {
  it('a weight holding Infinity: E_ONNX_QUANTIZATION naming it, with the QuantError as cause', () => {
    const values = new Float32Array(16).fill(0.5);
    values[3] = Infinity;
    const g = graph({ nodes: [node('MatMul', ['x', 'bad.weight'], ['y'])], initializers: [floatTensor('bad.weight', [4, 4], values)], inputs: [tensorValue('x', DataType.FLOAT, [1, 4])], outputs: [tensorValue('y', DataType.FLOAT, [1, 4])] });
    const error = errorOf(() => quantizeOnnxModel(model(13, g)));
    expect(error.code).toBe(OnnxErrorCodes.QUANTIZATION);
    expect(error.tensor).toBe('bad.weight');
    expect((error.cause as { code?: string }).code).toBe('ERR_QUANT_RANGE');
  });

  it('no weight input of the selected operators: E_ONNX_NOTHING_TO_QUANTIZE', () => {
    expect(codeOf(() => quantizeOnnxModel(mlp(13).bytes, { ops: ['Conv'] }))).toBe(OnnxErrorCodes.NOTHING_TO_QUANTIZE);
    expect(codeOf(() => quantizeOnnxModel(mlp(13).bytes, { exclude: ['fc*'] }))).toBe(OnnxErrorCodes.NOTHING_TO_QUANTIZE);
  });
});

describe('opsets', () => {
  it('an unknown (future) ai.onnx opset: E_ONNX_OPSET; opset 0: E_ONNX_INVALID', () => {
    expect(errorOf(() => quantizeOnnxModel(mlp(27).bytes)).message).toMatch(/opset 27, which is unknown here \(the latest known is 26\)/);
    expect(codeOf(() => quantizeOnnxModel(mlp(27).bytes))).toBe(OnnxErrorCodes.OPSET);
    expect(codeOf(() => quantizeOnnxModel(mlp(0).bytes))).toBe(OnnxErrorCodes.INVALID);
    expect(quantizeOnnxModel(mlp(26).bytes).byteLength).toBeGreaterThan(0);
  });

  it('dynamic needs opset 11 (DynamicQuantizeLinear)', () => {
    expect(errorOf(() => quantizeOnnxModel(mlp(10).bytes, { mode: 'dynamic' })).message).toMatch(/DynamicQuantizeLinear \(mode dynamic\) needs opset 11/);
  });
});

describe('weights shared by readers of different kinds', () => {
  const shared = () =>
    graph({
      nodes: [node('MatMul', ['x', 'w'], ['h']), node('Gemm', ['h', 'w'], ['y'], { transB: 1 })],
      initializers: [floatTensor('w', [16, 16], Float32Array.from({ length: 256 }, (_, i) => Math.sin(i)))],
      inputs: [tensorValue('x', DataType.FLOAT, [2, 16])],
      outputs: [tensorValue('y', DataType.FLOAT, [2, 16])],
    });
  it.each<[string, QuantizeOnnxOptions]>([
    ['matmul-nbits', { mode: 'matmul-nbits' }],
    ['dynamic', { mode: 'dynamic' }],
  ])('%s: E_ONNX_SHARED_WEIGHT naming the weight and the other reader', (_label, options) => {
    const error = errorOf(() => quantizeOnnxModel(model(13, shared()), options));
    expect(error.code).toBe(OnnxErrorCodes.SHARED_WEIGHT);
    expect(error.tensor).toBe('w');
    expect(error.message).toMatch(/Gemm 'Gemm#1'/);
  });

  it('--exclude keeps it float instead', () => {
    expect(codeOf(() => quantizeOnnxModel(model(13, shared()), { mode: 'matmul-nbits', exclude: ['w'] }))).toBe(OnnxErrorCodes.NOTHING_TO_QUANTIZE);
  });
});

describe('a model quantized by a mode, quantized again', () => {
  it.each<[QuantizeOnnxOptions]>([[{}], [{ mode: 'matmul-nbits' }], [{ mode: 'dynamic' }]])('%j: E_ONNX_ALREADY_QUANTIZED in every mode', (first) => {
    const once = quantizeOnnxModel(mlp(21).bytes, first);
    for (const again of [{}, { mode: 'matmul-nbits' }, { mode: 'dynamic' }] as QuantizeOnnxOptions[]) {
      expect(codeOf(() => quantizeOnnxModel(once, again)), JSON.stringify(again)).toBe(OnnxErrorCodes.ALREADY_QUANTIZED);
    }
  });
});
