import { PLAN_VERSION, type PlanChoice, type QuantPlan } from '../lib.js';
import { solveBudget, type BudgetSolution } from './budget.js';
import { keptBits, type FileTensor } from './file-view.js';
import type { RankedRow } from './ranking.js';
import { packable } from './stored-size.js';

/** A tensor's pick under the budget: one of its measured rows, or left in its original dtype. */
export interface MixEntry {
  readonly tensor: string;
  readonly count: number;
  readonly row: RankedRow | undefined;
  readonly storedBits: number;
  readonly squaredError: number;
}

export interface BudgetMix {
  readonly budgetBpw: number;
  readonly target: BudgetTarget;
  readonly weights: number;
  readonly entries: readonly MixEntry[];
  readonly solution: BudgetSolution;
}

/** Which candidates a mix may use: quantkit's (quant quantize), GGML formats (quant gguf), or both. */
export type BudgetTarget = 'quantize' | 'gguf' | 'any';
export const BUDGET_TARGETS: readonly BudgetTarget[] = ['quantize', 'gguf', 'any'];

function allowed(r: RankedRow, target: BudgetTarget): boolean {
  return target === 'any' || (target === 'gguf') === (r.choice.kind === 'ggml');
}

/** The options of a tensor: its rows with a number for an error, then "keep" (original dtype, no error). */
function optionsOf(t: FileTensor, target: BudgetTarget): (RankedRow | undefined)[] {
  return [...t.ranked.rows.filter((r) => Number.isFinite(r.squaredError) && allowed(r, target)), undefined];
}

/** The mix of the file's tensors that fits `budgetBpw` bits per weight with the least total squared error. */
export function budgetMix(tensors: readonly FileTensor[], budgetBpw: number, target: BudgetTarget = 'any'): BudgetMix | undefined {
  const weights = tensors.reduce((s, t) => s + t.count, 0);
  const options = tensors.map((t) => optionsOf(t, target));
  const sized = tensors.map((t, i) => options[i]!.map((r) => (r === undefined ? { storedBits: keptBits(t), squaredError: 0 } : r)));
  const solution = solveBudget(sized, budgetBpw * weights);
  if (solution === undefined) return undefined;
  const entries = tensors.map((t, i) => {
    const j = solution.choices[i]!;
    return { tensor: t.name, count: t.count, row: options[i]![j], storedBits: sized[i]![j]!.storedBits, squaredError: sized[i]![j]!.squaredError };
  });
  return { budgetBpw, target, weights, entries, solution };
}

/** A row as a plan choice (quantkit's fields, 2- and 4-bit codes packed as the row was costed; or a GGML format). */
export function planChoiceOf(r: RankedRow | undefined): PlanChoice {
  if (r === undefined) return { kind: 'keep' };
  const c = r.choice;
  if (c.kind === 'ggml') return { kind: 'ggml', format: c.format! };
  const g = r.row!.granularity;
  return {
    kind: 'quantkit',
    scheme: c.scheme!,
    bits: c.bits,
    granularity: c.granularity!,
    axis: g === 'tensor' ? null : g.axis,
    blockSize: typeof g === 'object' && 'blockSize' in g ? g.blockSize : null,
    calibrator: c.calibrator!,
    narrowRange: c.narrowRange === true,
    profile: c.profile ?? 'onnx',
    packed: packable(c.bits),
  };
}

/** The mix as a plan file's content (exact tensor names), with where it came from. */
export function planOfMix(mix: BudgetMix, file: string): QuantPlan {
  const s = mix.solution;
  return {
    version: PLAN_VERSION,
    tensors: new Map(mix.entries.map((e) => [e.tensor, planChoiceOf(e.row)])),
    patterns: [],
    default: undefined,
    source: {
      writtenBy: 'quant compare --budget',
      file,
      budgetBpw: mix.budgetBpw,
      target: mix.target,
      bitsPerWeight: s.totalBits / mix.weights,
      totalBits: s.totalBits,
      squaredError: s.squaredError,
      solver: s.exact ? 'exact' : `grid of ${s.unitBits} bits (within ${s.slackBits} bits of budget)`,
    },
  };
}
