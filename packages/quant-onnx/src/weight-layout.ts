import type { NodeProto } from './onnx.js';
import type { ResolvedOptions } from './options.js';
import type { WeightInput } from './weight-inputs.js';

/** How one weight is quantized: one scale, one per index along `axis`, or one per block of `blockSize` along `axis`. */
export type WeightLayout =
  | { readonly granularity: 'tensor' }
  | { readonly granularity: 'channel'; readonly axis: number }
  | { readonly granularity: 'block'; readonly axis: number; readonly blockSize: number };

/** The layout the options ask for, for a weight of `rank` read by `node` through `rule` (per tensor when no axis fits). */
export function layoutFor(rule: WeightInput, node: NodeProto, rank: number, options: ResolvedOptions): WeightLayout {
  if (options.granularity === 'channel') {
    const axis = rule.channelAxis(node, rank);
    return axis === undefined ? { granularity: 'tensor' } : { granularity: 'channel', axis };
  }
  if (options.granularity === 'block') {
    const axis = rule.blockAxis(node, rank);
    return axis === undefined ? { granularity: 'tensor' } : { granularity: 'block', axis, blockSize: options.blockSize };
  }
  return { granularity: 'tensor' };
}

export function sameLayout(a: WeightLayout, b: WeightLayout): boolean {
  return a.granularity === b.granularity && (a.granularity === 'tensor' || a.axis === (b as { axis: number }).axis);
}

export function describeLayout(layout: WeightLayout): string {
  if (layout.granularity === 'tensor') return 'per tensor';
  if (layout.granularity === 'channel') return `per channel, axis ${layout.axis}`;
  return `blocks of ${layout.blockSize} along axis ${layout.axis}`;
}
