import { readFileSync } from 'node:fs';
import { conformanceCommand } from './commands/conformance.js';
import { demoCommand } from './commands/demo.js';
import { dequantizeCommand } from './commands/dequantize.js';
import { inspectCommand } from './commands/inspect.js';
import { quantizeCommand } from './commands/quantize.js';
import { reportFailure } from './commands/report.js';
import { ExitStatus, fail, toCliError } from './errors.js';
import { isLittleEndianHost } from './formats/dtypes.js';
import { installCleanupHandlers } from './io/cleanup.js';
import { backendInfo, LIBRARY_PACKAGE, VERSION } from './lib.js';

export const MAIN_HELP = `Usage: quant <command> [options]

Commands:
  demo         the seed notebook's walkthrough of affine and symmetric quantization
  quantize     quantize .npy and .safetensors files into quantized safetensors
  dequantize   turn a quantized safetensors file back into float tensors
  inspect      per-tensor statistics, and what quantizing would cost
  conformance  'conformance export <dir>': write the golden conformance corpus as JSON

Run 'quant <command> --help' for a command's options. 'quant --version' prints the versions and the backend.
The output format is described in docs/FORMAT.md.`;

function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const COMMANDS: Record<string, (args: readonly string[]) => Promise<number>> = {
  demo: demoCommand,
  quantize: quantizeCommand,
  dequantize: dequantizeCommand,
  inspect: inspectCommand,
  conformance: conformanceCommand,
};

/** Runs one command line and returns the exit status; errors are reported on stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  installCleanupHandlers();
  const [command, ...rest] = argv;
  try {
    if (!isLittleEndianHost()) fail('USAGE', 'quant writes little-endian files and runs on little-endian hosts only');
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${MAIN_HELP}\n`);
      return command === undefined ? ExitStatus.USAGE : ExitStatus.OK;
    }
    if (command === '--version' || command === '-v') {
      const b = backendInfo();
      process.stdout.write(`quant ${cliVersion()} (${LIBRARY_PACKAGE} ${VERSION}, backend ${b.name}${b.isa ? ` ${b.isa}` : ''})\n`);
      return ExitStatus.OK;
    }
    const run = COMMANDS[command];
    if (run === undefined) fail('USAGE', `unknown command '${command}'\n\n${MAIN_HELP}`);
    return await run(rest);
  } catch (e) {
    const error = toCliError(e);
    reportFailure({ file: error.file ?? '', error });
    return error.exitStatus;
  }
}
