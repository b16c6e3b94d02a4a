/*
 * `--budget <bpw>`: the per-tensor choice that minimises the file's total squared error with total stored bits at most
 * budget × weights. A multiple-choice knapsack, solved by dynamic programming over a grid of sizes:
 *
 *  - Each tensor's smallest option is taken as a base and only the extra bits above it go into the grid (the budget
 *    left after the bases is what is divided up).
 *  - When every extra size is a multiple of one unit g (their gcd) and the budget left holds at most MAX_CELLS units,
 *    the grid is that unit and the answer is EXACT: the optimum of the measured errors and sizes.
 *  - Otherwise the unit u is budget/MAX_CELLS (or less, to keep tensors × cells × options under MAX_WORK), each
 *    extra size is rounded UP to a whole number of units, and the answer is feasible (its true size fits) and at
 *    least as good as the exact optimum for a budget smaller by tensors × u bits: OPT(B) ≤ found ≤ OPT(B − T·u).
 *    `slackBits` reports T·u.
 */

export interface BudgetOption {
  readonly storedBits: number;
  readonly squaredError: number;
}

export interface BudgetSolution {
  /** Index of the chosen option of each tensor. */
  readonly choices: readonly number[];
  readonly totalBits: number;
  readonly squaredError: number;
  /** True when the grid unit divides every size (the answer is the exact optimum). */
  readonly exact: boolean;
  /** Grid unit in bits. */
  readonly unitBits: number;
  /** Budget the rounding may have cost: the answer is no worse than the optimum at budget − slackBits (0 when exact). */
  readonly slackBits: number;
}

export const MAX_CELLS = 1 << 20;
export const MAX_WORK = 3e8;

function gcd(a: number, b: number): number {
  while (b > 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Solves the knapsack. Every tensor needs at least one option; sizes must be non-negative integers. Returns undefined
 * when even the smallest options exceed the budget.
 */
export function solveBudget(tensors: readonly (readonly BudgetOption[])[], budgetBits: number): BudgetSolution | undefined {
  const T = tensors.length;
  const base = tensors.map((opts) => Math.min(...opts.map((o) => o.storedBits)));
  const baseBits = base.reduce((a, b) => a + b, 0);
  const left = Math.floor(budgetBits) - baseBits;
  if (left < 0) return undefined;
  const extra = tensors.map((opts, t) => opts.map((o) => o.storedBits - base[t]!));
  let unit = extra.flat().reduce((g, s) => gcd(g, s), 0);
  const optionCount = tensors.reduce((a, o) => a + o.length, 0);
  const cellsAllowed = Math.max(1, Math.min(MAX_CELLS, Math.floor(MAX_WORK / Math.max(1, optionCount))));
  let exact = true;
  if (unit === 0) unit = 1; // every option of every tensor has its tensor's smallest size
  if (left / unit > cellsAllowed) {
    exact = false;
    unit = Math.ceil(left / cellsAllowed);
  }
  const cells = Math.floor(left / unit);
  const weight = extra.map((list) => list.map((s) => (exact ? s / unit : Math.ceil(s / unit))));
  // dp[c]: the least error of the tensors so far using at most c units; pick[t][c]: the option tensor t takes there.
  let dp = new Float64Array(cells + 1);
  let next = new Float64Array(cells + 1);
  const wide = tensors.some((o) => o.length > 255);
  const pick = tensors.map(() => (wide ? new Uint16Array(cells + 1) : new Uint8Array(cells + 1)));
  for (let t = 0; t < T; t++) {
    const opts = tensors[t]!;
    const w = weight[t]!;
    const p = pick[t]!;
    next.fill(Infinity);
    for (let j = 0; j < opts.length; j++) {
      const wj = w[j]!;
      const ej = opts[j]!.squaredError;
      for (let c = wj; c <= cells; c++) {
        const v = dp[c - wj]! + ej;
        if (v < next[c]!) {
          next[c] = v;
          p[c] = j;
        }
      }
    }
    [dp, next] = [next, dp];
  }
  const choices = new Array<number>(T);
  let c = cells;
  for (let t = T - 1; t >= 0; t--) {
    const j = pick[t]![c]!;
    choices[t] = j;
    c -= weight[t]![j]!;
  }
  const totalBits = choices.reduce((s, j, t) => s + tensors[t]![j]!.storedBits, 0);
  const squaredError = choices.reduce((s, j, t) => s + tensors[t]![j]!.squaredError, 0);
  return { choices, totalBits, squaredError, exact, unitBits: unit, slackBits: exact ? 0 : T * unit };
}
