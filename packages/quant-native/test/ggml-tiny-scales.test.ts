import { expect, it } from 'vitest';
import { ggmlRowBytes, referenceBackend, type Backend } from '@quantkit/quant-core';
import { createNativeBackend } from '../src/index.js';
import { describeNative, native, rng } from './helpers.js';

/*
 * The AVX2 q4_0 / q5_0 / q8_0 / q8_1 kernels skip masking their codes when every block of a batch of 8 has a block
 * scale d that is 0 or a normal float (kernels/avx2/ggml_legacy.h); a subnormal d can round below max / levels and its
 * inverse overflow, and those batches take the masked path. Blocks of subnormal and near-subnormal values, mixed with
 * ordinary ones in every batch position, give the reference's bytes on every kernel set.
 */

describeNative('GGML legacy formats with subnormal block scales', () => {
  const backends: Backend[] = native.loaded!.addon.availableIsas.split(',').map((isa) => createNativeBackend({ isa, threads: 1, addon: native.loaded! }));
  const next = rng(2026);
  const blocks = 512;
  const x = new Float32Array(blocks * 32);
  for (let b = 0; b < blocks; b++) {
    const exponent = next() < 0.5 ? -152 + Math.floor(next() * 30) : Math.floor(next() * 20) - 10;
    const integers = next() < 0.3; // small integers times a power of 2: d = max / levels lands between subnormals
    for (let i = 0; i < 32; i++) {
      const v = integers ? Math.floor(next() * 21) - 10 : next() * 2 - 1;
      x[b * 32 + i] = Math.fround(v * 2 ** exponent);
    }
  }

  for (const format of ['q4_0', 'q5_0', 'q8_0', 'q8_1'] as const) {
    it(`${format}: the reference's bytes`, () => {
      const want = new Uint8Array(ggmlRowBytes(format, x.length));
      expect(referenceBackend.ggmlQuantize(x, format, want)).toBe(-1);
      for (const b of backends) {
        const out = new Uint8Array(want.length);
        expect(b.ggmlQuantize(x, format, out), b.isa).toBe(-1);
        expect(Buffer.compare(out, want), `${format} on ${b.isa}`).toBe(0);
      }
    });
  }
});
