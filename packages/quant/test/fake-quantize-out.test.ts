import { numberToFloat16 } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { createQuantizer } from '../src/index.js';
import { nativeAvailability, sameBytes } from './helpers.js';

/*
 * fakeQuantize / fakeQuantizeWithError / fakeQuantizeAsync with `out`: the values of the call without it, written into
 * the caller's array (whatever it held) and returned, on every backend; wrong arrays are ERR_QUANT_OUTPUT.
 */

const n = 6 * 4096 + 5;
const x32 = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 5 + (i % 101 === 0 ? 40 : 0));
const x64 = Float64Array.from(x32, (v) => v * 1.000000123);
const bits = Uint16Array.from(x32, (v) => numberToFloat16(v));

type Values = Float32Array | Float64Array | Uint16Array;

interface Case {
  readonly name: string;
  readonly x: Float32Array | Float64Array | Uint16Array;
  readonly options: Record<string, unknown>;
  readonly out: () => Float32Array | Float64Array | Uint16Array;
}

const CASES: readonly Case[] = [
  { name: 'float32 per tensor, range given', x: x32, options: { range: { min: -6, max: 6 } }, out: () => new Float32Array(n).fill(7) },
  { name: 'float32 per tensor, 4-bit symmetric', x: x32, options: { bits: 4, scheme: 'symmetric' }, out: () => new Float32Array(n).fill(-1) },
  { name: 'float64 per tensor', x: x64, options: {}, out: () => new Float64Array(n).fill(3) },
  { name: 'float32 per channel', x: x32.subarray(0, 6 * 4096), options: { shape: [6, 4096], granularity: { axis: 0 } }, out: () => new Float32Array(6 * 4096).fill(9) },
  { name: 'float32 blocks of 32', x: x32.subarray(0, 6 * 4096), options: { shape: [6, 4096], granularity: { axis: 1, blockSize: 32 } }, out: () => new Float32Array(6 * 4096).fill(9) },
  { name: 'float16 bits', x: bits, options: { dtype: 'float16' }, out: () => new Uint16Array(n).fill(0x7c00) },
];

describe('fakeQuantize with out', async () => {
  const available = await nativeAvailability();
  const modes = ['reference', 'wasm', ...(available.ok || process.env.QUANT_REQUIRE_NATIVE === '1' ? (['native'] as const) : [])] as const;
  for (const backend of modes) {
    const q = createQuantizer({ backend, threads: 2 });
    for (const c of CASES) {
      it(`${c.name}: the values of the call without out (${backend})`, async () => {
        const fq = q.fakeQuantize as (x: unknown, o: unknown) => Values;
        const fqe = q.fakeQuantizeWithError as (x: unknown, o: unknown) => { values: Values; error: unknown; params: unknown };
        const fqa = q.fakeQuantizeAsync as (x: unknown, o: unknown) => Promise<Values>;
        const want = fq(c.x, c.options);
        const out = c.out();
        expect(fq(c.x, { ...c.options, out })).toBe(out);
        expect(sameBytes(out, want)).toBe(true);
        const withError = fqe(c.x, c.options);
        const out2 = c.out();
        const r = fqe(c.x, { ...c.options, out: out2 });
        expect(r.values).toBe(out2);
        expect(sameBytes(out2, withError.values)).toBe(true);
        expect(r.error).toEqual(withError.error);
        expect(r.params).toEqual(withError.params);
        const out3 = c.out();
        expect(await fqa(c.x, { ...c.options, out: out3 })).toBe(out3);
        expect(sameBytes(out3, want)).toBe(true);
      });
    }

    it(`refuses an out of another type or length, or overlapping x, sync and async (${backend})`, async () => {
      const fq = q.fakeQuantize as (x: unknown, o: unknown) => unknown;
      const fqa = q.fakeQuantizeAsync as (x: unknown, o: unknown) => Promise<unknown>;
      for (const [x, out, o] of [
        [x32, new Float64Array(n), {}],
        [x32, new Float32Array(n - 1), {}],
        [x64, new Float32Array(n), {}],
        [bits, new Float32Array(n), { dtype: 'float16' }],
        [x32, new Uint8Array(n), {}],
        [x32, new Float32Array(x32.buffer, 4, n - 1), {}],
      ] as const) {
        const options = { ...o, out };
        expect(() => fq(x, options)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_OUTPUT' }));
        await expect(fqa(x, options)).rejects.toMatchObject({ code: 'ERR_QUANT_OUTPUT' });
      }
      const within = new Float32Array(32);
      expect(() => fq(within.subarray(0, 16), { out: within.subarray(8, 24) })).toThrow(expect.objectContaining({ code: 'ERR_QUANT_OUTPUT' }));
      expect(() => q.computeQParams(x32, { out: new Uint8Array(n) })).toThrow(expect.objectContaining({ code: 'ERR_QUANT_OPTION' }));
    });
  }
});
