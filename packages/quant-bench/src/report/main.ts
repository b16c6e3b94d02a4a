/**
 * `pnpm --filter @quantkit/quant-bench report`: writes docs/BENCHMARKS.md from results/latest.json (a full run) and
 * results/cli-latest.json. Targets are re-evaluated here so a later `pnpm bench:cli` shows up without rerunning the
 * whole benchmark.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCliResult } from '../cli-bench/load.js';
import type { BenchResults } from '../results.js';
import { compareThreads } from '../scaling.js';
import { evaluateTargets } from '../targets.js';
import { renderMarkdown } from './markdown.js';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS_DIR = resolve(PACKAGE_DIR, 'results');
const DOC = resolve(PACKAGE_DIR, '../../docs/BENCHMARKS.md');

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { input: { type: 'string' }, output: { type: 'string' }, 'allow-quick': { type: 'boolean' } },
});
const input = resolve(values.input ?? resolve(RESULTS_DIR, 'latest.json'));
const output = resolve(values.output ?? DOC);
const results = JSON.parse(readFileSync(input, 'utf8')) as BenchResults;
if (results.schema !== 1) throw new Error(`${input}: unknown results schema ${String(results.schema)}`);
if (results.kind !== 'full' && values['allow-quick'] !== true) {
  throw new Error(`${input} is from a ${results.kind} run; docs/BENCHMARKS.md shows a full run (pass --allow-quick to render it anyway)`);
}
const cli = loadCliResult(RESULTS_DIR);
// Derived figures are recomputed from the rows, so the report follows the current definitions.
// Cells the run measured again (interleaved) and found not slower stay cleared.
const threads = compareThreads(results.rows);
const cleared = new Set((results.scaling.remeasured ?? []).filter((c) => c.ratio >= threads.tolerance).map((c) => `${c.op}@${c.size}`));
const slower = threads.slower.filter((c) => !cleared.has(`${c.op}@${c.size}`));
const derived: BenchResults = { ...results, scaling: { ...results.scaling, ...threads, slower } };
const withTargets: BenchResults = { ...derived, targets: evaluateTargets(derived, cli) };
writeFileSync(output, renderMarkdown(withTargets, cli));
console.log(`wrote ${relative(process.cwd(), output) || output} from ${relative(process.cwd(), input)}${cli ? ' and cli-latest.json' : ''}`);
