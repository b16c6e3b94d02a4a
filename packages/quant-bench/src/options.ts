import { parseArgs } from 'node:util';

export interface BenchOptions {
  readonly quick: boolean;
  /** Where the JSON results go (besides results/latest.json or results/latest-quick.json). */
  readonly json: string | undefined;
  /** Only operations whose id contains one of these (development aid; the default runs everything). */
  readonly only: readonly string[];
  /** Element counts of the main table. */
  readonly sizes: readonly number[];
  readonly help: boolean;
}

const MI = 1 << 20;
export const FULL_SIZES: readonly number[] = [20, 4096, 256 * 1024, 4 * MI, 16 * MI, 64 * MI];
export const QUICK_SIZES: readonly number[] = [20, 4096, 256 * 1024, 4 * MI];

export const HELP = `Usage: pnpm bench [-- options]   (or: pnpm --filter @quantkit/quant-bench bench -- [options])

Measures quantkit's kernels (reference, native scalar, native AVX2, native AVX2 with 2 threads) against
onnxruntime-node and this machine's memory bandwidth, and writes the results as JSON.

  --quick          fewer sizes (no 16M / 64M) and repetitions: a smoke run of under a minute
                   (the default when the CI environment variable is set, as in CI, which runs it only to prove
                   the benchmark still works)
  --full           the full run even under CI
  --json FILE      also write the JSON results to FILE
  --only A,B       only operations whose id contains A or B (e.g. --only quantize-tensor,minmax)
  --sizes N,M      element counts of the main table (e.g. --sizes 4096,1048576)
  -h, --help       this help

From the repository root: \`pnpm bench --quick\`.
Results: packages/quant-bench/results/latest.json (full run), latest-quick.json (--quick) or latest-partial.json (--only / --sizes);
docs/BENCHMARKS.md is generated from latest.json by \`pnpm --filter @quantkit/quant-bench report\`.`;

function list(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  // `pnpm bench -- --quick` forwards a literal '--' on some pnpm/turbo versions: ignore it.
  const args = argv.filter((a) => a !== '--');
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      json: { type: 'string' },
      only: { type: 'string' },
      sizes: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.quick === true && values.full === true) throw new Error('--quick and --full exclude each other');
  // CI is one of turbo's globalEnv variables, so it reaches this process through `turbo run bench`.
  const ci = env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false' && env['CI'] !== '0';
  const quick = values.quick === true || (ci && values.full !== true);
  const sizes = list(values.sizes).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes takes positive integers, got '${s}'`);
    return n;
  });
  return {
    quick,
    json: values.json,
    only: list(values.only),
    sizes: sizes.length > 0 ? sizes : quick ? QUICK_SIZES : FULL_SIZES,
    help: values.help === true,
  };
}
