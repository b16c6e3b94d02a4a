import { describe, expect, it } from 'vitest';
import { dequantize, ErrorCodes, kernels, quantizationError, quantize, QuantError, type QuantizedTensor } from './helpers/api.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(QuantError);
    expect((e as Error).message.length).toBeGreaterThan(10);
    return (e as QuantError).code;
  }
  throw new Error('expected a QuantError');
}

const x = new Float32Array([1, 2, 3, 4, 5, 6]);
const qt: QuantizedTensor = quantize(x);
const spec = { qmin: 0, qmax: 255, profile: 'onnx' } as const;

describe('bad input gets a QuantError with a stable code', () => {
  it('wrong array type', () => {
    expect(codeOf(() => quantize([1, 2, 3] as unknown as Float32Array))).toBe(ErrorCodes.INPUT_TYPE);
    expect(codeOf(() => quantize(new Int32Array(3) as unknown as Float32Array))).toBe(ErrorCodes.INPUT_TYPE);
    expect(codeOf(() => kernels.dequantizeTensor(new Float32Array(2) as unknown as Uint8Array, 1, 0, new Float32Array(2)))).toBe(ErrorCodes.INPUT_TYPE);
    expect(codeOf(() => dequantize({ ...qt, data: new Int8Array(6) }))).toBe(ErrorCodes.INPUT_TYPE);
    expect(codeOf(() => quantizationError('abc' as unknown as number[], [1]))).toBe(ErrorCodes.INPUT_TYPE);
  });

  it('bits outside 2..16', () => {
    for (const bits of [1, 17, 8.5, NaN, '8']) expect(codeOf(() => quantize(x, { bits: bits as number }))).toBe(ErrorCodes.BITS);
  });

  it('non-integer or out-of-range axis', () => {
    for (const axis of [2, -3, 0.5, NaN]) expect(codeOf(() => quantize(x, { shape: [2, 3], granularity: { axis } }))).toBe(ErrorCodes.AXIS);
  });

  it('shape / length mismatch', () => {
    expect(codeOf(() => quantize(x, { shape: [2, 2] }))).toBe(ErrorCodes.SHAPE);
    expect(codeOf(() => quantize(x, { shape: [2, -3] }))).toBe(ErrorCodes.SHAPE);
    expect(codeOf(() => quantizationError([1, 2], [1]))).toBe(ErrorCodes.SHAPE);
    expect(codeOf(() => dequantize({ ...qt, shape: [7] }))).toBe(ErrorCodes.SHAPE);
  });

  it('blockSize < 1 or not an integer', () => {
    for (const blockSize of [0, -1, 1.5]) expect(codeOf(() => quantize(x, { shape: [2, 3], granularity: { axis: 1, blockSize } }))).toBe(ErrorCodes.BLOCK_SIZE);
  });

  it('scale <= 0, NaN or Inf', () => {
    for (const scale of [0, -1, NaN, Infinity, 1e-50, 1e39]) expect(codeOf(() => quantize(x, { scale }))).toBe(ErrorCodes.SCALE);
    expect(codeOf(() => quantize(x, { shape: [2, 3], granularity: { axis: 0 }, scale: [1] }))).toBe(ErrorCodes.SCALE);
    expect(codeOf(() => kernels.quantizeTensor(x, 0, 0, spec, new Uint8Array(6)))).toBe(ErrorCodes.SCALE);
    expect(codeOf(() => dequantize({ ...qt, scale: -2 }))).toBe(ErrorCodes.SCALE);
  });

  it("zero point outside the type's range", () => {
    for (const zeroPoint of [-1, 256, 1.5]) expect(codeOf(() => quantize(x, { scale: 1, zeroPoint }))).toBe(ErrorCodes.ZERO_POINT);
    expect(codeOf(() => quantize(x, { scheme: 'symmetric', bits: 4, scale: 1, zeroPoint: 8 }))).toBe(ErrorCodes.ZERO_POINT);
    expect(codeOf(() => kernels.quantizeTensor(x, 1, 300, spec, new Uint8Array(6)))).toBe(ErrorCodes.ZERO_POINT);
  });

  it('output buffer of the wrong type or length', () => {
    expect(codeOf(() => dequantize(qt, new Float32Array(5)))).toBe(ErrorCodes.OUTPUT);
    expect(codeOf(() => dequantize(qt, new Int32Array(6) as unknown as Float32Array))).toBe(ErrorCodes.INPUT_TYPE);
    expect(codeOf(() => kernels.quantizeTensor(x, 1, 0, spec, new Uint8Array(5)))).toBe(ErrorCodes.OUTPUT);
    expect(codeOf(() => kernels.quantizeTensor(x, 1, 0, spec, new Float32Array(6) as unknown as Uint8Array))).toBe(ErrorCodes.OUTPUT);
    expect(codeOf(() => kernels.dequantizeTensor(new Uint8Array(6), 1, 0, new Float32Array(7)))).toBe(ErrorCodes.OUTPUT);
    expect(codeOf(() => kernels.minMaxAxis(x, { outer: 1, channels: 6, inner: 1 }, new Float64Array(5), new Float64Array(6)))).toBe(ErrorCodes.OUTPUT);
    // A [qmin, qmax] the output array cannot hold.
    expect(codeOf(() => kernels.quantizeTensor(x, 1, 0, { qmin: 0, qmax: 300, profile: 'onnx' }, new Uint8Array(6)))).toBe(ErrorCodes.BITS);
  });

  it('packed data of the wrong length, or packing a width other than 2 or 4', () => {
    const packed = quantize(x, { bits: 4, packed: true });
    expect(codeOf(() => dequantize({ ...packed, data: new Uint8Array(2) }))).toBe(ErrorCodes.PACKED);
    expect(codeOf(() => quantize(x, { bits: 3, packed: true }))).toBe(ErrorCodes.PACKED);
    expect(codeOf(() => kernels.pack(new Uint8Array(5), 4, new Uint8Array(2)))).toBe(ErrorCodes.PACKED);
    expect(codeOf(() => kernels.unpack(new Uint8Array(1), 2, false, new Uint8Array(5)))).toBe(ErrorCodes.PACKED);
  });

  it('unknown option values', () => {
    expect(codeOf(() => quantize(x, { scheme: 'asym' as 'affine' }))).toBe(ErrorCodes.OPTION);
    expect(codeOf(() => quantize(x, { profile: 'tflite' as 'onnx' }))).toBe(ErrorCodes.OPTION);
    expect(codeOf(() => quantize(x, { granularity: 'channel' as 'tensor' }))).toBe(ErrorCodes.OPTION);
    expect(codeOf(() => quantize(x, { range: 'max' as 'minmax' }))).toBe(ErrorCodes.OPTION);
    expect(codeOf(() => quantize(x, { packed: 'yes' as unknown as boolean }))).toBe(ErrorCodes.OPTION);
    expect(codeOf(() => quantize(x, { scale: 1, range: { min: 0, max: 1 } }))).toBe(ErrorCodes.OPTION);
  });

  it('unusable ranges', () => {
    expect(codeOf(() => quantize(x, { range: { min: 2, max: 1 } }))).toBe(ErrorCodes.RANGE);
    expect(codeOf(() => quantize(x, { range: { min: NaN, max: 1 } }))).toBe(ErrorCodes.RANGE);
    expect(codeOf(() => quantize(new Float32Array([1, Infinity])))).toBe(ErrorCodes.RANGE);
    expect(codeOf(() => quantize(x, { shape: [2, 3], granularity: { axis: 0 }, range: { min: 0, max: 1 } }))).toBe(ErrorCodes.RANGE);
  });
});
