import { describeValue } from './describe-value.js';
import { ErrorCodes, fail } from './errors.js';
import { checkGroupCount } from './limits.js';
import { checkOptionKeys, OPTION_SCHEMAS } from './options.js';
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

/**
 * Checks that a shape is an array of safe integers >= 0 whose product is a safe integer, and returns a copy.
 * (A zero dimension makes the product 0 whatever the others are: [2^52, 0] is a valid empty shape.)
 */
export function checkShape(shape: unknown): number[] {
  if (!Array.isArray(shape)) fail(ErrorCodes.SHAPE, `shape must be an array of non-negative integers, got ${describeValue(shape)}`);
  const dims = [...(shape as unknown[])];
  dims.forEach((d, i) => {
    if (!(typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
      fail(ErrorCodes.SHAPE, `shape[${i}] must be a non-negative safe integer, got ${describeValue(d)}`);
    }
  });
  if (!Number.isSafeInteger(shapeSize(dims as number[]))) {
    fail(ErrorCodes.SHAPE, `shape [${dims.join(', ')}] holds more than 2^53 - 1 elements`);
  }
  return dims as number[];
}

/** The product of the dimensions: 0 when one of them is 0 (even beside dimensions whose product would overflow). */
export function shapeSize(shape: readonly number[]): number {
  if (shape.includes(0)) return 0;
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

/**
 * The product of some dimensions of a valid shape, for a layout. In an empty tensor the dimensions beside the zero
 * may multiply to more than 2^53; such a factor only ever multiplies the zero, so it is 0 too (layouts stay safe
 * integers for every backend).
 */
function layoutFactor(dims: readonly number[]): number {
  const p = shapeSize(dims);
  return Number.isSafeInteger(p) ? p : 0;
}

/** Normalises an axis in [-rank, rank - 1] (negative counts from the end, as in ONNX and numpy). */
export function normalizeAxis(axis: unknown, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    fail(ErrorCodes.AXIS, `axis must be an integer in [${-rank}, ${rank - 1}] for a tensor of rank ${rank}, got ${describeValue(axis)}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Resolves a granularity against a (valid) shape. ERR_QUANT_LIMIT when it has more than MAX_GROUPS groups, which only
 * an empty tensor can (2^31 channels of shape [2^31, 0], say).
 */
export function resolveGranularity(granularity: Granularity | undefined, shape: readonly number[]): ResolvedGranularity {
  if (granularity === undefined || granularity === 'tensor') return { kind: 'tensor', groups: 1 };
  if (typeof granularity !== 'object' || granularity === null || !('axis' in granularity)) {
    fail(ErrorCodes.OPTION, `granularity must be 'tensor', { axis } or { axis, blockSize }, got ${describeValue(granularity)}`);
  }
  checkOptionKeys(granularity, OPTION_SCHEMAS.granularity, 'granularity');
  const axis = normalizeAxis(granularity.axis, shape.length);
  const outer = layoutFactor(shape.slice(0, axis));
  const dim = shape[axis]!;
  const inner = layoutFactor(shape.slice(axis + 1));
  if (!('blockSize' in granularity) || granularity.blockSize === undefined) {
    checkGroupCount(dim, `per-axis granularity on axis ${axis} of shape [${shape.join(', ')}]`);
    return { kind: 'axis', axis, layout: { outer, channels: dim, inner }, groups: dim };
  }
  const blockSize = granularity.blockSize;
  if (typeof blockSize !== 'number' || !Number.isInteger(blockSize) || blockSize < 1) {
    fail(ErrorCodes.BLOCK_SIZE, `blockSize must be an integer >= 1, got ${describeValue(blockSize)}`);
  }
  const blocks = Math.ceil(dim / blockSize);
  const groups = outer * blocks * inner;
  checkGroupCount(groups, `blocked granularity (axis ${axis}, blockSize ${blockSize}) of shape [${shape.join(', ')}]`);
  const scaleShape = shape.map((d, i) => (i === axis ? blocks : d));
  return { kind: 'block', axis, blockSize, layout: { outer, dim, inner, blockSize }, groups, scaleShape };
}
