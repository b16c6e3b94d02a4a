import { describe, expect, it } from 'vitest';
import { analyze, createAnalysis, createQuantApi, ErrorCodes, fakeQuantizeWithError, referenceBackend, type Backend } from '../../src/index.js';
import { errorCodeOf } from '../helpers/api.js';
import { Random, sample, withOutliers } from './random.js';


const rng = new Random(21);
const x = withOutliers(sample(20_000, () => rng.laplace()), 4, 30);

describe('analyze', () => {
  it('expands a grid into scheme × bits × granularity × calibrator rows, in that order', () => {
    const rows = analyze(x, { schemes: ['affine', 'symmetric'], bits: [8, 4], granularities: ['tensor', { axis: 0 }], calibrators: ['minmax', 'mse', { method: 'percentile', percentile: 99.9 }] }, { shape: [100, 200] });
    expect(rows).toHaveLength(2 * 2 * 2 * 3);
    expect(rows[0]!.label).toBe('affine uint8 per-tensor minmax');
    expect(rows[1]!.label).toBe('affine uint8 per-tensor mse');
    expect(rows[2]!.label).toBe('affine uint8 per-tensor percentile:99.9');
    expect(rows[3]!.label).toBe('affine uint8 axis 0 minmax');
    expect(rows[23]!.label).toBe('symmetric int4 axis 0 percentile:99.9');
  });

  it('reports the metrics of fakeQuantizeWithError for each row and marks the lowest MSE', () => {
    const rows = analyze(x, [{ bits: 4 }, { bits: 4, calibrator: 'mse' }, { bits: 4, calibrator: 'entropy' }, { bits: 4, scheme: 'symmetric', calibrator: 'percentile:99.9' }]);
    for (const row of rows) {
      const { error, params } = fakeQuantizeWithError(x, row.options);
      expect({ mse: row.mse, rmse: row.rmse, sqnrDb: row.sqnrDb, maxAbs: row.maxAbs, meanAbs: row.meanAbs, cosine: row.cosine, nanCount: row.nanCount }).toEqual(error);
      expect(row.params).toEqual(params);
    }
    const best = rows.filter((r) => r.best);
    expect(best).toHaveLength(1);
    expect(best[0]!.mse).toBe(Math.min(...rows.map((r) => r.mse)));
    expect(best[0]!.calibrator).toBe('mse');
    expect(rows[0]!.mse).toBeGreaterThan(rows[1]!.mse); // minmax loses to mse on the outliers
  });

  it('marks the first of equal rows, and blocked candidates get their label', () => {
    const rows = analyze(x, [{ granularity: { axis: 1, blockSize: 32 } }, { granularity: { axis: 1, blockSize: 32 } }], { shape: [100, 200] });
    expect(rows.map((r) => r.best)).toEqual([true, false]);
    expect(rows[0]!.label).toBe('affine uint8 axis 1 block 32 minmax');
  });

  it('runs on the backend of the QuantApi it is given', () => {
    const calls: string[] = [];
    const counting: Backend = {
      ...referenceBackend,
      name: 'counting',
      fakeQuantizeTensor(...args: Parameters<Backend['fakeQuantizeTensor']>) {
        calls.push('fakeQuantizeTensor');
        return referenceBackend.fakeQuantizeTensor(...args);
      },
    };
    const rows = createAnalysis(createQuantApi(counting))(x, [{ bits: 8 }, { bits: 4, calibrator: 'percentile' }]);
    expect(calls).toHaveLength(2);
    expect(rows.map((r) => r.mse)).toEqual(analyze(x, [{ bits: 8 }, { bits: 4, calibrator: 'percentile' }]).map((r) => r.mse));
  });

  it('rejects bad candidates with stable codes', () => {
    expect(errorCodeOf(() => analyze(x, []))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => analyze(x, [{ calibrator: 'best' }]))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => analyze(x, [{ calibrator: { method: 'nope' } as never }]))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => analyze(x, [{ bits: 1 }]))).toBe(ErrorCodes.BITS);
    expect(errorCodeOf(() => analyze(x, [{ granularity: { axis: 0 } }]))).toBe(undefined); // 1-D: one group per element
    expect(errorCodeOf(() => analyze(x, [{ granularity: { axis: 2 } }], { shape: [100, 200] }))).toBe(ErrorCodes.AXIS);
    expect(errorCodeOf(() => analyze(x, null as never))).toBe(ErrorCodes.OPTION);
  });
});
