import { parseArgs } from 'node:util';
import { fail } from '../errors.js';
import { MAX_THREADS } from '../requantize/options.js';
import type { TypeOverride } from '../requantize/plan-types.js';
import { REQUANTIZE_TYPES, recipeOf, TENSOR_TYPES, tensorTypeId, type RequantizeType, type TensorType } from '../requantize/target-types.js';

export const GGUF_HELP = `Usage: quant gguf <in.gguf> -o <out.gguf> --type <type> [options]

Re-quantizes the F32/F16/BF16 tensors of a GGUF model; every other tensor and all metadata are copied
(general.file_type and general.quantization_version are set as llama-quantize sets them).

  -o, --output FILE        the GGUF file to write (written to a temporary file, renamed into place when complete)
  -t, --type TYPE          uniform: ${REQUANTIZE_TYPES.slice(0, 9).join(', ')}
                           llama-quantize mix (per-tensor rules): ${REQUANTIZE_TYPES.slice(9).join(', ')}
  --type-for GLOB=TYPE     give tensors whose name matches GLOB this type instead (repeatable; the first match
                           wins; * ? [..]); TYPE: ${TENSOR_TYPES.join(', ')}
  --plan FILE              a per-tensor plan (docs/ANALYSIS.md, e.g. from 'quant compare --target gguf --plan-out'):
                           its GGML types, or "keep", for the tensors it names or matches; --type-for wins over it
  --strict                 refuse tensors of an unknown ggml type instead of copying them through
  --threads N              threads quantizing (default: the available parallelism, at most 8)
  --force                  replace the output if it exists
  -q, --quiet              no progress line, no notes
  -h, --help               this help

docs/GGUF.md lists the mixes' rules, the error codes and the exit statuses.`;

export interface GgufCommand {
  readonly help: boolean;
  readonly input: string;
  readonly output: string;
  readonly type: RequantizeType;
  readonly typeFor: readonly TypeOverride[];
  /** The plan file's path, if given. */
  readonly plan: string | undefined;
  readonly strict: boolean;
  readonly threads: number | undefined;
  readonly force: boolean;
  readonly quiet: boolean;
}

function usage(message: string): never {
  return fail('E_GGUF_OPTION', `${message}\nRun 'quant gguf --help' for usage.`);
}

function parseOverride(spec: string): TypeOverride {
  const eq = spec.lastIndexOf('=');
  if (eq <= 0) usage(`--type-for takes GLOB=TYPE, got '${spec}'`);
  const type = spec.slice(eq + 1);
  tensorTypeId(type);
  return { glob: spec.slice(0, eq), type: type as TensorType };
}

function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_THREADS) usage(`--threads must be an integer from 1 to ${MAX_THREADS}, got '${value}'`);
  return n;
}

const OPTIONS = {
  output: { type: 'string', short: 'o' },
  type: { type: 'string', short: 't' },
  'type-for': { type: 'string', multiple: true },
  plan: { type: 'string' },
  strict: { type: 'boolean' },
  threads: { type: 'string' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseGgufArgs(argv: readonly string[]): GgufCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return usage((e as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  if (help) return { help, input: '', output: '', type: 'q8_0', typeFor: [], plan: undefined, strict: false, threads: undefined, force: false, quiet: false };
  if (positionals.length !== 1) usage(positionals.length === 0 ? 'no input file given' : `one input file at a time, got ${positionals.length}`);
  if (values.output === undefined || values.output === '') usage('no output given (-o out.gguf)');
  if (values.type === undefined) usage(`no --type given (one of ${REQUANTIZE_TYPES.join(', ')})`);
  return {
    help,
    input: positionals[0]!,
    output: values.output,
    type: recipeOf(values.type).name,
    typeFor: (values['type-for'] ?? []).map(parseOverride),
    plan: values.plan === '' ? usage('--plan takes a file') : values.plan,
    strict: values.strict === true,
    threads: parseThreads(values.threads),
    force: values.force === true,
    quiet: values.quiet === true,
  };
}
