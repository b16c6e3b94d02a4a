import type { MeasureOptions } from './measure.js';

/** How hard a run measures: the full run (about 5–10 minutes on 2 cores) and the --quick smoke run (under a minute). */
export interface RunSettings {
  /** Main-table cells. */
  readonly kernel: MeasureOptions;
  /** Crossover sweep and thread scaling. */
  readonly fine: MeasureOptions;
  /** The 20-element per-call cost. */
  readonly overhead: MeasureOptions;
  /** A main-table cell predicted to take longer per call than this is not timed (see matrix.ts). */
  readonly maxSecondsPerCall: number;
  /** Floats per bandwidth buffer, and repetitions (best of). */
  readonly bandwidthFloats: number;
  readonly bandwidthRepetitions: number;
}

export const FULL: RunSettings = {
  kernel: { repetitions: 7, minMs: 25, budgetMs: 2500 },
  fine: { repetitions: 7, minMs: 20, budgetMs: 1000 },
  overhead: { repetitions: 9, minMs: 50, budgetMs: 5000 },
  maxSecondsPerCall: 2,
  bandwidthFloats: 64 << 20,
  bandwidthRepetitions: 7,
};

export const QUICK: RunSettings = {
  kernel: { repetitions: 3, minMs: 5, budgetMs: 150 },
  fine: { repetitions: 3, minMs: 5, budgetMs: 100 },
  overhead: { repetitions: 3, minMs: 10, budgetMs: 500 },
  maxSecondsPerCall: 1,
  bandwidthFloats: 16 << 20,
  bandwidthRepetitions: 3,
};
