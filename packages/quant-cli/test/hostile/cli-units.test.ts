import { describe, expect, it } from 'vitest';
import { computeQParams, dequantize, fakeQuantize, quantize, type QuantizeOptions } from '@quantkit/quant-core';
import { rangeOverflow } from '../../src/analysis/range-overflow.js';
import { globToRegExp } from '../../src/glob.js';
import { joinNegativeValues } from '../../src/negative-values.js';
import { jsonText, visible, visibleLines } from '../../src/safe-text.js';

/* The helpers behind the hostile-input fixes, on their own (the cli-*.test.ts files run them through `quant`). */

describe('visible: control and bidi characters shown as escapes', () => {
  it('escapes C0, DEL, C1, bidi controls and line separators, and nothing else', () => {
    expect(visible('a\x1b[31mb')).toBe('a\\x1b[31mb');
    expect(visible('\x00\x07\t\n\x7f')).toBe('\\x00\\x07\\x09\\x0a\\x7f');
    expect(visible('\u0085\u009b')).toBe('\\x85\\x9b');
    expect(visible('x\u202ey\u2066z\u200f\u061c\u2028')).toBe('x\\u202ey\\u2066z\\u200f\\u061c\\u2028');
    const ordinary = 'layers.0/ä€😀 ±−\\x1b';
    expect(visible(ordinary)).toBe(ordinary);
  });

  it('visibleLines keeps line breaks and escapes within lines', () => {
    expect(visibleLines('one\x1b\ntwo\r')).toBe('one\\x1b\ntwo\\x0d');
  });

  it('jsonText is JSON that parses back to the exact strings, with no raw C1 or bidi character', () => {
    const value = { name: '\x1b]0;t\x07\u009b\u202e\u2029', n: [1, 2] };
    const text = jsonText(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2029]/);
    expect(text).toBe(JSON.stringify(value, null, 2).replace('\u009b', '\\u009b').replace('\u202e', '\\u202e').replace('\u2029', '\\u2029'));
  });
});

describe('globs that cannot mean what was typed', () => {
  it.each([[''], ['w[0'], ['[]'], ['[!]'], ['*.[z-a]']])('%j is a usage error', (pattern) => {
    expect(() => globToRegExp(pattern, 'include')).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });

  it('a ] right after [ or [! belongs to the class; [[] is a literal [', () => {
    expect(globToRegExp('[]a]').test(']')).toBe(true);
    expect(globToRegExp('[!]a]').test('b')).toBe(true);
    expect(globToRegExp('[!]a]').test(']')).toBe(false);
    expect(globToRegExp('w[[]0]').test('w[0]')).toBe(true);
    expect(globToRegExp('[a-c-]').test('-')).toBe(true);
  });
});

describe('negative numbers as option values', () => {
  const options = { axis: { type: 'string' }, output: { type: 'string', short: 'o' }, packed: { type: 'boolean' } } as const;

  it('joins a value-taking option with a following negative number', () => {
    expect(joinNegativeValues(['--axis', '-1', 'x'], options)).toEqual(['--axis=-1', 'x']);
    expect(joinNegativeValues(['--axis', '-0.5'], options)).toEqual(['--axis=-0.5']);
    expect(joinNegativeValues(['--axis', '-.5'], options)).toEqual(['--axis=-.5']);
    expect(joinNegativeValues(['-o', '-2.safetensors'], options)).toEqual(['--output=-2.safetensors']);
  });

  it('leaves flags, option names, joined values and everything after -- alone', () => {
    expect(joinNegativeValues(['--packed', '-1'], options)).toEqual(['--packed', '-1']);
    expect(joinNegativeValues(['--axis', '-o', 'f'], options)).toEqual(['--axis', '-o', 'f']);
    expect(joinNegativeValues(['--axis=-1', '-2'], options)).toEqual(['--axis=-1', '-2']);
    expect(joinNegativeValues(['--', '--axis', '-1'], options)).toEqual(['--', '--axis', '-1']);
    expect(joinNegativeValues(['--constructor', '-1'], options)).toEqual(['--constructor', '-1']);
  });
});

