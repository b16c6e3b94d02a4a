import { conformanceCommand } from './commands/conformance.js';
import { compareCommand } from './commands/compare.js';
import { demoCommand } from './commands/demo.js';
import { dequantizeCommand } from './commands/dequantize.js';
import { inspectCommand } from './commands/inspect.js';
import { quantizeCommand } from './commands/quantize.js';
import { reportCommand } from './commands/report.js';
import { reportFailure } from './commands/failures.js';
import { ExitStatus, fail, toCliError } from './errors.js';
import { isLittleEndianHost } from './formats/dtypes.js';
import { installCleanupHandlers } from './io/cleanup.js';
import { backendInfo, LIBRARY_PACKAGE, VERSION } from './lib.js';
import { cliVersion } from './version.js';

export const MAIN_HELP = `Usage: quant <command> [options]

Commands:
  demo         the seed notebook's walkthrough of affine and symmetric quantization
  quantize     quantize .npy and .safetensors files into quantized safetensors
  dequantize   turn a quantized safetensors file back into float tensors
  inspect      per-tensor statistics, and what quantizing would cost
  compare      the error of every candidate scheme x bits x granularity x calibrator, per tensor
  report       a self-contained HTML page: value and error histograms with the chosen range, and the comparison
  conformance  'conformance export <dir>': write the golden conformance corpus as JSON

Run 'quant <command> --help' for a command's options. 'quant --version' prints the versions and the backend.
quantize and inspect take --calibrate (minmax, percentile[:P], mse, entropy, histogram; docs/CALIBRATION.md).
The output format is described in docs/FORMAT.md.`;

const COMMANDS: Record<string, (args: readonly string[]) => Promise<number>> = {
  demo: demoCommand,
  quantize: quantizeCommand,
  dequantize: dequantizeCommand,
  inspect: inspectCommand,
  compare: compareCommand,
  report: reportCommand,
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
