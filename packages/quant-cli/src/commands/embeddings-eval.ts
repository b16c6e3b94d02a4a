import { ExitStatus, fail, toCliError } from '../errors.js';
import { openEmbeddings, type EmbeddingTensor } from '../embeddings/embedding-tensor.js';
import { normalizeRows, type Normalization } from '../embeddings/normalize-rows.js';
import { splitQueries } from '../embeddings/query-split.js';
import { measureRecall, type MethodRecall, type RecallMethod } from '../embeddings/recall.js';
import { StepProgress } from '../embeddings/step-progress.js';
import { readValues } from '../formats/read-tensor.js';
import { widenedValues } from '../formats/tensor-values.js';
import { BufferPool } from '../io/buffer-pool.js';
import { parseCommandArgs, parseInteger } from '../options.js';
import { jsonText, visible } from '../safe-text.js';
import { renderTable } from '../table.js';

export const EMBEDDINGS_EVAL_HELP = `Usage: quant embeddings eval <in.npy|in.safetensors> [options]

Measures what quantizing a set of embeddings costs in search quality: recall@k against exact float search, for
  int8, asymmetric             int8 codes scored against the float query (ranges from the corpus)
  binary                       Hamming distance between packed bits only
  binary + rescore with int8   Hamming candidates (k x --rescore-multiplier) rescored with the int8 codes
  binary + rescore with float  the same candidates rescored with the original floats

Every row is L2-normalized first (a row that is not of unit length is divided by its norm, and the output says how
many were): recall is measured for cosine similarity, the dot product of normalized rows, which is how
sentence-transformers searches. --queries rows, a seeded sample, are held out as queries and searched against the
other rows. The tensor is read whole (the scans need every row in memory).

Options:
  --tensor NAME              the tensor of a .safetensors input (default: its only 2-D float tensor)
  --queries N                query rows held out (default: 100, at most rows - 1)
  --k N                      neighbours compared (default 10)
  --rescore-multiplier M     candidates kept for rescoring, k x M (default 4; a number >= 1)
  --seed S                   the sample's seed, 0..4294967295 (default 0): the same seed picks the same queries
  --json                     print the figures as JSON on stdout
  -h, --help                 show this help

Progress goes to stderr when it is a terminal; the table (or JSON) to stdout.`;

const LABELS: Record<RecallMethod, (multiplier: number, floatName: string) => string> = {
  'int8-asymmetric': () => 'int8, asymmetric (float query)',
  binary: () => 'binary, Hamming only',
  'binary-rescore-int8': (m) => `binary + rescore x${m} with int8`,
  'binary-rescore-float': (m, f) => `binary + rescore x${m} with ${f}`,
};

function parseMultiplier(value: string | undefined): number {
  if (value === undefined) return 4;
  const m = Number(value);
  if (value.trim() === '' || !Number.isFinite(m) || m < 1) fail('USAGE', `--rescore-multiplier must be a number >= 1, got '${value}'`);
  return m;
}

/** The tensor's rows as float32 (F32, F16, BF16; half values widened exactly) or float64 (F64) numbers. */
async function loadRows(path: string, tensor: string | undefined): Promise<{ t: EmbeddingTensor; rows: Float32Array | Float64Array }> {
  const { fh, t } = await openEmbeddings(path, tensor, 'required');
  try {
    const values = await readValues(fh, t.source, new BufferPool(1));
    return { t, rows: widenedValues(values).data as Float32Array | Float64Array };
  } finally {
    await fh.close();
  }
}

function describeNormalization(n: Normalization, rows: number): string[] {
  const notes: string[] = [];
  if (n.rescaled > 0) notes.push(`note: ${n.rescaled} of ${rows} rows were not of unit length and were divided by their norm first`);
  if (n.unscalable > 0) notes.push(`note: ${n.unscalable} rows of norm 0 (or holding NaN or infinity) were left as they are`);
  return notes;
}

function table(results: readonly MethodRecall[], k: number, multiplier: number, floatName: string): string {
  const rows = results.map((r) => [LABELS[r.method](multiplier, floatName), String(r.bytesPerVector), r.mean.toFixed(3), r.worst.toFixed(3)]);
  return renderTable(['method', 'bytes/vector', `recall@${k}`, 'worst query'], rows, new Set([1, 2, 3]));
}

export async function embeddingsEvalCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      tensor: { type: 'string' },
      queries: { type: 'string' },
      k: { type: 'string' },
      'rescore-multiplier': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
    },
    'embeddings eval',
  );
  if (values.help) {
    process.stdout.write(`${EMBEDDINGS_EVAL_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length !== 1) fail('USAGE', `${positionals.length === 0 ? 'no input given' : 'give one input file'}\nRun 'quant embeddings eval --help' for usage.`);
  const queriesGiven = parseInteger(values.queries, 'queries', 1, 2 ** 32 - 1);
  const k = parseInteger(values.k, 'k', 1, 2 ** 32 - 1) ?? 10;
  const multiplier = parseMultiplier(values['rescore-multiplier']);
  const seed = parseInteger(values.seed, 'seed', 0, 2 ** 32 - 1) ?? 0;
  const path = positionals[0]!;

  const { t, rows } = await loadRows(path, values.tensor);
  const count = queriesGiven ?? Math.min(100, t.rows - 1);
  if (count < 1 || count >= t.rows) fail('USAGE', `${count} queries would leave no row to search: the tensor has ${t.rows} rows (--queries must be below that)`, { file: path, tensor: t.source.name });
  const normalization = normalizeRows(rows, t.dim);
  const split = splitQueries(rows, t.dim, count, seed);
  const progress = StepProgress.forStderr(false, 'queries', count);
  let results: MethodRecall[];
  try {
    results = measureRecall({ corpus: split.corpus, queries: split.queries, dim: t.dim, k, rescoreMultiplier: multiplier, onQuery: () => progress.advance() });
  } catch (e) {
    throw toCliError(e, { file: path, tensor: t.source.name });
  } finally {
    progress.finish();
  }

  const floatName = rows instanceof Float64Array ? 'float64' : 'float32';
  const corpusRows = t.rows - count;
  if (values.json === true) {
    process.stdout.write(
      `${jsonText({
        command: 'embeddings eval',
        file: path,
        tensor: t.source.name,
        dtype: t.dtype,
        rows: t.rows,
        dim: t.dim,
        queries: count,
        corpusRows,
        k,
        rescoreMultiplier: multiplier,
        seed,
        similarity: 'dot product of L2-normalized rows',
        normalization: { rescaledRows: normalization.rescaled, unscalableRows: normalization.unscalable },
        methods: results.map((r) => ({ ...r, label: LABELS[r.method](multiplier, floatName) })),
      })}\n`,
    );
    return ExitStatus.OK;
  }
  const lines = [
    `${visible(path)}: tensor '${visible(t.source.name)}' ${t.rows} x ${t.dim} ${t.dtype}; ${count} query rows (seed ${seed}) searched against the other ${corpusRows}`,
    `recall@${k} against exact float search (dot product of L2-normalized rows), mean over the queries:`,
    '',
    table(results, k, multiplier, floatName),
    ...describeNormalization(normalization, t.rows),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitStatus.OK;
}
