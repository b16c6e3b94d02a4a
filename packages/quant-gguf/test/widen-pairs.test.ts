import { widenHalf } from '@quantkit/quant';
import { describe, expect, it } from 'vitest';
import { widenHalfPairs } from '../src/requantize/widen-pairs.js';

/** The float32 bit patterns of a Float32Array (NaN payloads included). */
const bitsOf = (f: Float32Array): Uint32Array => new Uint32Array(f.buffer, f.byteOffset, f.length);

describe('widenHalfPairs', () => {
  for (const dtype of ['float16', 'bfloat16'] as const) {
    it(`${dtype}: every bit pattern, bit for bit as widenHalf, even and odd lengths, aligned or not`, () => {
      const all = Uint16Array.from({ length: 65536 + 3 }, (_, i) => (i * 40503) & 0xffff); // every pattern, shuffled
      for (const [start, end] of [[0, all.length], [0, all.length - 1], [1, all.length], [2, 9], [3, 4], [0, 0]] as const) {
        const src = all.subarray(start, end); // start 1 and 3: not at a multiple of 4 bytes
        const want = new Float32Array(src.length);
        widenHalf(src, dtype, 0, src.length, want);
        const got = new Float32Array(src.length + 1).subarray(1); // an output at an offset too
        widenHalfPairs(src, dtype, got);
        expect(Buffer.compare(Buffer.from(bitsOf(got).slice().buffer), Buffer.from(bitsOf(want).buffer)), `[${start}, ${end})`).toBe(0);
      }
    });
  }
});
