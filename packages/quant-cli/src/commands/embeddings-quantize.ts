import { ExitStatus, fail, toCliError } from '../errors.js';
import { embeddingSettings } from '../embeddings/embedding-settings.js';
import { quantizeEmbeddingsFile } from '../embeddings/quantize-embeddings-file.js';
import { checkOutputExtension, SAFETENSORS_EXTENSIONS } from '../io/output-checks.js';
import { parseCommandArgs, parseInteger } from '../options.js';
import { formatBytes } from '../progress.js';
import { jsonText, visible } from '../safe-text.js';
import { failureJson, reportFailure } from './failures.js';

export const EMBEDDINGS_HELP = `Usage: quant embeddings <in.npy|in.safetensors> -o <out.safetensors> --precision P [options]
       quant embeddings eval <in.npy|in.safetensors> [options]    (recall@k; 'quant embeddings eval --help')

Quantizes a 2-D float tensor of embeddings [rows, dim] (F32, F64, F16, BF16) for vector search, as
sentence-transformers' quantize_embeddings does (docs/EMBEDDINGS.md), a batch of rows at a time: memory stays bounded
whatever the file's size. The output holds the codes, the int8/uint8 ranges and steps, and the settings in its
metadata (layout: docs/EMBEDDINGS.md, "File layout").

Quantization:
  --precision P          int8, uint8 (one code per value, per-dimension ranges), binary, ubinary (one bit per value,
                         rows packed to ceil(dim / 8) bytes)
  --calibration FILE     int8/uint8: take the per-dimension ranges from these rows (.npy or .safetensors, same dim;
                         its tensor named --tensor if it has one, else its only 2-D float tensor); default: the
                         input's own ranges, measured in a first pass over it
  --int8-rounding R      int8: floor (default; sentence-transformers from PR #3847 on) or toward-zero (the int8 codes
                         of sentence-transformers 5.x and earlier)
  --bit-order O          binary/ubinary: msb (default; numpy packbits, sentence-transformers) or lsb (Qdrant, FAISS)
  --threshold T          binary/ubinary: positive (default; bit = x > 0) or nonnegative (x >= 0, FAISS)

Input and output:
  --tensor NAME          the tensor of a .safetensors input (default: its only 2-D float tensor)
  -o, --output FILE      the output file (ends in .safetensors), written atomically
  --batch-rows N         rows quantized at a time (default: about 8 MiB of input)
  --force                overwrite an existing output
  --json                 print a machine-readable summary on stdout
  --quiet                print nothing but errors
  -h, --help             show this help

Exit status: 0 ok, 2 usage, 3 not a file or no such tensor, 4 malformed input, 5 unsupported data, 6 output exists,
7 quantization refused (the library's code in the message, e.g. ERR_QUANT_RANGE for a dimension with no value but
NaN), 8 I/O error, 129/130/131/143 interrupted.`;

export async function embeddingsQuantizeCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      output: { type: 'string', short: 'o' },
      precision: { type: 'string' },
      calibration: { type: 'string' },
      'int8-rounding': { type: 'string' },
      'bit-order': { type: 'string' },
      threshold: { type: 'string' },
      tensor: { type: 'string' },
      'batch-rows': { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
    'embeddings',
  );
  if (values.help) {
    process.stdout.write(`${EMBEDDINGS_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length !== 1) fail('USAGE', `${positionals.length === 0 ? 'no input given' : 'give one input file'}\nRun 'quant embeddings --help' for usage.`);
  if (!values.output) fail('USAGE', "no output given (-o <file.safetensors>)\nRun 'quant embeddings --help' for usage.");
  const settings = embeddingSettings(values);
  const batchRows = parseInteger(values['batch-rows'], 'batch-rows', 1, Number.MAX_SAFE_INTEGER);
  checkOutputExtension(values.output, SAFETENSORS_EXTENSIONS, 'a safetensors file');
  const input = positionals[0]!;
  const json = values.json === true;
  try {
    const result = await quantizeEmbeddingsFile({
      input,
      output: values.output,
      calibration: values.calibration,
      tensor: values.tensor,
      settings,
      batchRows,
      force: values.force === true,
      quiet: values.quiet === true,
    });
    if (json) process.stdout.write(`${jsonText({ command: 'embeddings', ok: true, exitStatus: ExitStatus.OK, ...result })}\n`);
    else if (values.quiet !== true) {
      const ranges = result.rangesFrom === null ? '' : `, ranges from the ${result.rangesFrom === 'calibration' ? 'calibration rows' : 'input'}`;
      process.stdout.write(
        `${visible(input)} -> ${visible(result.output)}: ${result.rows} x ${result.dim} ${result.dtype} -> ${result.settings.precision} ` +
          `(${result.bytesPerRow} byte${result.bytesPerRow === 1 ? '' : 's'} a row${ranges}), ${formatBytes(result.outputBytes)}\n`,
      );
    }
    return ExitStatus.OK;
  } catch (e) {
    const error = toCliError(e, { file: input });
    const failure = { file: error.file ?? input, error };
    reportFailure(failure);
    if (json) process.stdout.write(`${jsonText({ command: 'embeddings', ok: false, exitStatus: error.exitStatus, failures: [failureJson(failure)] })}\n`);
    return error.exitStatus;
  }
}
