import { describe, expect, it } from 'vitest';
import { AbortError, computeQParams, createAsyncQuantApi, ErrorCodes, QuantError, type CalibrationSpec, type QuantizeOptions } from '../../src/index.js';
import { turnAsyncBackend } from '../helpers/async-backend.js';
import { countTurns, workerLikeSearch } from './async-helpers.js';
import { Random, sample, withOutliers } from './random.js';

/*
 * Issue 19: quantizeAsync ran calibrators synchronously, so `entropy` with many bins or `mse` on large data held the
 * event loop for seconds and an abort acted only at the end. Calibrations of the async API now run in steps
 * (calibrate/run-async.ts): passes over large data on async kernels or in slices, long searches on
 * backend.searchAsync (the adapter's worker) or in chunks here, a turn of the event loop between chunks, and a
 * checkpoint (abort, detached input) after every turn. The ranges are the synchronous calibrators', bit for bit.
 */

const rng = new Random(19);
// Larger than the inline limit (65536) so that every pass takes the sliced or async path; NaN and ±Infinity included.
const big = withOutliers(sample(150_000, () => rng.studentT(4)), 40, 300);
big[17] = NaN;
big[1234] = Infinity;
big[99_999] = -Infinity;
// Three channels of 50,000 along axis 1, each gathered from 1000 rows.
const shape = [1000, 3, 50];
// Many small groups, gathered: blocks of 8 along the first axis of [40, 2, 25].
const small = big.subarray(0, 2000);
const smallShape = [40, 2, 25];

const SPECS: CalibrationSpec[] = [
  { method: 'percentile', percentile: 99.9 }, // exact: a quickselect search on the finite copy
  { method: 'percentile', percentile: 99.9, exactLimit: 1000 }, // two histogram passes
  { method: 'mse' },
  { method: 'mse', bins: 65536, refine: false }, // a model search long enough for the worker
  { method: 'entropy', startBin: 16 },
  { method: 'histogram' },
];

const CASES: { x: Float32Array; options: QuantizeOptions }[] = [
  { x: big, options: {} },
  { x: big, options: { shape, granularity: { axis: 1 } } },
  { x: small, options: { shape: smallShape, granularity: { axis: 0, blockSize: 8 } } },
];

function label(o: QuantizeOptions): string {
  return JSON.stringify({ range: o.range, scheme: o.scheme, bits: o.bits, granularity: o.granularity ?? 'tensor' });
}

describe('calibration in the async API', () => {
  it('gives the synchronous calibrators\' parameters bit for bit, searched here or on a worker', async () => {
    const worker = workerLikeSearch();
    const here = createAsyncQuantApi(turnAsyncBackend());
    const elsewhere = createAsyncQuantApi(turnAsyncBackend(worker.searchAsync));
    for (const range of SPECS) {
      for (const { x, options: g } of CASES) {
        for (const scheme of ['affine', 'symmetric'] as const) {
          const options: QuantizeOptions = { ...g, range, scheme, bits: range.method === 'mse' ? 4 : 8 };
          const expected = computeQParams(x, options);
          for (const api of [here, elsewhere]) {
            const qt = await api.quantizeAsync(x, options);
            expect({ scale: qt.scale, zeroPoint: qt.zeroPoint }, label(options)).toEqual({ scale: expected.scale, zeroPoint: expected.zeroPoint });
          }
        }
      }
    }
    // Every kind of search went to the worker when long enough (per channel and per tensor)...
    expect(new Set(worker.kinds)).toEqual(new Set(['quantiles', 'mseModel', 'entropy', 'l2']));
    // ...and none of the short ones of small groups, which are not worth a trip to another thread.
    worker.kinds.length = 0;
    for (const range of SPECS) await elsewhere.quantizeAsync(small, { ...CASES[2]!.options, range });
    expect(worker.kinds).toEqual([]);
  }, 120_000);

  it('lets the event loop turn while a long search runs on this thread', async () => {
    const api = createAsyncQuantApi(turnAsyncBackend());
    const x = sample(100_000, () => rng.uniform()); // a dense histogram: every bin is occupied
    const range: CalibrationSpec = { method: 'entropy', bins: 4096, startBin: 1 };
    const counter = countTurns();
    const qt = await api.quantizeAsync(x, { scheme: 'symmetric', range });
    counter.stop();
    expect(qt.scale).toBe(computeQParams(x, { scheme: 'symmetric', range }).scale);
    // The KL scan is about 4096 × 4096 units of work, a pause every 2^18: dozens of turns. Synchronously: none.
    expect(counter.turns()).toBeGreaterThan(30);
  }, 60_000);

  it('stops at the next chunk when aborted, with AbortError and the signal\'s reason', async () => {
    const api = createAsyncQuantApi(turnAsyncBackend());
    const x = sample(100_000, () => rng.uniform());
    const controller = new AbortController();
    let abortedAt = -1;
    const counter = countTurns((turns) => {
      if (turns === 10) {
        controller.abort('enough');
        abortedAt = turns;
      }
    });
    const outcome = await api.quantizeAsync(x, { range: { method: 'entropy', bins: 4096, startBin: 1 }, signal: controller.signal }).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    const turnsAfterAbort = counter.turns() - abortedAt;
    counter.stop();
    expect(outcome).toBeInstanceOf(AbortError);
    expect((outcome as AbortError).cause).toBe('enough');
    expect(turnsAfterAbort).toBeLessThanOrEqual(2);
  }, 60_000);

  it('rejects with ERR_QUANT_DETACHED when the input is detached while it calibrates', async () => {
    const api = createAsyncQuantApi(turnAsyncBackend());
    const x = sample(400_000, () => rng.normal());
    const counter = countTurns((turns) => {
      if (turns === 3) structuredClone(x.buffer, { transfer: [x.buffer as ArrayBuffer] });
    });
    const outcome = await api.quantizeAsync(x, { range: { method: 'mse' } }).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    counter.stop();
    expect(x.length).toBe(0);
    expect(outcome).toBeInstanceOf(QuantError);
    expect((outcome as QuantError).code).toBe(ErrorCodes.DETACHED);
  });

  it('falls back to this thread when searchAsync declines a search', async () => {
    let asked = 0;
    const api = createAsyncQuantApi(
      turnAsyncBackend(async () => {
        asked++;
        return undefined;
      }),
    );
    const range: CalibrationSpec = { method: 'histogram' };
    const qt = await api.quantizeAsync(big, { range });
    expect(asked).toBe(1);
    expect(qt.scale).toBe(computeQParams(big, { range }).scale);
  });
});
