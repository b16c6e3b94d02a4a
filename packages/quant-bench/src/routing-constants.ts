import { KERNEL_NAMES, KERNEL_TABLE, type KernelName, type KernelOperation } from '@quantkit/quant-core';
import { SWEEP_LIMIT } from './crossover.js';
import type { CrossoverResult } from './results.js';

/** The file the adapter keeps its per-operation size thresholds in (the benchmark prints, never edits, it). */
export const ROUTING_FILE = 'packages/quant/src/routing.ts';

/** ROUTING_THRESHOLDS' operations and the kernels each one routes (KernelInfo.operation of the kernel table). */
export const ROUTING_GROUPS: Readonly<Partial<Record<KernelOperation, readonly KernelName[]>>> = (() => {
  const groups: Partial<Record<KernelOperation, KernelName[]>> = {};
  for (const name of KERNEL_NAMES) (groups[KERNEL_TABLE[name].operation] ??= []).push(name);
  return groups;
})();

export interface RoutingThreshold {
  readonly operation: string;
  /** Smallest element count from which native wins for every kernel of the operation; null: not within the sweep. */
  readonly value: number | null;
  /** The per-kernel crossovers behind it. */
  readonly kernels: readonly { readonly kernel: string; readonly crossover: number | null }[];
}

/** One threshold per routing operation: the largest crossover of its kernels (from there on, native wins for all). */
export function routingThresholds(c: CrossoverResult): RoutingThreshold[] {
  const out: RoutingThreshold[] = [];
  for (const [operation, kernels] of Object.entries(ROUTING_GROUPS)) {
    const rows = kernels!.map((k) => c.rows.find((r) => r.kernel === k)).filter((r) => r !== undefined);
    if (rows.length === 0) continue;
    const values = rows.map((r) => r.crossover);
    const value = values.some((v) => v === null) ? null : Math.max(...(values as number[]));
    out.push({ operation, value, kernels: rows.map((r) => ({ kernel: r.kernel, crossover: r.crossover })) });
  }
  return out;
}

/** The measured thresholds as TypeScript to paste over ROUTING_THRESHOLDS in the adapter's routing file. */
export function routingConstants(c: CrossoverResult): string {
  if (c.rows.length === 0) return `// no crossovers measured: ${c.unavailable ?? 'native unavailable'}`;
  const lines = routingThresholds(c).map((t) => {
    const detail = t.kernels.map((k) => `${k.kernel} ${k.crossover ?? `> ${SWEEP_LIMIT}`}`).join(', ');
    const value = t.value === null ? String(SWEEP_LIMIT) : String(t.value);
    const warn = t.value === null ? ` — native did not win within the sweep: ${SWEEP_LIMIT} is a placeholder, check` : '';
    return `  ${t.operation}: ${value}, // ${detail}${warn}`;
  });
  return [
    `// Measured by \`pnpm bench\` (native ${c.native} against the reference; per kernel: smallest size from which native`,
    `// wins at every larger size). Paste over ROUTING_THRESHOLDS in ${ROUTING_FILE}.`,
    'export const ROUTING_THRESHOLDS = Object.freeze({',
    ...lines,
    '});',
  ].join('\n');
}
