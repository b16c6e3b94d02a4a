import type { AxisLayout, BlockLayout } from '@quantkit/quant-core';

/*
 * The shapes the per-channel and blocked rows use, for any element count n:
 *   per channel: [C, n / C] quantized along axis 0 (one scale per output channel of a weight matrix), C = 256 for
 *     large inputs, 64 from 4096 elements, 4 (or 1) below;
 *   per channel on the last axis: [n / C, C] quantized along axis 1 (one scale per column, as ONNX quantizes the
 *     [K, N] weight of a MatMul per output column), the same C;
 *   blocked: [K, N] with blocks of 32 along axis 0, as ONNX QuantizeLinear-21 blocks a MatMul weight along K,
 *     N = the largest power of two <= min(4096, n / 32) (at least 1), so scales are [ceil(K / 32), N].
 */

export const BLOCK_SIZE = 32;

export interface ChannelShape {
  readonly shape: readonly [number, number];
  readonly layout: AxisLayout;
}

export interface BlockShape {
  readonly shape: readonly [number, number];
  readonly layout: BlockLayout;
  readonly scaleShape: readonly [number, number];
}

export function channelShape(n: number): ChannelShape {
  let c = n >= 65536 ? 256 : n >= 4096 ? 64 : 4;
  while (n % c !== 0) c >>= 1;
  const c1 = Math.max(1, c);
  return { shape: [c1, n / c1], layout: { outer: 1, channels: c1, inner: n / c1 } };
}

export function lastAxisChannelShape(n: number): ChannelShape {
  const c = channelShape(n).layout.channels;
  return { shape: [n / c, c], layout: { outer: n / c, channels: c, inner: 1 } };
}

export function blockShape(n: number): BlockShape {
  let cols = 1;
  while (cols * 2 <= Math.min(4096, n / BLOCK_SIZE) && n % (cols * 2) === 0) cols *= 2;
  const k = n / cols;
  return {
    shape: [k, cols],
    layout: { outer: 1, dim: k, inner: cols, blockSize: BLOCK_SIZE },
    scaleShape: [Math.ceil(k / BLOCK_SIZE), cols],
  };
}
