/*
 * What the queue needs from the quantizer. The `quant` CLI supplies it (quant-cli's queue-engine.ts), so the
 * distributed path writes its outputs with the very functions `quant quantize` uses: the format lives in one place.
 * Options travel through Redis as the opaque JSON the engine made of the command line.
 */

/** One output file and the inputs whose tensors it holds (as `quant quantize` plans them). */
export interface PlannedFile {
  readonly output: string;
  readonly inputs: readonly { readonly path: string; readonly npyName: string }[];
}

/** An error as the CLI reports it: a stable code, its exit status, and where. */
export interface Failure {
  readonly code: string;
  readonly exitStatus: number;
  readonly message: string;
  readonly file?: string;
  readonly tensor?: string;
}

/** Something the command warns about without failing (quant quantize's range overflow, quant gguf's notes, ...). */
export interface Warning {
  readonly kind: string;
  readonly message: string;
  readonly file?: string;
  readonly tensor?: string;
}

export interface RunPlan {
  readonly files: readonly PlannedFile[];
  /** Inputs that could not be used (reported on the run as failed units, like quantize reports them). */
  readonly problems: readonly Failure[];
  /** Warnings about the run as a whole, known before any job runs (a --include pattern matching nothing). */
  readonly warnings?: readonly Warning[];
}

/** What a job that writes a whole output file reports. */
export interface FileResult {
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly warnings: readonly Warning[];
}

/** Row shards of one tensor too large for one job. Shard k covers rows [starts[k], starts[k + 1]). */
export interface SplitTensor {
  readonly name: string;
  /** Row boundaries: starts[0] = 0, the last entry is the row count. */
  readonly starts: readonly number[];
  /** Whether the shards' ranges must be measured and merged first (min/max over groups spanning shards). */
  readonly mergeRanges: boolean;
}

/** How a file with large tensors is split; undefined from splitPlan when it is one job. */
export interface SplitPlan {
  readonly tensors: readonly SplitTensor[];
  /** Bytes of the output file. */
  readonly fileSize: number;
}

/** Per-group min / max (NaN ignored; +Infinity / -Infinity for a group without a number). */
export interface GroupRange {
  readonly min: number[];
  readonly max: number[];
}

export interface FileContext {
  readonly force: boolean;
  readonly threads: number;
  readonly signal: AbortSignal;
}

export interface QuantizeEngine {
  /**
   * The CLI's plan of outputs for these inputs, exactly as the command (`quant quantize <inputs> -o <output>`, or one
   * `quant onnx` / `quant gguf` per model: the options say which) would make it.
   */
  plan(inputs: readonly string[], output: string, options: unknown): Promise<RunPlan>;
  /** Writes one whole output file (atomic, the bytes of the command run directly: quantize, onnx or gguf). */
  quantizeFile(file: PlannedFile, options: unknown, ctx: FileContext): Promise<FileResult>;
  /** The row shards of the file's tensors above `threshold` elements; undefined when nothing is split. */
  splitPlan(file: PlannedFile, options: unknown, threshold: number): Promise<SplitPlan | undefined>;
  /** Min / max per group of rows [start, end) of a tensor (for granularities whose groups span shards). */
  shardRange(file: PlannedFile, options: unknown, tensor: string, start: number, end: number): Promise<GroupRange>;
  /** Creates `temporary` (refusing an existing output without force), writes the header and every unsplit tensor. */
  writeUnsplit(file: PlannedFile, options: unknown, split: SplitPlan, temporary: string, ctx: FileContext): Promise<readonly Warning[]>;
  /** Quantizes rows [start, end) of a tensor into `temporary` at their offsets (with `range` when merged). */
  writeShard(file: PlannedFile, options: unknown, tensor: string, start: number, end: number, range: GroupRange | undefined, temporary: string, ctx: FileContext): Promise<readonly Warning[]>;
  /** Checks `temporary` is complete, fsyncs it and renames it over the output. */
  commit(file: PlannedFile, options: unknown, split: SplitPlan, temporary: string, force: boolean): Promise<void>;
  /** Removes temporaries of `output` left by the given owners (workers that died holding a job). */
  removeTemporaries(output: string, owners: readonly { readonly host: string; readonly pid: number }[]): Promise<void>;
  /** The owner tag of this process's temporaries. */
  owner(): { readonly host: string; readonly pid: number };
  /** Any thrown value as the CLI reports it. */
  failureOf(e: unknown, where: { readonly file?: string }): Failure;
}
