import { Rng } from '../../random.js';
import type { CorpusCase } from '../schema.js';
import { blockGroups, blockLayout, dequantizeBlockedCase, minMaxBlockedCase, quantizeApiCase, quantizeBlockedCase, specOf } from '../builders.js';

/*
 * Blocked quantization (ONNX QuantizeLinear-21 block_size) on every axis, with block sizes that divide the axis and
 * sizes that leave a partial last block (and one larger than the axis): element (o, d, i) uses group
 * (o * ceil(dim / B) + floor(d / B)) * inner + i.
 */

const SHAPES: readonly (readonly number[])[] = [[10], [4, 7], [7, 4], [2, 5, 3], [3, 1, 8], [2, 3, 4, 5], [1, 17]];

function blockSizes(dim: number): number[] {
  return [...new Set([1, 2, 3, 4, dim - 1, dim, dim + 2].filter((b) => b >= 1))];
}

export function blocked(): { description: string; cases: CorpusCase[] } {
  const rng = new Rng(0xb10c);
  const cases: CorpusCase[] = [];
  for (const shape of SHAPES) {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(size);
    rng.fill(x, 'normal', 1);
    for (let axis = 0; axis < shape.length; axis++) {
      for (const b of blockSizes(shape[axis]!)) {
        const layout = blockLayout(shape, axis, b);
        const groups = blockGroups(layout);
        const tag = `[${shape.join(',')}] axis ${axis} block ${b}`;
        const scales = Float32Array.from({ length: groups }, () => 0.004 + rng.next() * 0.03);
        const symZps = Int32Array.from({ length: groups }, () => rng.int(-4, 4));
        const affZps = Int32Array.from({ length: groups }, () => rng.int(0, 255));
        cases.push(quantizeBlockedCase(`${tag} int8 onnx`, x, scales, symZps, layout, specOf('symmetric', 8, 'onnx')));
        cases.push(quantizeBlockedCase(`${tag} uint8 pytorch`, x, scales, affZps, layout, specOf('affine', 8, 'pytorch')));
        cases.push(quantizeBlockedCase(`${tag} uint4 onnx`, x, scales.map((s) => s * 10), affZps.map((z) => z % 16), layout, specOf('affine', 4, 'onnx')));
        const codes = Uint8Array.from({ length: size }, () => rng.int(0, 255));
        cases.push(dequantizeBlockedCase(`${tag} uint8 -> float32`, codes, scales, affZps, layout, 'float32'));
        const scodes = Int16Array.from({ length: size }, () => rng.int(-32768, 32767));
        cases.push(dequantizeBlockedCase(`${tag} int16 -> float64`, scodes, scales, symZps, layout, 'float64'));
        cases.push(minMaxBlockedCase(`${tag} minMax`, x, layout));
        cases.push(quantizeApiCase(`API ${tag} symmetric`, x, { shape, granularity: { axis, blockSize: b }, scheme: 'symmetric' }));
        cases.push(quantizeApiCase(`API ${tag} affine 4-bit`, x, { shape, granularity: { axis: axis - shape.length, blockSize: b }, bits: 4 }));
      }
    }
  }
  return {
    description: 'Blocked quantize, dequantize and minMax on every axis with block sizes 1..4, dim - 1, dim and dim + 2 (partial last blocks), several storage types, both profiles; the API with positive and negative axes.',
    cases,
  };
}
