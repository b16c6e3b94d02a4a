import { reportFailure } from './commands/failures.js';
import { ExitStatus, fail, toCliError } from './errors.js';
import { isLittleEndianHost } from './formats/dtypes.js';
import { installCleanupHandlers } from './io/cleanup.js';
import { describeBackend, LIBRARY_PACKAGE, VERSION } from './lib.js';
import { visible } from './safe-text.js';
import { cliVersion } from './version.js';

export const MAIN_HELP = `Usage: quant <command> [options]

Commands:
  demo         the seed notebook's walkthrough of affine and symmetric quantization
  quantize     quantize .npy and .safetensors files into quantized safetensors
  dequantize   turn a quantized safetensors file back into float tensors
  inspect      per-tensor statistics, and what quantizing would cost
  compare      the error of every candidate scheme x bits x granularity x calibrator, per tensor
  report       a self-contained HTML page: value and error histograms with the chosen range, and the comparison
  embeddings   quantize embeddings for vector search (int8, uint8, binary; docs/EMBEDDINGS.md); 'embeddings eval':
               recall@k of int8 and binary search against exact float search
  onnx         quantize the weights of an ONNX model (qdq, MatMulNBits q4, dynamic q8, fp16, q4f16; external data;
               --transformers-js <dir> writes a transformers.js folder's variants; docs/ONNX.md)
  gguf         re-quantize a GGUF model to GGML block types (q8_0 .. q6_k, llama-quantize's mixes; docs/GGUF.md)
  conformance  'conformance export <dir>': write the golden conformance corpus as JSON
  submit       queue a quantize (or onnx, gguf) run on Redis (BullMQ) for workers on many machines (docs/DISTRIBUTED.md)
  worker       carry out queued runs; 'status <run-id>', 'cancel <run-id>': follow or stop a run

Run 'quant <command> --help' for a command's options. 'quant --version' prints the versions and the backend.
quantize and inspect take --calibrate (minmax, percentile[:P], mse, entropy, histogram; docs/CALIBRATION.md).
The output format is described in docs/FORMAT.md.`;

type Command = (args: readonly string[]) => Promise<number>;

/** Each command is loaded when it runs: start-up then pays only for the command used (conformance and report are big). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  quantize: async () => (await import('./commands/quantize.js')).quantizeCommand,
  dequantize: async () => (await import('./commands/dequantize.js')).dequantizeCommand,
  inspect: async () => (await import('./commands/inspect.js')).inspectCommand,
  compare: async () => (await import('./commands/compare.js')).compareCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  conformance: async () => (await import('./commands/conformance.js')).conformanceCommand,
  onnx: async () => (await import('@quantkit/quant-onnx/cli')).runOnnxCommand as Command,
  gguf: async () => (await import('@quantkit/quant-gguf/cli')).runGgufCommand as Command,
  embeddings: async () => (await import('./commands/embeddings.js')).embeddingsCommand,
  submit: async () => (await import('./commands/submit.js')).submitCommand,
  worker: async () => (await import('./commands/worker.js')).workerCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  cancel: async () => (await import('./commands/cancel.js')).cancelCommand,
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
      // Never fails: a malformed backend setting is reported in the line, not as an error.
      process.stdout.write(`${visible(`quant ${cliVersion()} (${LIBRARY_PACKAGE} ${VERSION}, ${describeBackend()})`)}\n`);
      return ExitStatus.OK;
    }
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (load === undefined) fail('USAGE', `unknown command '${command}'\n\n${MAIN_HELP}`);
    return await (await load())(rest);
  } catch (e) {
    const error = toCliError(e);
    reportFailure({ file: error.file ?? '', error });
    return error.exitStatus;
  }
}
