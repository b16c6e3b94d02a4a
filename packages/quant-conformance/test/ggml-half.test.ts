import { referenceBackend, type Backend } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { conformanceChecks, runChecks } from '../src/index.js';

/* The ggml-half family passes the reference and catches the bugs a half GGML path is likely to have. */

const checks = conformanceChecks({ families: ['ggml-half'] });

const failuresOf = async (b: Backend): Promise<number> => (await runChecks(b, checks))['ggml-half']!.failures.length;

const mutant = (ggmlQuantizeHalf: Backend['ggmlQuantizeHalf']): Backend => ({ ...referenceBackend, name: 'mutant', ggmlQuantizeHalf }) as Backend;
const ref = referenceBackend.ggmlQuantizeHalf;

describe('the ggml-half family', () => {
  it('passes the reference', async () => {
    const totals = (await runChecks(referenceBackend, checks))['ggml-half']!;
    expect(totals.failures).toEqual([]);
    expect(totals.passed).toBeGreaterThan(150);
  }, 120_000);

  it('fails a kernel that reads bfloat16 as float16 (or the other way)', async () => {
    expect(await failuresOf(mutant((x, d, f, o) => ref(x, d === 'float16' ? 'bfloat16' : 'float16', f, o)))).toBeGreaterThan(0);
  }, 120_000);

  it('fails a kernel that flushes subnormals to zero', async () => {
    const flushed = (x: Uint16Array, d: 'float16' | 'bfloat16'): Uint16Array => {
      const exp = d === 'float16' ? 0x7c00 : 0x7f80;
      return x.map((b) => ((b & exp) === 0 ? b & 0x8000 : b));
    };
    expect(await failuresOf(mutant((x, d, f, o) => ref(flushed(x, d), d, f, o)))).toBeGreaterThan(0);
  }, 120_000);

  it('fails a kernel that reports the wrong non-finite index, or none', async () => {
    expect(await failuresOf(mutant((x, d, f, o) => { const bad = ref(x, d, f, o); return bad >= 0 ? bad + 1 : bad; }))).toBeGreaterThan(0);
    expect(await failuresOf(mutant((x, d, f, o) => { const bad = ref(x, d, f, o); return bad >= 4096 ? bad % 4096 : bad; }))).toBeGreaterThan(0);
  }, 120_000);

  it('fails a kernel that skips the last block or the last chunk', async () => {
    expect(await failuresOf(mutant((x, d, f, o) => { const bad = ref(x, d, f, o); o.fill(0, Math.max(0, o.length - 1)); return bad; }))).toBeGreaterThan(0);
    expect(await failuresOf(mutant((x, d, f, o) => { const bad = ref(x, d, f, o); if (x.length > 4096) o.fill(0, o.length / 2); return bad; }))).toBeGreaterThan(0);
  }, 120_000);
});