describe('rangeOverflow', () => {
  const params = (x: Float32Array, options: QuantizeOptions) => {
    const p = computeQParams(x, options);
    return { scale: p.scale, zeroPoint: p.zeroPoint, qmin: p.qmin, qmax: p.qmax };
  };
  const values = (x: Float32Array) => ({ data: x, half: undefined });

  it('flags affine 8-bit at ±3.4e38 in float32, where the library dequantizes -3.4e38 to -Infinity', () => {
    const x = Float32Array.of(3.4e38, -3.4e38, 0);
    expect(fakeQuantize(x, { scheme: 'affine' })).toContain(-Infinity);
    expect(rangeOverflow(params(x, { scheme: 'affine' }), 'F32', values(x))).toEqual({ groups: 1, reach: Infinity });
  });

  it('flags affine 8-bit at ±65504 for float16, where the values exceed 65504 (float16 rounds them to Infinity)', () => {
    const x = Float32Array.of(65504, -65504, 0);
    const reach = Math.max(...Array.from(fakeQuantize(x, { scheme: 'affine' }), Math.abs));
    expect(reach).toBeGreaterThanOrEqual(65520);
    expect(rangeOverflow(params(x, { scheme: 'affine' }), 'F16', values(x))).toEqual({ groups: 1, reach });
    expect(rangeOverflow(params(x, { scheme: 'affine' }), 'F32', values(x))).toBeUndefined(); // a float32 tensor holds them
  });

  it('reads F16 bits as they are: half scales, the extremes found without widening the tensor at once', () => {
    // 70,000 values (more than one widening chunk), the extremes ±65504 in the second chunk. Symmetric 8-bit: the
    // float16 scale is 65504 / 127 rounded to 516, so code 127 is 65532, beyond the largest float16.
    const bits = new Uint16Array(70_000).fill(0x3c00);
    bits[66_000] = 0x7bff;
    bits[69_999] = 0xfbff;
    const p = computeQParams(bits, { scheme: 'symmetric', dtype: 'float16' });
    const reach = Math.max(...Array.from(dequantize(quantize(bits, { scheme: 'symmetric', dtype: 'float16' })), Math.abs));
    expect([p.scale, reach]).toEqual([516, 65532]);
    expect(rangeOverflow({ scale: p.scale, zeroPoint: p.zeroPoint, qmin: p.qmin, qmax: p.qmax }, 'F16', { data: bits, half: 'float16' })).toEqual({ groups: 1, reach });
  });

  it('does not flag a grid whose end code no value uses', () => {
    // Symmetric 8-bit, scale 65504 / 127: code -128 would be -66019.8 (beyond float16), but no value maps to it.
    for (const x of [Float32Array.of(65504, 0, 1), Float32Array.of(65504, -65504)]) {
      expect(Math.max(...Array.from(fakeQuantize(x, { scheme: 'symmetric' }), Math.abs))).toBeLessThan(65520);
      expect(rangeOverflow(params(x, { scheme: 'symmetric' }), 'F16', values(x))).toBeUndefined();
    }
  });

  it('counts the overflowing groups of per-group parameters, and ignores NaN and ±Infinity in the data', () => {
    const x = Float32Array.of(1, -1, 3.4e38, -3.4e38);
    const perChannel = params(x, { scheme: 'affine', shape: [2, 2], granularity: { axis: 0 } });
    expect(rangeOverflow(perChannel, 'F32', values(Float32Array.of(...x, NaN, Infinity)))).toEqual({ groups: 1, reach: Infinity });
    expect(rangeOverflow(perChannel, 'F32', values(Float32Array.of(NaN, Infinity)))).toBeUndefined();
  });
});
