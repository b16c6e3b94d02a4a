import { describe, expect, it } from 'vitest';
import { diffErrorReport } from '../src/compare.js';

const report = { mse: 0.25, rmse: 0.5, maxAbs: 1, meanAbs: 0.4, sqnrDb: 20, cosine: 0.99 };

describe('error-report comparison', () => {
  it('takes relative 1e-9 differences in the sums, and demands an identical maxAbs', () => {
    expect(diffErrorReport(report, { ...report, mse: 0.25 * (1 + 5e-10) })).toBeUndefined();
    expect(diffErrorReport(report, { ...report, mse: 0.25 * (1 + 5e-9) })).toMatch(/^error report mse/);
    expect(diffErrorReport(report, { ...report, maxAbs: 1 + 2 ** -52 })).toMatch(/^error report maxAbs/);
    expect(diffErrorReport(report, { ...report, cosine: NaN })).toMatch(/^error report cosine/);
  });

  it('compares sqnrDb near 0 dB in absolute terms (a log of a ratio of sums), and large ones relatively', () => {
    // A native backend's sums against the reference's, seen in a differential run (seed 94758796): SQNR ~1e-6 dB.
    expect(diffErrorReport({ ...report, sqnrDb: 0.0000011123262669839917 }, { ...report, sqnrDb: 0.000001112326330629588 })).toBeUndefined();
    expect(diffErrorReport({ ...report, sqnrDb: 0 }, { ...report, sqnrDb: 3e-9 })).toBeUndefined();
    expect(diffErrorReport({ ...report, sqnrDb: 0.0000011 }, { ...report, sqnrDb: 0.0000012 })).toMatch(/^error report sqnrDb/);
    expect(diffErrorReport({ ...report, sqnrDb: 60 }, { ...report, sqnrDb: 60 * (1 + 5e-10) })).toBeUndefined();
    expect(diffErrorReport({ ...report, sqnrDb: 60 }, { ...report, sqnrDb: 60.000001 })).toMatch(/^error report sqnrDb/);
    expect(diffErrorReport({ ...report, sqnrDb: Infinity }, { ...report, sqnrDb: 1e300 })).toMatch(/^error report sqnrDb/);
  });
});
