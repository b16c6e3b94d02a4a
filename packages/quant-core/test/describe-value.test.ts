import { describe, expect, it } from 'vitest';
import { describeValue } from './helpers/api.js';

describe('describeValue', () => {
  it('shows the type and, for small values, the value', () => {
    expect(describeValue('8')).toBe("the string '8'");
    expect(describeValue(8)).toBe('8');
    expect(describeValue(-0)).toBe('-0');
    expect(describeValue(8n)).toBe('the bigint 8n');
    expect(describeValue(true)).toBe('the boolean true');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(Symbol('s'))).toBe('a symbol');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue([1, 2])).toBe('an array of 2 elements');
    expect(describeValue(new Float32Array(3))).toBe('a Float32Array of 3 elements');
    expect(describeValue(new Int8Array(1))).toBe('an Int8Array of 1 element');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(new Map())).toBe('a Map');
  });

  it('never throws, and never calls the value', () => {
    const hostile = { toString: () => { throw new Error('no'); }, get constructor(): never { throw new Error('no'); } };
    expect(describeValue(hostile)).toBe('an object');
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    expect(describeValue(proxy)).toBe('an object');
    const trapping = new Proxy({}, { getPrototypeOf: () => { throw new Error('no'); } });
    expect(describeValue(trapping)).toBe('an object');
  });

  it('shows a typed array by its brand, whatever its prototype', () => {
    const a = new Uint8Array(4);
    Object.setPrototypeOf(a, Float32Array.prototype);
    expect(describeValue(a)).toBe('a Uint8Array of 4 elements');
  });

  it('quotes, shortens and escapes strings (messages may reach a terminal)', () => {
    expect(describeValue("it's")).toBe("the string 'it\\'s'");
    expect(describeValue('\u001b[31mred')).toBe("the string '\\u001b[31mred'");
    expect(describeValue('x'.repeat(100))).toBe(`the string '${'x'.repeat(40)}...'`);
  });
});
