import { resolve } from 'node:path';
import { exportCorpus } from '@quantkit/quant-conformance/checks';
import { ExitStatus, fail } from '../errors.js';
import { parseCommandArgs } from '../options.js';
import { visible } from '../safe-text.js';

export const CONFORMANCE_HELP = `Usage: quant conformance export <dir>

Writes quantkit's golden conformance corpus (language-neutral JSON: the ONNX backend vectors, the seed walkthrough,
ties, saturation, special values, lengths, granularities, packing and error cases, with a README describing the
format) into <dir>, so an implementation in another language can check itself against the same cases.

Options:
  -h, --help    show this help`;

export async function conformanceCommand(args: readonly string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, {}, 'conformance');
  if (values.help) {
    process.stdout.write(`${CONFORMANCE_HELP}\n`);
    return ExitStatus.OK;
  }
  const [action, dir, ...extra] = positionals;
  if (action !== 'export' || dir === undefined || extra.length > 0) fail('USAGE', `expected 'quant conformance export <dir>'\n\n${CONFORMANCE_HELP}`);
  const written = exportCorpus(resolve(dir));
  process.stdout.write(`wrote ${written.length} corpus files to ${visible(resolve(dir))}\n`);
  return ExitStatus.OK;
}
