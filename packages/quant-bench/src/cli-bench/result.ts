/** What `pnpm bench:cli` writes (results/cli-latest.json). */
export interface CliBenchResult {
  readonly schema: 1;
  readonly startedAt: string;
  readonly command: string;
  readonly machine: { readonly cpuModel: string; readonly cpus: number; readonly node: string; readonly loadAverageStart: number; readonly loadAverageEnd: number };
  readonly tensors: number;
  readonly elementsPerTensor: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly threads: number;
  /** Every run: wall-clock seconds of the CLI process (spawn to exit) and its peak RSS. */
  readonly runs: readonly { readonly seconds: number; readonly peakRssBytes: number }[];
  /** The median of the runs' seconds. */
  readonly seconds: number;
  /** Input bytes per second (decimal GB). */
  readonly gbPerSecond: number;
  /** The largest peak RSS of the runs. */
  readonly peakRssBytes: number;
  /** How the peak RSS was read: GNU time's "Maximum resident set size", or VmHWM polled from /proc. */
  readonly rssSource: string;
  /** The backend the CLI reported using (from its --json summary), when it said. */
  readonly backend?: string;
  /** The input was just written, so it is read from the page cache: this is the warm-cache figure. */
  readonly note: string;
}
