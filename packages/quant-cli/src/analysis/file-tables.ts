import { formatBytes } from '../progress.js';
import { renderTable } from '../table.js';
import { formatNumber, jsonNumber } from '../stats.js';
import { visible } from '../safe-text.js';
import type { BudgetMix } from './budget-mix.js';
import type { UniformChoice } from './file-view.js';
import { formatBpw, type ComparisonTable } from './rows.js';

/** The whole-file view as a table (text and HTML): one row per uniform choice, smallest first. */
export function uniformTable(list: readonly UniformChoice[]): ComparisonTable {
  return {
    headers: ['pareto', 'choice', 'bpw', 'size', 'sq_error', 'file_sqnr_db', 'worst_sqnr_db', 'worst_tensor', 'kept'],
    rows: list.map((u) => [
      u.pareto ? '*' : '',
      u.choice.key,
      formatBpw(u.bitsPerWeight),
      formatBytes(u.totalBits / 8),
      formatNumber(u.squaredError),
      formatNumber(u.fileSqnrDb),
      formatNumber(u.worstSqnrDb),
      u.worstTensor ?? '',
      String(u.kept),
    ]),
    numeric: new Set([2, 3, 4, 5, 6, 8]),
  };
}

export function uniformJson(u: UniformChoice): Record<string, unknown> {
  return {
    choice: u.choice.key,
    kind: u.choice.kind,
    bits: u.choice.bits,
    totalBits: u.totalBits,
    bitsPerWeight: jsonNumber(u.bitsPerWeight),
    squaredError: jsonNumber(u.squaredError),
    fileSqnrDb: jsonNumber(u.fileSqnrDb),
    worstSqnrDb: jsonNumber(u.worstSqnrDb),
    worstTensor: u.worstTensor ?? null,
    kept: u.kept,
    pareto: u.pareto,
  };
}

/** How the knapsack was solved, in words. */
export function solverText(mix: BudgetMix): string {
  const s = mix.solution;
  if (s.exact) return 'exact optimum of the measured sizes and errors (dynamic programming)';
  return `dynamic programming on a grid of ${formatNumber(s.unitBits)} bits: no worse than the exact optimum at a budget ${formatBpw(s.slackBits / mix.weights)} bpw smaller`;
}

export function budgetText(mix: BudgetMix): string {
  const s = mix.solution;
  const rows = mix.entries.map((e) => [
    e.tensor,
    e.row?.label ?? 'kept in its dtype',
    formatBpw(e.count > 0 ? e.storedBits / e.count : 0),
    e.row ? formatNumber(e.row.sqnrDb) : 'inf',
    formatNumber(e.squaredError),
  ]);
  const table = renderTable(['tensor', 'choice', 'bpw', 'sqnr_db', 'sq_error'], rows.map((r) => [visible(r[0]!), ...r.slice(1)]), new Set([2, 3, 4]));
  return (
    `budget ${mix.budgetBpw} bits per weight: ${formatBpw(s.totalBits / mix.weights)} bpw used (${formatBytes(s.totalBits / 8)}), squared error ${formatNumber(s.squaredError)}; ${solverText(mix)}\n` +
    `${table.replace(/^/gm, '  ')}\n\n`
  );
}

export function budgetJson(mix: BudgetMix): Record<string, unknown> {
  const s = mix.solution;
  return {
    budgetBpw: mix.budgetBpw,
    target: mix.target,
    weights: mix.weights,
    totalBits: s.totalBits,
    bitsPerWeight: jsonNumber(s.totalBits / mix.weights),
    squaredError: jsonNumber(s.squaredError),
    solver: { method: 'dynamic-programming', exact: s.exact, unitBits: s.unitBits, slackBits: s.slackBits },
    choices: mix.entries.map((e) => ({ tensor: e.tensor, choice: e.row?.label ?? null, kept: e.row === undefined, storedBits: e.storedBits, squaredError: jsonNumber(e.squaredError) })),
  };
}
