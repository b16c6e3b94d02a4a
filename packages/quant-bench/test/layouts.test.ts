import { resolveGranularity } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { blockShape, BLOCK_SIZE, channelShape, lastAxisChannelShape } from '../src/ops/layouts.js';
import { FULL_SIZES } from '../src/options.js';

const SIZES = [...FULL_SIZES, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 65536, 1 << 20];

describe('benchmark layouts', () => {
  it.each(SIZES)('per channel, %i elements: the shape holds the input and matches core', (n) => {
    const c = channelShape(n);
    expect(c.shape[0] * c.shape[1]).toBe(n);
    const g = resolveGranularity({ axis: 0 }, c.shape);
    expect(g.kind === 'axis' && g.layout).toEqual(c.layout);
  });

  it.each(SIZES)('per channel on the last axis, %i elements: the shape holds the input and matches core', (n) => {
    const c = lastAxisChannelShape(n);
    expect(c.shape[0] * c.shape[1]).toBe(n);
    expect(c.layout.inner).toBe(1);
    const g = resolveGranularity({ axis: 1 }, c.shape);
    expect(g.kind === 'axis' && g.layout).toEqual(c.layout);
  });

  it.each(SIZES)('blocked, %i elements: the shape holds the input and the scale shape matches core', (n) => {
    const b = blockShape(n);
    expect(b.shape[0] * b.shape[1]).toBe(n);
    const g = resolveGranularity({ axis: 0, blockSize: BLOCK_SIZE }, b.shape);
    expect(g.kind === 'block' && g.layout).toEqual(b.layout);
    expect(g.kind === 'block' && g.scaleShape).toEqual(b.scaleShape);
  });
});
