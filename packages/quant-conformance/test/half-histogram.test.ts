import { referenceBackend, type Backend } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { conformanceChecks, runChecks } from '../src/index.js';

/* The half-histogram family passes the reference and catches the bugs a half histogram kernel is likely to have. */

const checks = conformanceChecks({ families: ['half-histogram'] });

const failuresOf = async (b: Backend): Promise<number> => (await runChecks(b, checks))['half-histogram']!.failures.length;

function mutant(histogramHalf: Backend['histogramHalf'], absHistogramHalf: Backend['absHistogramHalf'] = referenceBackend.absHistogramHalf): Backend {
  return { ...referenceBackend, name: 'mutant', histogramHalf, absHistogramHalf } as Backend;
}

describe('the half-histogram family', () => {
  it('passes the reference', async () => {
    const totals = (await runChecks(referenceBackend, checks))['half-histogram']!;
    expect(totals.failures).toEqual([]);
    expect(totals.passed).toBeGreaterThan(600);
  });

  it('fails a kernel that reads bfloat16 as float16 (or the other way)', async () => {
    const swap = (d: 'float16' | 'bfloat16') => (d === 'float16' ? 'bfloat16' : 'float16');
    expect(await failuresOf(mutant((x, d, lo, hi, c) => referenceBackend.histogramHalf(x, swap(d), lo, hi, c)))).toBeGreaterThan(0);
  });

  it('fails a kernel that ignores the byteOffset of a view', async () => {
    const dropped = (x: Uint16Array): Uint16Array => new Uint16Array(x.buffer, 0, x.length);
    expect(await failuresOf(mutant((x, d, lo, hi, c) => referenceBackend.histogramHalf(dropped(x), d, lo, hi, c)))).toBeGreaterThan(0);
  });

  it('fails an |x| kernel that bins x instead', async () => {
    expect(await failuresOf(mutant(referenceBackend.histogramHalf, (x, d, lo, hi, c) => referenceBackend.histogramHalf(x, d, lo, hi, c)))).toBeGreaterThan(0);
  });

  it('fails a kernel that resets the counts instead of adding to them', async () => {
    expect(await failuresOf(mutant((x, d, lo, hi, c) => (c.fill(0), referenceBackend.histogramHalf(x, d, lo, hi, c))))).toBeGreaterThan(0);
  });
});
