import { describe, expect, it } from 'vitest';
import { bfloat16ToNumber, float16ToNumber, numberToBfloat16, numberToFloat16 } from '../../src/half.js';
import {
  dequantizeEmbeddings,
  quantizeEmbeddings,
  type BinaryQuantizedEmbeddings,
  type ScalarQuantizedEmbeddings,
} from '../../src/embeddings/index.js';
import { Rng } from '../helpers/rng.js';

const scalar = (x: Float32Array | Float64Array | Uint16Array, options: Parameters<typeof quantizeEmbeddings>[1]) =>
  quantizeEmbeddings(x, options) as ScalarQuantizedEmbeddings;
const binary = (x: Float32Array | Float64Array, options: Parameters<typeof quantizeEmbeddings>[1]) =>
  quantizeEmbeddings(x, options) as BinaryQuantizedEmbeddings;

const widen = (bits: Uint16Array, dtype: 'float16' | 'bfloat16'): number[] => Array.from(bits, dtype === 'float16' ? float16ToNumber : bfloat16ToNumber);

// ranges [0, 2.55] in 2 dims: step fl(2.55 / 255), a bucket about 0.01 wide.
const RANGES = { min: [0, 0], max: [2.55, 2.55] };

describe('int8 / uint8 codes', () => {
  it('saturates below and above the range (upstream wrapped modulo 256 before PR #3847)', () => {
    const x = new Float32Array([-1, 3, -1e30, 1e30, -Infinity, Infinity]);
    expect(Array.from(scalar(x, { dim: 2, precision: 'uint8', ranges: RANGES }).data)).toEqual([0, 255, 0, 255, 0, 255]);
    expect(Array.from(scalar(x, { dim: 2, precision: 'int8', ranges: RANGES }).data)).toEqual([-128, 127, -128, 127, -128, 127]);
    expect(Array.from(scalar(x, { dim: 2, precision: 'int8', ranges: RANGES, int8Rounding: 'toward-zero' }).data)).toEqual([-128, 127, -128, 127, -128, 127]);
  });

  it('NaN gives the lowest code, in both roundings', () => {
    const x = new Float32Array([NaN, 1]);
    expect(scalar(x, { dim: 2, precision: 'uint8', ranges: RANGES }).data[0]).toBe(0);
    expect(scalar(x, { dim: 2, precision: 'int8', ranges: RANGES }).data[0]).toBe(-128);
    expect(scalar(x, { dim: 2, precision: 'int8', ranges: RANGES, int8Rounding: 'toward-zero' }).data[0]).toBe(-128);
  });

  it('NaN in calibration rows is ignored', () => {
    const calibration = new Float32Array([NaN, 0, 1, NaN, 2, 4]);
    const q = scalar(new Float32Array([1, 2]), { dim: 2, precision: 'uint8', calibration });
    expect(Array.from(q.min)).toEqual([1, 0]);
    expect(Array.from(q.max)).toEqual([2, 4]);
  });

  it('an empty range (min == max) has step 0, divides by 1 like upstream, and dequantizes to its value', () => {
    const q = scalar(new Float32Array([0.25, 0.5, 0.75, 3.5, 0.25, 0.5]), { dim: 2, precision: 'uint8', calibration: new Float32Array([0.25, 0, 0.25, 1]) });
    expect(q.steps[0]).toBe(0);
    expect(Array.from(q.data)).toEqual([0, 127, 0, 255, 0, 127]);
    const back = dequantizeEmbeddings(q);
    expect(back[0]).toBe(0.25);
    expect(back[2]).toBe(0.25);
  });

  it("int8 'floor' is uint8 - 128; 'toward-zero' rounds the shifted position toward zero", () => {
    // Bucket positions 0.5, 127.5, 128.5, 254.5 in a range of width 255 (step 1).
    const x = new Float32Array([0.5, 127.5, 128.5, 254.5]);
    const ranges = { min: [0], max: [255] };
    expect(Array.from(scalar(x, { dim: 1, precision: 'uint8', ranges }).data)).toEqual([0, 127, 128, 254]);
    expect(Array.from(scalar(x, { dim: 1, precision: 'int8', ranges }).data)).toEqual([-128, -1, 0, 126]);
    expect(Array.from(scalar(x, { dim: 1, precision: 'int8', ranges, int8Rounding: 'toward-zero' }).data)).toEqual([-127, 0, 0, 126]);
  });

  it('the float32 subtraction of 128 of toward-zero: a tiny position rounds to -128', () => {
    const x = new Float32Array([2 ** -30]);
    expect(scalar(x, { dim: 1, precision: 'int8', ranges: { min: [0], max: [255] }, int8Rounding: 'toward-zero' }).data[0]).toBe(-128);
    expect(scalar(new Float64Array([2 ** -30]), { dim: 1, precision: 'int8', ranges: { min: [0], max: [255] }, int8Rounding: 'toward-zero' }).data[0]).toBe(-127);
  });

  it('ranges in any of the three forms, and calibration, give the same result', () => {
    const rng = new Rng(3);
    const x = new Float32Array(5 * 4).map(() => rng.normal());
    const calibration = new Float32Array(9 * 4).map(() => rng.normal() * 1.5);
    const viaCalibration = scalar(x, { dim: 4, precision: 'int8', calibration });
    const { min, max } = viaCalibration;
    const flat = new Float32Array([...min, ...max]);
    for (const ranges of [{ min, max }, [min, max] as const, flat, [...flat]]) {
      expect(scalar(x, { dim: 4, precision: 'int8', ranges }).data).toEqual(viaCalibration.data);
    }
    expect(scalar(x, { dim: 4, precision: 'int8' }).data).toEqual(scalar(x, { dim: 4, precision: 'int8', calibration: x }).data);
  });

  it('ranges are rounded to float32 for float32 embeddings, and steps = fl(fl(max - min) / 255)', () => {
    const q = scalar(new Float32Array([0]), { dim: 1, precision: 'uint8', ranges: { min: [0.1], max: [0.7] } });
    expect(q.min[0]).toBe(Math.fround(0.1));
    expect(q.steps[0]).toBe(Math.fround(Math.fround(Math.fround(0.7) - Math.fround(0.1)) / 255));
    expect(q.dtype).toBe('float32');
    expect(scalar(new Float64Array([0]), { dim: 1, precision: 'uint8', ranges: { min: [0.1], max: [0.7] } }).steps[0]).toBe((0.7 - 0.1) / 255);
  });

  it('half inputs quantize as their exact float32 values', () => {
    const rng = new Rng(9);
    const values = Array.from({ length: 3 * 7 }, () => rng.normal());
    for (const [dtype, toBits] of [['float16', numberToFloat16], ['bfloat16', numberToBfloat16]] as const) {
      const bits = Uint16Array.from(values, toBits);
      const widened = scalar(bits, { dim: 7, precision: 'uint8', dtype });
      const asFloat32 = scalar(new Float32Array(widen(bits, dtype)), { dim: 7, precision: 'uint8' });
      expect(widened.data).toEqual(asFloat32.data);
      expect(widened.steps).toEqual(asFloat32.steps);
      const calibrated = scalar(new Float32Array(widen(bits, dtype)), { dim: 7, precision: 'int8', calibration: bits, calibrationDType: dtype });
      expect(calibrated.data).toEqual(scalar(new Float32Array(widen(bits, dtype)), { dim: 7, precision: 'int8' }).data);
    }
  });

  it('writes into a caller-provided out and returns it', () => {
    const out = new Uint8Array(4);
    const q = scalar(new Float32Array([0, 1, 2, 3]), { dim: 2, precision: 'uint8', ranges: RANGES, out });
    expect(q.data).toBe(out);
    expect(Array.from(out)).toEqual([0, 100, 200, 255]);
  });

  it('dequantizes int8 codes to the middles of their buckets', () => {
    const q = scalar(new Float32Array([0.5, 127.5, 128.5, 254.5]), { dim: 1, precision: 'int8', ranges: { min: [0], max: [255] } });
    expect(Array.from(dequantizeEmbeddings(q))).toEqual([0.5, 127.5, 128.5, 254.5]);
    const t = scalar(new Float32Array([0.5, 127.5, 128.5, 254.5]), { dim: 1, precision: 'int8', ranges: { min: [0], max: [255] }, int8Rounding: 'toward-zero' });
    expect(Array.from(dequantizeEmbeddings(t))).toEqual([0.5, 128, 128, 254.5]);
  });
});

