import { runStatus, statusText } from '@quantkit/quant-queue';
import { ExitStatus, fail } from '../errors.js';
import { parseCommandArgs } from '../options.js';
import { queueTarget, QUEUE_OPTIONS, QUEUE_OPTIONS_HELP, withQueue } from '../queue/queue-command.js';
import { jsonText, visibleLines } from '../safe-text.js';

export const STATUS_HELP = `Usage: quant status <run-id> --redis <url> [options]

Shows a run queued by 'quant submit': how many of its files are done, running, waiting, failed or cancelled, for
each file that failed the error the command ('quant quantize', 'quant onnx', 'quant gguf') would have reported (its
code and message), and what the command warned about (range overflow, unmatched patterns, notes).

${QUEUE_OPTIONS_HELP}

Output:
  --all               list every file, done ones included
  --json              print the status as JSON on stdout
  -h, --help          show this help

Exit status: 0 when the run was found (whatever its files' states), 3 when there is no such run.`;

export async function statusCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...QUEUE_OPTIONS, all: { type: 'boolean' }, json: { type: 'boolean' } }, 'status');
  if (values.help) {
    process.stdout.write(`${STATUS_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length !== 1) fail('USAGE', "give one run id\nRun 'quant status --help' for usage.");
  const target = queueTarget(values, 'status');
  return withQueue(target, async (redis, queue) => {
    const status = await runStatus(redis, queue, target.prefix, positionals[0]!);
    process.stdout.write(values.json ? `${jsonText(status)}\n` : `${visibleLines(statusText(status, values.all === true))}\n`);
    return ExitStatus.OK;
  });
}
