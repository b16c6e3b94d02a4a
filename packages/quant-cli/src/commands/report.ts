import { stat } from 'node:fs/promises';
import { basename, extname, join, resolve, sep } from 'node:path';
import { CANDIDATE_OPTIONS, CANDIDATE_OPTIONS_HELP, candidateGrid, type CandidateGrid } from '../analysis/candidates.js';
import { forEachFloatTensor } from '../analysis/float-tensors.js';
import { checkSelection } from '../analysis/selection-check.js';
import { CliError, ExitStatus, fail, toCliError } from '../errors.js';
import { NameFilter } from '../glob.js';
import { AtomicOutput } from '../io/atomic-output.js';
import { checkOutputExtension, HTML_EXTENSIONS } from '../io/output-checks.js';
import { BufferPool } from '../io/buffer-pool.js';
import { backendInfo, LIBRARY_PACKAGE, requireBackend, VERSION } from '../lib.js';
import { parseCommandArgs, parseInteger } from '../options.js';
import { writeAt } from '../pipeline/write.js';
import { formatBytes } from '../progress.js';
import { jsonText, visible } from '../safe-text.js';
import { reportPage } from '../report/page.js';
import { tensorSection, type SectionSummary } from '../report/tensor-section.js';
import { cliVersion } from '../version.js';
import { exitStatusOf, failureJson, reportFailure, type Failure } from './failures.js';
import { Warnings } from './warnings.js';

const DEFAULT_MAX_TENSORS = 64;
const DEFAULT_MAX_ELEMENTS = 1 << 18;

export const REPORT_HELP = `Usage: quant report <files...> -o <report.html|dir> [options]

Writes one self-contained HTML page per input file (.npy or .safetensors): the whole file's size against error (each
candidate applied to every tensor, as a Pareto chart with its description and data table), then for every float
tensor a histogram of its values with the clipping range and quantization grid of the best candidate of the smallest
bit width marked, a histogram of the error x - fakeQuantize(x) of that candidate, and the table of every candidate with
its bits per weight and the best of each bit width (as 'quant compare' prints it; docs/ANALYSIS.md). The page loads
nothing (inline CSS and SVG, no scripts); open it in any browser. Tensors are read one at a time.

Output:
  -o, --output PATH   the .html file; with several inputs a directory receiving <name>.html per input
  --force             overwrite existing outputs (written atomically: a temporary file renamed when complete)
  --max-tensors N     analyse at most N float tensors per file (default ${DEFAULT_MAX_TENSORS}); the others are listed
  --max-elements N    analyse larger tensors on an evenly spaced sample of N values (default ${DEFAULT_MAX_ELEMENTS});
                      their value histogram still shows every value
  --json              print a machine-readable summary on stdout
  --quiet             print nothing but errors
  -h, --help          show this help

${CANDIDATE_OPTIONS_HELP}`;

interface ReportJob {
  readonly input: string;
  readonly output: string;
}

interface ReportResult {
  readonly input: string;
  readonly output: string;
  readonly analysed: number;
  readonly skipped: number;
  readonly bytes: number;
  readonly best: { tensor: string; label: string }[];
}