describe('binary / ubinary', () => {
  const x = new Float32Array([1, -1, 0, -0, NaN, 2, 3, -4, /* row 2 */ 5, 0, -0, 1e-45, -1e-45, Infinity, -Infinity, 0.5]);

  it('MSB-first, x > 0 by default (numpy packbits)', () => {
    expect(Array.from(binary(x, { dim: 8, precision: 'ubinary' }).data)).toEqual([0b10000110, 0b10010101]);
    expect(Array.from(binary(x, { dim: 8, precision: 'binary' }).data)).toEqual([0b10000110 - 128, 0b10010101 - 128]);
  });

  it("LSB-first (Qdrant, FAISS) reverses the bits of each byte; 'nonnegative' (FAISS) sets 0 and -0 but not NaN", () => {
    expect(Array.from(binary(x, { dim: 8, precision: 'ubinary', bitOrder: 'lsb' }).data)).toEqual([0b01100001, 0b10101001]);
    expect(Array.from(binary(x, { dim: 8, precision: 'ubinary', threshold: 'nonnegative' }).data)).toEqual([0b10110110, 0b11110101]);
    expect(Array.from(binary(x, { dim: 8, precision: 'ubinary', threshold: 'nonnegative', bitOrder: 'lsb' }).data)).toEqual([0b01101101, 0b10101111]);
  });

  it('odd dims: every row starts on a byte, padding bits zero', () => {
    const q = binary(new Float32Array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), { dim: 11, precision: 'ubinary' });
    expect(q.bytesPerRow).toBe(2);
    expect(Array.from(q.data)).toEqual([0xff, 0b11100000, 0xff, 0b11100000]);
    const lsb = binary(new Float32Array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), { dim: 11, precision: 'binary', bitOrder: 'lsb' });
    expect(Array.from(lsb.data)).toEqual([0xff - 128, 0b00000111 - 128]);
    expect(Array.from(binary(new Float32Array([1, -1, 1]), { dim: 1, precision: 'ubinary' }).data)).toEqual([0x80, 0, 0x80]);
  });

  it('dequantizes to the bits as 0 and 1 (np.unpackbits)', () => {
    expect(Array.from(dequantizeEmbeddings(binary(x, { dim: 8, precision: 'binary', bitOrder: 'lsb' })))).toEqual(Array.from(x, (v) => (v > 0 ? 1 : 0)));
  });

  it('float64 input packs the same bits', () => {
    expect(binary(Float64Array.from(x), { dim: 8, precision: 'ubinary' }).data).toEqual(binary(x, { dim: 8, precision: 'ubinary' }).data);
  });
});
