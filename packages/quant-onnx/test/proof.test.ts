import { quantizationError } from '@quantkit/quant';
import { afterAll, describe, expect, it } from 'vitest';
import { quantizeOnnxModelWithReport, type OnnxQuantizationReport, type QuantizeOnnxOptions } from '../src/index.js';
import { fakeQuantizedModel } from './helpers/fake-quantized.js';
import { cnn, embedding, gemm, mlp, type TestModel } from './helpers/models.js';
import { runModel } from './helpers/ort.js';

/*
 * The proof: each model is quantized, run in onnxruntime-node (optimizations off), and its outputs must equal, bit for
 * bit, those of the original model whose weights were replaced by quantkit's fakeQuantize of them. The outputs are also
 * compared with the float model (cosine, SQNR), and the file size with its payloads.
 *
 * Minimum cosines, derived (docs/ONNX.md "Accuracy"): uniform rounding noise has variance step^2 / 12. 8-bit per
 * channel on these normal weights: step ~ 2 * 2.8 sigma / 255, weight SQNR ~ 44 dB; two layers stacked lose ~3 dB, so
 * outputs near 40 dB, cosine ~ 1 - 1 / (2 * 10^4): 0.999 leaves a margin of 20x in noise power. 4-bit blocks of 32:
 * step ~ 4.1 sigma / 15 (affine) or 2.3 sigma / 7 (symmetric), weight SQNR ~ 20-22 dB, outputs after two or three
 * layers ~ 16-19 dB, cosine ~ 0.99; the minimum 0.98 (an SQNR of ~14 dB) leaves a margin of 2-3 dB.
 */

interface Mode {
  readonly label: string;
  readonly opset: number;
  readonly options: QuantizeOnnxOptions;
  readonly minCosine: number;
}

const MODES: readonly Mode[] = [
  { label: 'int8 per channel (default)', opset: 13, options: {}, minCosine: 0.999 },
  { label: 'uint8 per channel, affine', opset: 13, options: { scheme: 'affine' }, minCosine: 0.999 },
  { label: 'int8 per tensor', opset: 13, options: { granularity: 'tensor' }, minCosine: 0.995 },
  { label: 'int8 per channel', opset: 21, options: {}, minCosine: 0.999 },
  { label: 'int16 per channel', opset: 21, options: { bits: 16 }, minCosine: 0.999999 },
  { label: 'uint4 blocks of 32, affine', opset: 21, options: { bits: 4, granularity: 'block', blockSize: 32, scheme: 'affine' }, minCosine: 0.98 },
  { label: 'int4 blocks of 32', opset: 21, options: { bits: 4, granularity: 'block', blockSize: 32 }, minCosine: 0.98 },
  { label: 'int4 per channel', opset: 21, options: { bits: 4 }, minCosine: 0.95 },
];

const MODELS: readonly ((opset: number) => TestModel)[] = [mlp, gemm, cnn, embedding];

const figures: string[] = [];

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** The size the output should have: the input less the float payloads it replaced, plus the new payloads. */
function expectedBytes(report: OnnxQuantizationReport): number {
  let size = report.inputBytes;
  for (const w of report.weights) size += w.codeBytes + w.scaleBytes + w.zeroPointBytes - w.floatBytes;
  return size;
}

describe.each(MODES)('$label, opset $opset', (mode) => {
  it.each(MODELS.map((make) => make(mode.opset)))('$name: bit-identical to the fake-quantized model in onnxruntime', async (m) => {
    const { model, report } = quantizeOnnxModelWithReport(m.bytes, mode.options);

    const axes = mode.options.granularity === 'block' ? m.blockAxes : mode.options.granularity === 'tensor' ? undefined : m.channelAxes;
    for (const w of report.weights) {
      if (axes === undefined) expect(w.layout).toEqual({ granularity: 'tensor' });
      else expect((w.layout as { axis: number }).axis, w.name).toBe(axes[w.name]);
    }
    expect(report.weights.map((w) => w.name).sort()).toEqual(Object.keys(m.channelAxes).sort());

    const [quantized, reference, float] = await Promise.all([runModel(model, m.feeds), runModel(fakeQuantizedModel(m.bytes, report, mode.options), m.feeds), runModel(m.bytes, m.feeds)]);
    expect(bits(quantized.y!)).toEqual(bits(reference.y!));

    const error = quantizationError(float.y!, quantized.y!);
    expect(error.cosine).toBeGreaterThanOrEqual(mode.minCosine);

    const expected = expectedBytes(report);
    expect(Math.abs(model.byteLength - expected) / expected).toBeLessThanOrEqual(0.02);
    figures.push(
      `| ${m.name} | ${mode.label} | ${mode.opset} | ${error.cosine.toFixed(6)} | ${error.sqnrDb.toFixed(1)} | ${m.bytes.byteLength} -> ${model.byteLength} | ${(((model.byteLength - expected) / expected) * 100).toFixed(2)}% |`,
    );
  });
});

afterAll(() => {
  console.log(['| model | mode | opset | cosine | SQNR dB | bytes | size vs payloads |', '|---|---|---|---|---|---|---|', ...figures.sort()].join('\n'));
});
