import { expect, it } from 'vitest';
import { ggmlRowBytes, referenceBackend, type Backend, type GgmlFormat } from '@quantkit/quant-core';
import { createNativeBackend } from '../src/index.js';
import { describeNative, native, rng } from './helpers.js';

/*
 * ggmlQuantize checks its input for NaN / ±Infinity run by run (2048 elements) inside chunks of 65536, just before
 * quantizing each run (native/src/binding/ggml_job.cc): the first such element is found wherever it lies (first or
 * last element of a run, of a chunk, of the input, with another after it) on 1 and 2 threads, and finite input gives
 * the reference's blocks.
 */

const N = 3 * 65536 + 4096; // three chunks and two runs of a fourth

describeNative('ggmlQuantize: the first non-finite element across runs and chunks', () => {
  const backends: Backend[] = [1, 2].map((threads) => createNativeBackend({ isa: 'auto', threads, addon: native.loaded! }));
  const next = rng(16);
  const x = Float32Array.from({ length: N }, () => (next() - 0.5) * 8);

  for (const format of ['q8_0', 'q4_k'] as const satisfies readonly GgmlFormat[]) {
    it(`${format}: finite input gives the reference's blocks`, () => {
      const want = new Uint8Array(ggmlRowBytes(format, N));
      expect(referenceBackend.ggmlQuantize(x, format, want)).toBe(-1);
      for (const b of backends) {
        const out = new Uint8Array(want.length);
        expect(b.ggmlQuantize(x, format, out), `${b.threads} threads`).toBe(-1);
        expect(Buffer.compare(out, want), `${b.threads} threads`).toBe(0);
      }
    });

    const positions = [0, 2047, 2048, 4095, 65535, 65536, 65536 + 5 * 2048 + 7, 2 * 65536 + 2047, 3 * 65536 + 2048, N - 1];
    it(`${format}: NaN, +Infinity and -Infinity at run and chunk edges are reported at their index`, () => {
      for (const at of positions) {
        for (const bad of [Number.NaN, Infinity, -Infinity]) {
          const y = x.slice();
          y[at] = bad;
          if (at + 3000 < N) y[at + 3000] = Number.NaN; // a later one, in the next run or chunk, does not hide it
          for (const b of backends) {
            expect(b.ggmlQuantize(y, format, new Uint8Array(ggmlRowBytes(format, N))), `${bad} at ${at}, ${b.threads} threads`).toBe(at);
          }
        }
      }
    });
  }
});
