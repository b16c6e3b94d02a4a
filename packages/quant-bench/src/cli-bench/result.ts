/** One input file of `pnpm bench:cli`, quantized with the CLI's defaults `runs.length` times. */
export interface CliRow {
  readonly tensors: number;
  readonly elementsPerTensor: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
  /** Every run: wall-clock seconds of the CLI process (spawn to exit) and its peak RSS. */
  readonly runs: readonly { readonly seconds: number; readonly peakRssBytes: number }[];
  /** The median of the runs' seconds. */
  readonly seconds: number;
  /** Input bytes per second (decimal GB). */
  readonly gbPerSecond: number;
  /** The largest peak RSS of the runs. */
  readonly peakRssBytes: number;
}

/** What `pnpm bench:cli` writes (results/cli-latest.json): the float32 file's row at the top level, then BF16's. */
export interface CliBenchResult extends CliRow {
  /** 2 added `bf16`. */
  readonly schema: 1 | 2;
  readonly startedAt: string;
  readonly command: string;
  readonly machine: { readonly cpuModel: string; readonly cpus: number; readonly node: string; readonly loadAverageStart: number; readonly loadAverageEnd: number };
  readonly threads: number;
  /** How the peak RSS was read: GNU time's "Maximum resident set size", or VmHWM polled from /proc. */
  readonly rssSource: string;
  /** The backend the CLI reported using (from its --json summary), when it said. */
  readonly backend?: string;
  /** The input was just written, so it is read from the page cache: this is the warm-cache figure. */
  readonly note: string;
  /**
   * A bfloat16 file of the same tensor shape and the same byte size (twice the tensors), quantized on its bits in the
   * same run; `elementsRatio` is its elements/s over the float32 file's.
   */
  readonly bf16?: CliRow & { readonly elementsRatio: number };
}

/** Elements quantized per second. */
export function elementsPerSecond(row: CliRow): number {
  return (row.tensors * row.elementsPerTensor) / row.seconds;
}
