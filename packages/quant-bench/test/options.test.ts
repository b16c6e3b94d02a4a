import { describe, expect, it } from 'vitest';
import { FULL_SIZES, parseOptions, QUICK_SIZES } from '../src/options.js';

describe('bench options', () => {
  it('runs the full benchmark by default', () => {
    const o = parseOptions([], {});
    expect(o.quick).toBe(false);
    expect(o.sizes).toEqual(FULL_SIZES);
  });

  it('--quick drops the 16M and 64M sizes', () => {
    const o = parseOptions(['--quick'], {});
    expect(o.quick).toBe(true);
    expect(o.sizes).toEqual(QUICK_SIZES);
    expect(Math.max(...o.sizes)).toBeLessThan(16 << 20);
  });

  it('ignores the "--" that pnpm and turbo forward', () => {
    expect(parseOptions(['--', '--quick'], {}).quick).toBe(true);
  });

  it('defaults to --quick under CI, unless --full', () => {
    expect(parseOptions([], { CI: 'true' }).quick).toBe(true);
    expect(parseOptions(['--full'], { CI: 'true' }).quick).toBe(false);
    expect(parseOptions([], { CI: 'false' }).quick).toBe(false);
    expect(() => parseOptions(['--quick', '--full'], {})).toThrow(/exclude/);
  });

  it('takes explicit sizes and operation filters', () => {
    const o = parseOptions(['--sizes', '4096,1048576', '--only', 'minmax, quantize-tensor', '--json', 'out.json'], {});
    expect(o.sizes).toEqual([4096, 1048576]);
    expect(o.only).toEqual(['minmax', 'quantize-tensor']);
    expect(o.json).toBe('out.json');
    expect(() => parseOptions(['--sizes', '12x'], {})).toThrow(/positive integers/);
  });
});
