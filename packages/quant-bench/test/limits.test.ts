import { describe, expect, it } from 'vitest';
import { bytesPerElement, limitElementsPerSecond, secondsPerElement } from '../src/limits.js';
import { OPERATIONS } from '../src/ops/index.js';

const bw = { read: 12e9, copy: 10e9 };

describe('the memory-bound model', () => {
  it('bounds a read-only pass by the read bandwidth', () => {
    expect(limitElementsPerSecond([{ read: 4, write: 0 }], bw)).toBeCloseTo(3e9, -3);
  });

  it('bounds a read-and-write pass by the copy bandwidth over all bytes moved (f32 -> u8: copy / 5)', () => {
    expect(limitElementsPerSecond([{ read: 4, write: 1 }], bw)).toBeCloseTo(2e9, -3);
  });

  it('adds the time of consecutive passes (min/max, then quantize)', () => {
    expect(secondsPerElement([{ read: 4, write: 0 }, { read: 4, write: 1 }], bw)).toBeCloseTo(4 / 12e9 + 5 / 10e9, 20);
  });

  it('describes every operation by the bytes it must move', () => {
    const byId = new Map(OPERATIONS.map((o) => [o.id, bytesPerElement(o.passes)]));
    expect(byId.get('minmax')).toBe(4);
    expect(byId.get('quantize-tensor-u8')).toBe(5);
    expect(byId.get('quantize-tensor-i16')).toBe(6);
    expect(byId.get('quantize-tensor-int4')).toBe(4.5);
    expect(byId.get('quantize-block-u8')).toBe(5.25);
    expect(byId.get('dequantize-tensor-u8')).toBe(5);
    expect(byId.get('quantize-full-u8')).toBe(9);
    expect(byId.get('fake-quantize-u8')).toBe(8);
    expect(byId.get('api-dequantize-u8')).toBe(5);
    expect(byId.get('api-fake-quantize-u8')).toBe(8);
    expect(byId.get('api-fake-quantize-error-u8')).toBe(8);
    expect(byId.get('api-quantize-block-u8')).toBe(9.25);
    expect(byId.get('api-quantize-channel-u8')).toBe(9);
    expect(byId.get('api-quantize-channel-last-u8')).toBe(9);
  });
});
