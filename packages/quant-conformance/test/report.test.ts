import { QuantError, referenceBackend } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { formatReport, MUTANTS, reportPassed, runConformance } from '../src/index.js';

describe('conformance report', () => {
  it('tabulates families × backends with pass counts, and marks failures, unavailable and broken backends', async () => {
    const report = await runConformance(
      [
        { name: 'reference', create: () => referenceBackend },
        { name: 'half-up', create: MUTANTS[0]!.create },
        {
          name: 'no-addon',
          create: () => {
            throw new QuantError('ERR_QUANT_NATIVE_UNAVAILABLE', 'addon not built');
          },
        },
        {
          name: 'broken',
          create: () => {
            throw new Error('boom');
          },
        },
      ],
      { families: ['rounding-ties', 'errors'], differential: false },
    );
    expect(report.families).toEqual(['rounding-ties', 'errors']);
    const text = formatReport(report);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^family\s+\| reference\s+\| half-up\s+\| no-addon\s+\| broken/);
    expect(lines.find((l) => l.startsWith('rounding-ties'))).toMatch(/380\/380\s+\| \d+\/380 FAIL\s+\| n\/a\s+\| ERROR/);
    // Every error scenario passes on both (the mutant rounds differently but validates the same): n/n in both columns.
    expect(lines.find((l) => l.startsWith('errors'))).toMatch(/ (\d+)\/\1\s+\| \1\/\1\s+\| n\/a/);
    expect(text).toContain('no-addon: unavailable: QuantError [ERR_QUANT_NATIVE_UNAVAILABLE]: addon not built');
    expect(text).toContain('broken: error: Error: boom');
    expect(text).toMatch(/FAIL rounding-ties: quantizeTensor: .*first at index/);
    expect(reportPassed(report)).toBe(false);
  });

  it('passes when every backend that ran passed', async () => {
    const report = await runConformance([{ name: 'reference', create: () => referenceBackend }], { families: ['seed-walkthrough'], differential: false });
    expect(reportPassed(report)).toBe(true);
    expect(formatReport(report)).toMatch(/seed-walkthrough \| 4\/4/);
  });
});
