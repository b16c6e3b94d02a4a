import { Rng } from '../../random.js';
import type { CorpusCase } from '../schema.js';
import { axisLayout, dequantizeAxisCase, minMaxAxisCase, quantizeApiCase, quantizeAxisCase, specOf } from '../builders.js';

/*
 * Per-axis (per-channel) quantization on every axis of shapes of rank 1 to 4, including size-1 and size-0
 * dimensions: the kernels see [outer, channels, inner] and channel c uses scales[c] / zeroPoints[c]. Through the API,
 * negative axes count from the end.
 */

export const AXIS_SHAPES: readonly (readonly number[])[] = [[7], [3, 5], [5, 3], [2, 3, 4], [4, 1, 9], [1, 1, 1], [2, 3, 4, 5], [2, 0, 3], [33, 2], [2, 33]];

export function perAxis(): { description: string; cases: CorpusCase[] } {
  const rng = new Rng(0xa815);
  const cases: CorpusCase[] = [];
  for (const shape of AXIS_SHAPES) {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(size);
    rng.fill(x, 'normal', 2);
    for (let axis = 0; axis < shape.length; axis++) {
      const layout = axisLayout(shape, axis);
      const tag = `[${shape.join(',')}] axis ${axis}`;
      const scales = Float32Array.from({ length: layout.channels }, () => 0.005 + rng.next() * 0.05);
      const symZps = Int32Array.from({ length: layout.channels }, () => rng.int(-3, 3));
      const affZps = Int32Array.from({ length: layout.channels }, () => rng.int(0, 255));
      cases.push(quantizeAxisCase(`${tag} int8 onnx`, x, scales, symZps, layout, specOf('symmetric', 8, 'onnx')));
      cases.push(quantizeAxisCase(`${tag} uint8 pytorch`, x, scales, affZps, layout, specOf('affine', 8, 'pytorch')));
      cases.push(quantizeAxisCase(`${tag} int16 onnx`, x, scales.map((s) => s / 100), symZps, layout, specOf('symmetric', 16, 'onnx')));
      cases.push(quantizeAxisCase(`${tag} int4 onnx`, x, scales.map((s) => s * 20), symZps, layout, specOf('symmetric', 4, 'onnx')));
      const codes = Int8Array.from({ length: size }, () => rng.int(-128, 127));
      cases.push(dequantizeAxisCase(`${tag} int8 -> float32`, codes, scales, symZps, layout, 'float32'));
      const ucodes = Uint16Array.from({ length: size }, () => rng.int(0, 65535));
      cases.push(dequantizeAxisCase(`${tag} uint16 -> float32`, ucodes, scales, affZps.map((z) => z * 200), layout, 'float32'));
      cases.push(minMaxAxisCase(`${tag} minMax`, x, layout));
      for (const a of [axis, axis - shape.length]) {
        cases.push(quantizeApiCase(`API ${tag} (axis ${a}) affine`, x, { shape, granularity: { axis: a } }));
        cases.push(quantizeApiCase(`API ${tag} (axis ${a}) symmetric narrow`, x, { shape, granularity: { axis: a }, scheme: 'symmetric', narrowRange: true }));
      }
    }
  }
  return {
    description: 'Per-axis quantize, dequantize and minMax on every axis of shapes of rank 1..4 (size-1 and size-0 dimensions included), several storage types and both profiles; the API with positive and negative axes.',
    cases,
  };
}
