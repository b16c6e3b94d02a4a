import { ErrorCodes, fail } from './errors.js';
import type { AxisLayout, BlockLayout, Granularity } from './types.js';

/** A granularity resolved against a shape: how many (scale, zero point) groups there are and how they are laid out. */
export type ResolvedGranularity =
  | { readonly kind: 'tensor'; readonly groups: 1 }
  | { readonly kind: 'axis'; readonly axis: number; readonly layout: AxisLayout; readonly groups: number }
  | {
      readonly kind: 'block';
      readonly axis: number;
      readonly blockSize: number;
      readonly layout: BlockLayout;
      readonly groups: number;
      /** Shape of the scale tensor: the input shape with ceil(dim / blockSize) on the axis (as ONNX). */
      readonly scaleShape: readonly number[];
    };

/** Checks that a shape is an array of non-negative integers and returns a copy. */
export function checkShape(shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    fail(ErrorCodes.SHAPE, `shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return [...(shape as number[])];
}

export function shapeSize(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

/** Checks a shape against a data length; a missing shape means a 1-D tensor. */
export function resolveShape(shape: readonly number[] | undefined, length: number): number[] {
  if (shape === undefined) return [length];
  const checked = checkShape(shape);
  const size = shapeSize(checked);
  if (size !== length) fail(ErrorCodes.SHAPE, `shape [${checked.join(', ')}] holds ${size} elements but the data has ${length}`);
  return checked;
}

/** Normalises an axis in [-rank, rank - 1] (negative counts from the end, as in ONNX and numpy). */
export function normalizeAxis(axis: unknown, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    fail(ErrorCodes.AXIS, `axis must be an integer in [${-rank}, ${rank - 1}] for a tensor of rank ${rank}, got ${String(axis)}`);
  }
  return axis < 0 ? axis + rank : axis;
}

export function resolveGranularity(granularity: Granularity | undefined, shape: readonly number[]): ResolvedGranularity {
  if (granularity === undefined || granularity === 'tensor') return { kind: 'tensor', groups: 1 };
  if (typeof granularity !== 'object' || granularity === null || !('axis' in granularity)) {
    fail(ErrorCodes.OPTION, `granularity must be 'tensor', { axis } or { axis, blockSize }, got ${JSON.stringify(granularity)}`);
  }
  const axis = normalizeAxis(granularity.axis, shape.length);
  const outer = shapeSize(shape.slice(0, axis));
  const dim = shape[axis]!;
  const inner = shapeSize(shape.slice(axis + 1));
  if (!('blockSize' in granularity) || granularity.blockSize === undefined) {
    return { kind: 'axis', axis, layout: { outer, channels: dim, inner }, groups: dim };
  }
  const blockSize = granularity.blockSize;
  if (typeof blockSize !== 'number' || !Number.isInteger(blockSize) || blockSize < 1) {
    fail(ErrorCodes.BLOCK_SIZE, `blockSize must be an integer >= 1, got ${String(blockSize)}`);
  }
  const blocks = Math.ceil(dim / blockSize);
  const scaleShape = shape.map((d, i) => (i === axis ? blocks : d));
  return { kind: 'block', axis, blockSize, layout: { outer, dim, inner, blockSize }, groups: outer * blocks * inner, scaleShape };
}
