import { Rng } from '@quantkit/quant-conformance/random';
import { describe, expect, it } from 'vitest';
import { packNBitsBlocks, packZeroPoints } from '../src/nbits-pack.js';

/** The layout read straight from the MatMulNBits spec, one element at a time: the oracle of the fast packer. */
function naive(codes: Int8Array | Uint8Array, K: number, N: number, bs: number, bits: 4 | 8, offset: number, pad: (n: number) => number): Uint8Array {
  const kb = Math.ceil(K / bs);
  const rowBytes = (kb * bs * bits) / 8;
  const out = new Uint8Array(N * rowBytes);
  const mask = 2 ** bits - 1;
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < kb * bs; k++) {
      const v = k < K ? (codes[k * N + n]! + offset) & mask : pad(n) & mask;
      if (bits === 8) out[n * rowBytes + k] = v;
      else out[n * rowBytes + (k >> 1)]! |= v << ((k & 1) * 4);
    }
  }
  return out;
}

describe('packNBitsBlocks: B [K, N] to [N, k_blocks, blob]', () => {
  const shapes: [number, number, number][] = [
    [64, 8, 32], [99, 40, 32], [100, 6, 16], [7, 5, 16], [256, 64, 128], [33, 12, 256], [1, 4, 16],
  ];
  it.each(shapes)('K %i, N %i, blocks of %i: equal to the element-wise layout (4 and 8 bits, signed and unsigned)', (K, N, bs) => {
    const rng = new Rng(K * 1000 + N);
    for (const bits of [4, 8] as const) {
      const signed = Int8Array.from({ length: K * N }, () => rng.int(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1));
      const unsigned = Uint8Array.from({ length: K * N }, () => rng.int(0, 2 ** bits - 1));
      const pads = Array.from({ length: N }, () => rng.int(0, 2 ** bits - 1));
      const offset = 2 ** (bits - 1);
      expect(packNBitsBlocks(signed, K, N, bs, bits, offset, () => offset)).toEqual(naive(signed, K, N, bs, bits, offset, () => offset));
      expect(packNBitsBlocks(unsigned, K, N, bs, bits, 0, (n) => pads[n]!)).toEqual(naive(unsigned, K, N, bs, bits, 0, (n) => pads[n]!));
    }
  });

  it('zero points: per column, ceil(k_blocks * bits / 8) bytes, low nibble first', () => {
    expect(packZeroPoints([1, 2, 3, 4, 5, 6], 3, 2, 4)).toEqual(Uint8Array.of(0x21, 0x03, 0x54, 0x06));
    expect(packZeroPoints([1, 2, 3, 4, 5, 6], 3, 2, 8)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6));
  });
});
