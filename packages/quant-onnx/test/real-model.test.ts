import { create, toBinary } from '@bufbuild/protobuf';
import { readFileSync } from 'node:fs';
import { quantizationError } from '@quantkit/quant';
import { Rng } from '@quantkit/quant-conformance/random';
import { describe, expect, it } from 'vitest';
import { ModelProtoSchema, ValueInfoProtoSchema } from '../src/generated/onnx_pb.js';
import { OnnxErrorCodes, quantizeOnnxModelWithReport, readOnnxModel, type QuantizeOnnxOptions } from '../src/index.js';
import { fakeQuantizedModel } from './helpers/fake-quantized.js';
import { runModel } from './helpers/ort.js';

/*
 * A real model from the npm registry (test/fixtures/README.md: openwakeword-js's hello_deepa.onnx, PyTorch-exported,
 * opset 13, three Gemm layers with layer norms). The logits (the last Gemm's output, exposed as a second output) of
 * eight seeded inputs must be bit-identical to the fake-quantized model's, and close to the float model's.
 */

const FIXTURE = new URL('./fixtures/openwakeword-hello_deepa.onnx', import.meta.url);
const LOGITS = '/last_layer/Gemm_output_0';

function withLogits(bytes: Uint8Array): Uint8Array {
  const model = readOnnxModel(bytes);
  model.graph!.output.push(create(ValueInfoProtoSchema, { name: LOGITS }));
  return toBinary(ModelProtoSchema, model);
}

async function logits(model: Uint8Array): Promise<Float32Array> {
  const rng = new Rng(15);
  const out = new Float32Array(8);
  for (let i = 0; i < 8; i++) {
    const data = Float32Array.from({ length: 25 * 96 }, () => rng.normal());
    out[i] = (await runModel(model, { 'onnx::Flatten_0': { type: 'float32', data, dims: [1, 25, 96] } }))[LOGITS]![0]!;
  }
  return out;
}

describe('a real model (openwakeword hello_deepa, opset 13)', () => {
  const original = withLogits(new Uint8Array(readFileSync(FIXTURE)));

  it.each<[string, QuantizeOnnxOptions, number]>([
    ['int8 per channel', {}, 0.999],
    ['uint8 per channel, affine', { scheme: 'affine' }, 0.999],
    ['int8 per tensor', { granularity: 'tensor' }, 0.995],
  ])('qdq %s: bit-identical to the fake-quantized model', async (_label, options, minCosine) => {
    const { model, report } = quantizeOnnxModelWithReport(original, options);
    expect(report.weights.map((w) => [w.name, w.layout])).toEqual(
      ['layer1.weight', 'blocks.0.fcn_layer.weight', 'last_layer.weight'].map((n) => [n, options.granularity === 'tensor' ? { granularity: 'tensor' } : { granularity: 'channel', axis: 0 }]),
    );
    const [q, ref, float] = await Promise.all([logits(model), logits(fakeQuantizedModel(original, report, options)), logits(original)]);
    expect(new Uint32Array(q.buffer)).toEqual(new Uint32Array(ref.buffer));
    const error = quantizationError(float, q);
    console.log(`hello_deepa qdq ${_label}: logits cosine ${error.cosine.toFixed(6)}, SQNR ${error.sqnrDb.toFixed(1)} dB, ${original.byteLength} -> ${model.byteLength} bytes`);
    expect(error.cosine).toBeGreaterThanOrEqual(minCosine);
  });

  it('matmul-nbits and dynamic: nothing to quantize (Gemm only; onnxruntime quantizes neither Gemm that way)', () => {
    for (const mode of ['matmul-nbits', 'dynamic'] as const) {
      expect(() => quantizeOnnxModelWithReport(original, { mode })).toThrow(expect.objectContaining({ code: OnnxErrorCodes.NOTHING_TO_QUANTIZE }));
    }
  });
});
