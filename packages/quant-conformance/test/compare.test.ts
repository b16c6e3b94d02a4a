import { describe, expect, it } from 'vitest';
import { diffErrorReport } from '../src/compare.js';

const report = { mse: 0.25, rmse: 0.5, maxAbs: 1, meanAbs: 0.4, sqnrDb: 20, cosine: 0.99 };

describe('error-report comparison', () => {
  it('demands identical metrics (SPEC §6 fixes the summation order), NaN matching NaN', () => {
    expect(diffErrorReport(report, { ...report })).toBeUndefined();
    expect(diffErrorReport(report, { ...report, mse: 0.25 * (1 + 2 ** -52) })).toMatch(/^error report mse/);
    expect(diffErrorReport(report, { ...report, maxAbs: 1 + 2 ** -52 })).toMatch(/^error report maxAbs/);
    expect(diffErrorReport(report, { ...report, cosine: NaN })).toMatch(/^error report cosine/);
    expect(diffErrorReport({ ...report, sqnrDb: NaN }, { ...report, sqnrDb: NaN })).toBeUndefined();
    expect(diffErrorReport({ ...report, sqnrDb: Infinity }, { ...report, sqnrDb: 1e300 })).toMatch(/^error report sqnrDb/);
  });
});
