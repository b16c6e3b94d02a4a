import { redactedUrl, startWorker } from '@quantkit/quant-queue';
import { ExitStatus, fail } from '../errors.js';
import { parseCommandArgs, parseInteger, threadCount } from '../options.js';
import { queueEngine } from '../queue/queue-engine.js';
import { queueTarget, QUEUE_OPTIONS, QUEUE_OPTIONS_HELP, withQueueErrors } from '../queue/queue-command.js';
import { requireBackend } from '../lib.js';
import { visibleLines } from '../safe-text.js';

export const WORKER_HELP = `Usage: quant worker --redis <url> [options]

Carries out the jobs 'quant submit' queues, until stopped. Run one or more on every machine that sees the inputs and
outputs at the paths they were submitted with (docs/DISTRIBUTED.md). SIGTERM or SIGINT: take no new job, finish the
running ones, exit 0; a second signal exits at once (temporary files removed; the jobs go to other workers once their
lock expires). A worker that dies (SIGKILL, power loss) loses its jobs the same way: another worker takes them over.

${QUEUE_OPTIONS_HELP}

Worker:
  --concurrency N     jobs run at once (default 1)
  --threads N         tensors processed at once within a job (default: CPU count, at most 8)
  --lock-ms N         how long a job stays with a worker that stopped renewing its lock before another worker takes
                      it over (default 30000)
  --quiet             print nothing but errors (default: one line per job on stderr)
  -h, --help          show this help`;

export async function workerCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...QUEUE_OPTIONS, concurrency: { type: 'string' }, threads: { type: 'string' }, 'lock-ms': { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
    'worker',
  );
  if (values.help) {
    process.stdout.write(`${WORKER_HELP}\n`);
    return ExitStatus.OK;
  }
  const target = queueTarget(values, 'worker');
  if (positionals.length > 0) fail('USAGE', `unexpected argument '${positionals[0]}'\nRun 'quant worker --help' for usage.`);
  const concurrency = parseInteger(values.concurrency, 'concurrency', 1, 256) ?? 1;
  const threads = threadCount(values.threads);
  const lockMs = parseInteger(values['lock-ms'], 'lock-ms', 1000, 3_600_000) ?? 30_000;
  requireBackend();
  return withQueueErrors(async () => {
    const log = values.quiet ? undefined : (line: string) => process.stderr.write(`quant worker ${process.pid}: ${visibleLines(line)}\n`);
    const worker = startWorker(target, queueEngine, { concurrency, threads, lockMs, log });
    // The CLI's handlers exit at once on these signals; a worker first finishes what it runs.
    let stopping = false;
    const stopped = new Promise<void>((resolve) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.removeAllListeners(signal);
        process.on(signal, () => {
          if (stopping) process.exit(signal === 'SIGTERM' ? ExitStatus.SIGTERM : ExitStatus.SIGINT); // the 'exit' hook removes temporaries
          stopping = true;
          log?.(`${signal}: finishing the running jobs, then exiting`);
          void worker.close().then(resolve, resolve);
        });
      }
    });
    await worker.ready();
    log?.(`ready (${redactedUrl(target.redis)}, prefix ${target.prefix}, concurrency ${concurrency})`);
    await stopped;
    log?.('stopped');
    return ExitStatus.OK;
  });
}
