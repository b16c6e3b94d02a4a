import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTmpfs, locationOf, memoryDir } from '../src/cli-bench/memory-dir.js';
import { elementsRatios, type CliRow } from '../src/cli-bench/result.js';

const row = (tensors: number, seconds: number[]): CliRow => ({
  tensors,
  elementsPerTensor: 1000,
  inputBytes: 0,
  outputBytes: 0,
  runs: seconds.map((s) => ({ seconds: s, peakRssBytes: 0 })),
  seconds: [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)]!,
  gbPerSecond: 0,
  peakRssBytes: 0,
});

describe('the bfloat16 / float32 ratio of bench:cli', () => {
  it('is elements/s over elements/s, from the medians and run by run', () => {
    // float32: 2 tensors; bfloat16: 4 tensors (twice the elements) in the times below.
    const r = elementsRatios(row(2, [2, 4, 3]), row(4, [2, 2, 6]));
    expect(r.median).toBeCloseTo((4000 / 2) / (2000 / 3), 12);
    expect(r.runs.map((v) => +v.toFixed(6))).toEqual([2, 4, 1]);
  });

  it('finds a tmpfs with room only (and labels where files were)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'half-ratio-'));
    try {
      expect(locationOf(dir)).toBe(isTmpfs(dir) ? `${dir} (tmpfs)` : `disk (${dir})`);
      if (!isTmpfs(dir)) expect(memoryDir(1, dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(memoryDir(1, '/nonexistent-dir')).toBeUndefined();
    if (existsSync('/dev/shm') && isTmpfs('/dev/shm')) {
      expect(memoryDir(1)).toBe('/dev/shm');
      expect(locationOf('/dev/shm')).toBe('/dev/shm (tmpfs)');
      expect(memoryDir(2 ** 60)).toBeUndefined(); // no room
    }
  });
});
