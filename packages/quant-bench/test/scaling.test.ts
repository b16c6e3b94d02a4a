import { describe, expect, it } from 'vitest';
import type { Row } from '../src/results.js';
import { compareThreads } from '../src/scaling.js';

const cell = (eps: number, bestEps: number) => ({ eps, bestEps, secondsPerCall: 1 / eps, repetitions: 7, callsPerRepetition: 1 });

describe('compareThreads', () => {
  it('compares the fastest repetitions, so a bimodal median does not count as slower', () => {
    const rows: Row[] = [
      { op: 'a', size: 1, cells: { 'native-avx2': cell(100, 110), 'native-avx2-2t': cell(40, 108) } },
      { op: 'b', size: 2, cells: { 'native-avx2': cell(100, 100), 'native-avx2-2t': cell(190, 200) } },
    ];
    const r = compareThreads(rows);
    expect(r.slower).toEqual([]);
    expect(r.worst).toEqual({ op: 'a', size: 1, ratio: 108 / 110 });
  });

  it('flags a two-thread cell whose fastest repetition is below the tolerance', () => {
    const rows: Row[] = [{ op: 'c', size: 3, cells: { 'native-avx2': cell(100, 100), 'native-avx2-2t': cell(90, 90) } }];
    expect(compareThreads(rows).slower).toEqual([{ op: 'c', size: 3, ratio: 0.9 }]);
  });

  it('skips rows where either column was not measured', () => {
    const rows: Row[] = [{ op: 'd', size: 4, cells: { 'native-avx2': cell(100, 100), 'native-avx2-2t': { skipped: 'x' } } }];
    expect(compareThreads(rows)).toEqual({ slower: [], tolerance: 0.95 });
  });
});