interface ReportSettings {
  readonly grid: CandidateGrid;
  readonly select: (name: string) => boolean;
  readonly maxTensors: number;
  readonly maxElements: number;
  readonly force: boolean;
  readonly pool: BufferPool;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** One output per input: the -o file itself, or <dir>/<input name>.html. */
async function planJobs(inputs: readonly string[], output: string): Promise<{ jobs: ReportJob[]; problems: Failure[] }> {
  const toDirectory = inputs.length > 1 || output.endsWith('/') || output.endsWith(sep) || (await isDirectory(output));
  if (!toDirectory) return { jobs: [{ input: inputs[0]!, output }], problems: [] };
  const jobs: ReportJob[] = [];
  const problems: Failure[] = [];
  const byOutput = new Map<string, string>();
  for (const input of inputs) {
    const target = join(output, `${basename(input, extname(input))}.html`);
    const other = byOutput.get(target);
    if (other !== undefined) {
      problems.push({ file: input, error: new CliError('DUPLICATE_NAME', `would write the same report '${target}' as '${other}'`, { file: input }) });
      continue;
    }
    byOutput.set(target, input);
    jobs.push({ input, output: target });
  }
  return { jobs, problems };
}

async function writeReport(job: ReportJob, s: ReportSettings): Promise<ReportResult> {
  if (resolve(job.output) === resolve(job.input)) fail('OUTPUT_IS_INPUT', 'is also the input; inputs are never modified', { file: job.output });
  checkOutputExtension(job.output, HTML_EXTENSIONS, 'an HTML page');
  // Created first: an existing output is refused before any work, and nothing is left behind on failure or interrupt.
  const out = await AtomicOutput.create(job.output, s.force);
  try {
    const sections: string[] = [];
    const summaries: SectionSummary[] = [];
    let accepted = 0;
    const { input, skipped } = await forEachFloatTensor(job.input, s.pool, {
      accept: (t) => {
        if (!s.select(t.name)) return 'excluded by --include/--exclude';
        if (accepted >= s.maxTensors) return `beyond --max-tensors ${s.maxTensors}`;
        accepted++;
        return true;
      },
      visit: async (t, x) => {
        const { html, summary } = await tensorSection(summaries.length, t, x, { grid: s.grid, maxElements: s.maxElements });
        sections.push(html);
        summaries.push(summary);
      },
    });
    const b = backendInfo();
    const page = reportPage({
      file: basename(job.input),
      format: input.format === 'npy' ? '.npy' : 'safetensors',
      fileSize: input.size,
      grid: s.grid,
      sections,
      summaries,
      skipped,
      maxTensors: s.maxTensors,
      maxElements: s.maxElements,
      producer: `quant ${cliVersion()} (${LIBRARY_PACKAGE} ${VERSION}, backend ${b.name}${b.isa ? ` ${b.isa}` : ''})`,
    });
    const bytes = Buffer.from(page, 'utf8');
    await writeAt(out.fh, bytes, 0);
    await out.commit();
    return {
      input: job.input,
      output: job.output,
      analysed: summaries.length,
      skipped: skipped.length,
      bytes: bytes.length,
      best: summaries.map((x) => ({ tensor: x.name, label: x.best?.label ?? '' })),
    };
  } catch (e) {
    await out.discard();
    throw toCliError(e, { file: job.input });
  }
}

export async function reportCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      ...CANDIDATE_OPTIONS,
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      'max-tensors': { type: 'string' },
      'max-elements': { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
    'report',
  );
  if (values.help) {
    process.stdout.write(`${REPORT_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length === 0) fail('USAGE', "no input given\nRun 'quant report --help' for usage.");
  if (!values.output) fail('USAGE', "no output given (-o report.html)\nRun 'quant report --help' for usage.");
  const filter = new NameFilter(values.include ?? [], values.exclude ?? []);
  const settings: ReportSettings = {
    grid: candidateGrid(values),
    select: (name) => filter.selects(name),
    maxTensors: parseInteger(values['max-tensors'], 'max-tensors', 1, 100_000) ?? DEFAULT_MAX_TENSORS,
    maxElements: parseInteger(values['max-elements'], 'max-elements', 16, 1 << 28) ?? DEFAULT_MAX_ELEMENTS,
    force: values.force === true,
    pool: new BufferPool(4),
  };
  const json = values.json === true;
  const quiet = values.quiet === true;
  requireBackend();
  const warnings = new Warnings(!quiet);
  await checkSelection(filter, positionals.map((path) => ({ path })), (message) => warnings.add({ kind: 'unmatched-glob', message }));
  const { jobs, problems } = await planJobs(positionals, values.output);
  const failures: Failure[] = [...problems];
  for (const p of problems) reportFailure(p);
  const results: ReportResult[] = [];
  for (const job of jobs) {
    try {
      const r = await writeReport(job, settings);
      results.push(r);
      if (!json && !quiet) {
        process.stdout.write(`${visible(r.input)} -> ${visible(r.output)}: ${r.analysed} tensor${r.analysed === 1 ? '' : 's'} analysed, ${r.skipped} not, ${formatBytes(r.bytes)}\n`);
      }
    } catch (e) {
      const failure = { file: job.input, error: toCliError(e, { file: job.input }) };
      failures.push(failure);
      reportFailure(failure);
    }
  }
  const exitStatus = exitStatusOf(failures, jobs.length + problems.length);
  if (json) {
    process.stdout.write(`${jsonText({ command: 'report', ok: failures.length === 0, exitStatus, backend: backendInfo(), outputs: results, warnings: warnings.json(), failures: failures.map(failureJson) })}\n`);
  }
  return exitStatus;
}
