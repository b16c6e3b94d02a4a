import { describe, expect, it } from 'vitest';
import { GGML_FORMAT_NAMES } from '../../src/ggml/index.js';
import { createKernelApi, quantize, quantizeBlocks, referenceBackend, widenHalf } from '../../src/index.js';
import { numberToBfloat16, numberToFloat16 } from '../../src/half.js';
import { codeOf } from '../helpers/quant-error.js';
import { Rng } from '../helpers/rng.js';

/* quantizeBlocks of half inputs (issue 16): the blocks, errors and messages of the exactly widened float32 input. */

function halves(n: number, dtype: 'float16' | 'bfloat16', seed: number): Uint16Array {
  const rng = new Rng(seed);
  const round = dtype === 'float16' ? numberToFloat16 : numberToBfloat16;
  return Uint16Array.from({ length: n }, () => round(rng.normal() * 3));
}

function widened(x: Uint16Array, dtype: 'float16' | 'bfloat16'): Float32Array {
  const out = new Float32Array(x.length);
  widenHalf(x, dtype, 0, x.length, out);
  return out;
}

describe('quantizeBlocks of half inputs', () => {
  for (const dtype of ['float16', 'bfloat16'] as const) {
    it(`gives the blocks of the widened float32 input (${dtype}, every format, past the 4096-element chunk)`, () => {
      const x = halves(4096 + 512, dtype, 7);
      for (const format of GGML_FORMAT_NAMES) {
        const half = quantizeBlocks(x, { format, dtype, shape: [2, 2304] });
        const wide = quantizeBlocks(widened(x, dtype), { format, shape: [2, 2304] });
        expect(half.shape).toStrictEqual([2, 2304]);
        expect(Buffer.from(half.data).equals(Buffer.from(wide.data)), format).toBe(true);
      }
    });

    it(`raises the float32 input's non-finite error, index and message (${dtype})`, () => {
      const x = halves(8192, dtype, 8);
      x[5000] = dtype === 'float16' ? 0xfc00 : 0xff80;  // -Infinity
      x[6000] = dtype === 'float16' ? 0x7e00 : 0x7fc0;  // NaN
      const message = (fn: () => unknown): string => {
        try {
          fn();
        } catch (e) {
          return `${(e as { code: string }).code} ${(e as Error).message}`;
        }
        return 'no error';
      };
      const want = message(() => quantizeBlocks(widened(x, dtype), { format: 'q4_k' }));
      expect(want).toMatch(/^ERR_QUANT_RANGE x\[5000\] is -Infinity/);
      expect(message(() => quantizeBlocks(x, { format: 'q4_k', dtype }))).toBe(want);
      // The kernel itself, as every backend must return it.
      expect(createKernelApi(referenceBackend).ggmlQuantizeHalf(x, dtype, 'q8_0', new Uint8Array(8192 / 32 * 34))).toBe(5000);
    });
  }

  it('validates dtype as quantize does', () => {
    const x = new Uint16Array(256);
    for (const dtype of [undefined, 'float32', 'float8']) {
      const want = codeOf(() => quantize(x, { bits: 8, dtype } as never));
      expect(want).toBe('ERR_QUANT_OPTION');
      expect(codeOf(() => quantizeBlocks(x, { format: 'q8_0', dtype } as never)), String(dtype)).toBe(want);
    }
    expect(() => quantizeBlocks(x, { format: 'q8_0' })).toThrow(/pass dtype: 'float16' or 'bfloat16'/);
    expect(codeOf(() => quantizeBlocks(new Float32Array(32), { format: 'q8_0', dtype: 'float16' }))).toBe('ERR_QUANT_OPTION');
    expect(quantizeBlocks(new Float32Array(32), { format: 'q8_0', dtype: 'float32' }).data.length).toBe(34);
    expect(codeOf(() => quantizeBlocks(new Float64Array(32) as never, { format: 'q8_0' }))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => quantizeBlocks(new Int16Array(32) as never, { format: 'q8_0', dtype: 'float16' }))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => quantizeBlocks(new Uint16Array(31), { format: 'q8_0', dtype: 'float16' }))).toBe('ERR_QUANT_SHAPE');
    expect(quantizeBlocks(x, { format: 'q8_0', dtype: 'bfloat16', shape: [2, 128] }).data.length).toBe(272);
  });

  it('validates ggmlQuantizeHalf kernel arguments', () => {
    const api = createKernelApi(referenceBackend);
    const x = new Uint16Array(64);
    expect(codeOf(() => api.ggmlQuantizeHalf(new Float32Array(64) as never, 'float16', 'q8_0', new Uint8Array(68)))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => api.ggmlQuantizeHalf(x, 'float32' as never, 'q8_0', new Uint8Array(68)))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => api.ggmlQuantizeHalf(x, 'float16', 'q8_0', new Uint8Array(67)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => api.ggmlQuantizeHalf(x.subarray(1), 'float16', 'q8_0', new Uint8Array(68)))).toBe('ERR_QUANT_SHAPE');
    expect(api.ggmlQuantizeHalf(x, 'bfloat16', 'q8_0', new Uint8Array(68))).toBe(-1);
  });
});
