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

/**
 * The float32 / bfloat16 pair measured with both files in memory (tmpfs), for the bfloat16-vs-float32 elements/s ratio:
 * on a disk that ratio measures the disk's write-back (the bfloat16 file writes twice the output bytes, fsynced), not
 * quantkit. Its runs alternate file by file as the disk rows' do.
 */
export interface HalfRatioPair {
  /** Where the files were, e.g. '/dev/shm (tmpfs)'. */
  readonly location: string;
  readonly f32: CliRow;
  readonly bf16: CliRow;
  /** elements/s of the bfloat16 file over the float32 file's, from the median times. */
  readonly elementsRatio: number;
  /** The same ratio for each pair of runs (run r of both files), in run order: its spread shows the noise. */
  readonly runRatios: readonly number[];
}

/** What `pnpm bench:cli` writes (results/cli-latest.json): the float32 file's row at the top level, then BF16's. */
export interface CliBenchResult extends CliRow {
  /** 2 added `bf16`; 3 added `location` and `halfRatio`. */
  readonly schema: 1 | 2 | 3;
  /** Where the top-level and `bf16` rows' files were, e.g. 'disk (/tmp)' (schema 3). */
  readonly location?: string;
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
  /** The pair again with its files in memory: the ratio of issue 14's target (schema 3; absent without a tmpfs). */
  readonly halfRatio?: HalfRatioPair;
}

/** Elements quantized per second. */
export function elementsPerSecond(row: CliRow): number {
  return (row.tensors * row.elementsPerTensor) / row.seconds;
}

/** elements/s of `bf16` over `f32`'s: from the median times, and run by run. */
export function elementsRatios(f32: CliRow, bf16: CliRow): { median: number; runs: number[] } {
  const perRun = (row: CliRow, r: number): number => (row.tensors * row.elementsPerTensor) / row.runs[r]!.seconds;
  const runs = bf16.runs.map((_, r) => perRun(bf16, r) / perRun(f32, r));
  return { median: elementsPerSecond(bf16) / elementsPerSecond(f32), runs };
}
