import type { InitializerUse, InitializerUses } from './find-initializers.js';
import type { ResolvedOptions } from './options.js';
import { layoutFor, sameLayout, type WeightLayout } from './weight-layout.js';
import { weightDTypeOf, shapeOf, type WeightDType } from './weight-values.js';
import { weightInputOf } from './weight-inputs.js';

/** Why an initializer that feeds a weight input of a selected operator stays as it is. */
export type SkipReason = 'excluded' | 'already-quantized' | 'graph-input' | 'graph-output' | 'dtype' | 'empty' | 'rank' | 'plan';

/** A use that would have wanted another layout than the weight's first use (the first use wins). */
export interface LayoutConflict {
  readonly use: InitializerUse;
  readonly layout: WeightLayout;
}

export interface SelectedWeight {
  readonly initializer: InitializerUses;
  readonly dtype: WeightDType;
  readonly shape: readonly number[];
  /** The first use through a weight input (graph order, subgraphs after their node): it decides the layout. */
  readonly firstUse: InitializerUse;
  readonly layout: WeightLayout;
  readonly conflicts: readonly LayoutConflict[];
  /** This weight's own options when a plan chose them (else the command's apply). */
  readonly options?: ResolvedOptions;
}

export interface SkippedWeight {
  readonly initializer: InitializerUses;
  readonly reason: SkipReason;
}

export interface WeightSelection {
  readonly selected: SelectedWeight[];
  readonly skipped: SkippedWeight[];
  /** Initializers already read by a QuantizeLinear, DequantizeLinear or quantized operator (MatMulNBits, MatMulInteger, ...; any domain). */
  readonly alreadyQuantized: number;
}

/** Operators that read quantized initializers (codes, scales, zero points): a model with them is already quantized. */
const QUANTIZED_READERS = new Set(['QuantizeLinear', 'DequantizeLinear', 'MatMulNBits', 'MatMulInteger', 'ConvInteger', 'QLinearMatMul', 'QLinearConv', 'GatherBlockQuantized', 'MatMulBnb4']);

function isWeightUse(use: InitializerUse, options: ResolvedOptions): boolean {
  return weightInputOf(use.node, options.ops)?.input === use.input;
}

function skipReason(entry: InitializerUses, dtype: WeightDType | undefined, size: number, options: ResolvedOptions): SkipReason | undefined {
  if (entry.uses.some((u) => QUANTIZED_READERS.has(u.node.opType))) return 'already-quantized';
  if (dtype === undefined) return 'dtype';
  if (entry.isGraphInput) return 'graph-input';
  if (entry.isGraphOutput) return 'graph-output';
  if (options.exclude.some((g) => g.re.test(entry.tensor.name))) return 'excluded';
  if (size === 0) return 'empty';
  return undefined;
}

/** The layout the first use asks for, and the later uses that would ask for another. */
export function layoutsFor(weightUses: readonly InitializerUse[], rank: number, options: ResolvedOptions): { layout: WeightLayout; conflicts: LayoutConflict[] } {
  const layoutOf = (use: InitializerUse) => layoutFor(weightInputOf(use.node, options.ops)!, use.node, rank, options);
  const layout = layoutOf(weightUses[0]!);
  const conflicts = weightUses
    .slice(1)
    .map((use) => ({ use, layout: layoutOf(use) }))
    .filter((c) => !sameLayout(c.layout, layout));
  return { layout, conflicts };
}

/** The uses of an initializer through a weight input of a selected operator. */
export function weightUsesOf(entry: InitializerUses, options: ResolvedOptions): InitializerUse[] {
  return entry.uses.filter((u) => isWeightUse(u, options));
}

/**
 * Picks the initializers to quantize: those read through a weight input of a selected operator (all of their readers
 * then read the DequantizeLinear's output, as onnxruntime's quantizer rewires them), minus the skipped ones.
 */
export function selectWeights(initializers: readonly InitializerUses[], options: ResolvedOptions): WeightSelection {
  const selected: SelectedWeight[] = [];
  const skipped: SkippedWeight[] = [];
  let alreadyQuantized = 0;
  for (const entry of initializers) {
    if (entry.uses.some((u) => QUANTIZED_READERS.has(u.node.opType))) alreadyQuantized++;
    const weightUses = weightUsesOf(entry, options);
    if (weightUses.length === 0) continue;
    const dtype = weightDTypeOf(entry.tensor);
    const shape = shapeOf(entry.tensor);
    const reason = skipReason(entry, dtype, shape.reduce((p, d) => p * d, 1), options);
    if (reason !== undefined) {
      skipped.push({ initializer: entry, reason });
      continue;
    }
    selected.push({ initializer: entry, dtype: dtype!, shape, firstUse: weightUses[0]!, ...layoutsFor(weightUses, shape.length, options) }); // skipReason refused undefined
  }
  return { selected, skipped, alreadyQuantized };
}
