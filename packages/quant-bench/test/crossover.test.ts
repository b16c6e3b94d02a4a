import { describe, expect, it } from 'vitest';
import { crossoverOf } from '../src/crossover.js';
import { routingConstants, routingThresholds } from '../src/routing-constants.js';

describe('crossoverOf', () => {
  const sizes = [8, 16, 32, 64, 128];

  it('is the smallest size from which native wins at every larger size', () => {
    expect(crossoverOf(sizes, [0.5, 1.2, 0.9, 1.5, 3])).toBe(64);
  });

  it('is the first size when native always wins', () => {
    expect(crossoverOf(sizes, [1.1, 2, 3, 4, 5])).toBe(8);
  });

  it('is null when native loses at the largest size', () => {
    expect(crossoverOf(sizes, [2, 2, 2, 2, 0.99])).toBeNull();
  });

  it('counts a tie as a loss', () => {
    expect(crossoverOf(sizes, [0.5, 0.5, 1, 1.01, 2])).toBe(64);
  });
});

describe('routing constants', () => {
  const result = {
    native: 'avx2, 1 thread',
    rows: [
      { kernel: 'quantizeTensor', description: '', sizes: [8], ratios: [2], crossover: 8 },
      { kernel: 'quantizeAxis', description: '', sizes: [8], ratios: [2], crossover: 32 },
      { kernel: 'quantizeBlocked', description: '', sizes: [8], ratios: [2], crossover: 16 },
      { kernel: 'minMax', description: '', sizes: [8], ratios: [2], crossover: 128 },
      { kernel: 'minMaxAxis', description: '', sizes: [8], ratios: [0.5], crossover: null },
      { kernel: 'minMaxBlocked', description: '', sizes: [8], ratios: [2], crossover: 64 },
    ],
  };

  it('takes the largest crossover of the kernels an operation routes, null if one never crossed', () => {
    const t = routingThresholds(result);
    expect(t.map((x) => [x.operation, x.value])).toEqual([
      ['quantize', 32],
      ['minMax', null],
    ]);
  });

  it('prints them as the ROUTING_THRESHOLDS of the routing file, flagging what did not cross', () => {
    const text = routingConstants(result);
    expect(text).toContain('packages/quant/src/routing.ts');
    expect(text).toContain('export const ROUTING_THRESHOLDS = Object.freeze({');
    expect(text).toMatch(/ {2}quantize: 32, \/\/ quantizeTensor 8, quantizeAxis 32, quantizeBlocked 16\n/);
    expect(text).toMatch(/ {2}minMax: 65536, \/\/ .*minMaxAxis > 65536.*placeholder/);
  });
});
