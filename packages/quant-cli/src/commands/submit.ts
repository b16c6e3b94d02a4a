import { resolve, sep } from 'node:path';
import { DEFAULT_SPLIT_ELEMENTS, exitStatusOfRun, openFlows, progressLine, statusText, submitRun, waitForRun } from '@quantkit/quant-queue';
import { ExitStatus, fail } from '../errors.js';
import { parseCommandArgs, parseInteger, QUANT_OPTIONS, QUANT_OPTIONS_HELP, quantSettings } from '../options.js';
import { queueEngine } from '../queue/queue-engine.js';
import type { QueueOptions } from '../queue/queue-options.js';
import { queueTarget, QUEUE_OPTIONS, QUEUE_OPTIONS_HELP, withQueue } from '../queue/queue-command.js';
import { jsonText, visibleLines } from '../safe-text.js';

export const SUBMIT_HELP = `Usage: quant submit <inputs...> -o <file|dir> --redis <url> [options]

Queues a 'quant quantize' run on a BullMQ queue in Redis, for 'quant worker' processes to carry out (on this machine
or others that see the same paths: docs/DISTRIBUTED.md), and prints its run id. The outputs are the bytes
'quant quantize' would write with the same options. One job per output file; a tensor of more than --split-elements
elements is split into row shards. Work already done (same inputs, size and mtime, same options and output) is reused.

Output:
  -o, --output PATH   as for 'quant quantize': a .safetensors file, or a directory of one output per input
  --force             overwrite existing outputs (and redo finished work)

${QUANT_OPTIONS_HELP}

${QUEUE_OPTIONS_HELP}

Run:
  --wait              show one progress line for the whole run until it ends; the exit status is then the run's
                      (as 'quant quantize' would exit)
  --split-elements N  split tensors of more than N elements into row shards (default ${DEFAULT_SPLIT_ELEMENTS})
  --json              print a machine-readable result on stdout
  --quiet             print nothing but the run id and errors
  -h, --help          show this help`;

export async function submitCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...QUANT_OPTIONS, ...QUEUE_OPTIONS, output: { type: 'string', short: 'o' }, force: { type: 'boolean' }, wait: { type: 'boolean' }, 'split-elements': { type: 'string' }, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } },
    'submit',
  );
  if (values.help) {
    process.stdout.write(`${SUBMIT_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length === 0) fail('USAGE', "no inputs given\nRun 'quant submit --help' for usage.");
  if (!values.output) fail('USAGE', "no output given (-o <file|dir>)\nRun 'quant submit --help' for usage.");
  const target = queueTarget(values, 'submit');
  const options: QueueOptions = { settings: quantSettings(values), include: values.include ?? [], exclude: values.exclude ?? [] };
  const splitElements = parseInteger(values['split-elements'], 'split-elements', 1, Number.MAX_SAFE_INTEGER) ?? DEFAULT_SPLIT_ELEMENTS;
  // Workers run elsewhere, in other directories: paths travel absolute (a trailing '/' still says "a directory").
  const output = resolve(values.output) + (/[\\/]$/.test(values.output) ? sep : '');
  const inputs = positionals.map((p) => resolve(p));
  return withQueue(target, async (redis, queue) => {
    const flows = openFlows(target);
    try {
      const result = await submitRun({ redis, queue, flows, prefix: target.prefix, engine: queueEngine }, { inputs, output, options, force: values.force === true, splitElements });
      if (!values.json) process.stdout.write(`${result.run}\n`);
      if (!values.quiet && !values.json) process.stderr.write(`quant: queued run ${result.run}: ${result.units} files (${result.reused} already done)\n`);
      if (!values.wait) {
        if (values.json) process.stdout.write(`${jsonText({ command: 'submit', run: result.run, files: result.units, reused: result.reused })}\n`);
        return ExitStatus.OK;
      }
      const tty = process.stderr.isTTY === true && values.quiet !== true;
      const status = await waitForRun(redis, queue, target.prefix, result.run, (s) => {
        if (tty) process.stderr.write(`\r\x1b[K${progressLine(s)}`);
      });
      if (tty) process.stderr.write('\r\x1b[K');
      const exitStatus = exitStatusOfRun(status);
      if (values.json) process.stdout.write(`${jsonText({ command: 'submit', exitStatus, ...status })}\n`);
      else if (!values.quiet || exitStatus !== 0) process.stderr.write(`${visibleLines(statusText(status, false))}\n`);
      return exitStatus;
    } finally {
      await flows.close().catch(() => {});
    }
  });
}
