import { cancelRun } from '@quantkit/quant-queue';
import { ExitStatus, fail } from '../errors.js';
import { parseCommandArgs } from '../options.js';
import { queueTarget, QUEUE_OPTIONS, QUEUE_OPTIONS_HELP, withQueue } from '../queue/queue-command.js';

export const CANCEL_HELP = `Usage: quant cancel <run-id> --redis <url> [options]

Cancels a run queued by 'quant submit': none of its jobs starts any more, running ones stop at their next tensor or
shard and remove their temporary files. Outputs already written stay. Submitting the same work again queues it anew.

${QUEUE_OPTIONS_HELP}

  -h, --help          show this help`;

export async function cancelCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...QUEUE_OPTIONS }, 'cancel');
  if (values.help) {
    process.stdout.write(`${CANCEL_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length !== 1) fail('USAGE', "give one run id\nRun 'quant cancel --help' for usage.");
  const target = queueTarget(values, 'cancel');
  return withQueue(target, async (redis, queue) => {
    const result = await cancelRun(redis, queue, target.prefix, positionals[0]!);
    process.stderr.write(`quant: cancelled run ${positionals[0]}: ${result.removed} queued jobs removed, ${result.signalled} files stopped\n`);
    return ExitStatus.OK;
  });
}
