import { parseArgs } from 'node:util';
import { usage } from './cli-errors.js';
import type { OnnxBits, OnnxGranularity, OnnxScheme, QuantizeOnnxOptions } from './options.js';

export const ONNX_HELP = `Usage: quant onnx <model.onnx> -o <out.onnx> [options]

Quantizes the weights of an ONNX model (weight-only QDQ: integer initializers + DequantizeLinear).

  -o, --output <path>        the quantized model (written to a temporary file, then renamed)
  --mode qdq                 the only mode so far (default)
  --bits 8|4|16              code width (default 8; 4 and 16 need opset 21)
  --scheme symmetric|affine  signed codes without zero point (default), or unsigned with one
  --granularity channel|tensor|block
                             scales per output channel (default), one per weight, or per block (opset 21)
  --block-size <n>           elements per block with --granularity block (default 32)
  --ops MatMul,Gemm,...      operators whose weights are quantized (default MatMul,Gemm,Conv,Gather;
                             also ConvTranspose)
  --exclude <glob>           leave initializers whose name matches in float (repeatable; * and ?)
  --force                    replace an existing output file
  --json                     print the report as JSON
  -h, --help                 this help`;

export interface OnnxCommandArgs {
  readonly help: boolean;
  readonly input: string;
  readonly output: string;
  readonly force: boolean;
  readonly json: boolean;
  readonly options: QuantizeOnnxOptions;
}

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) usage(`${flag} must be an integer, got '${value}'`);
  return Number(value);
}

/** Parses `quant onnx` arguments; values are checked by the library (E_ONNX_OPTION), the command line here (E_USAGE). */
export function parseOnnxArgs(argv: readonly string[]): OnnxCommandArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: 'string', short: 'o' },
        mode: { type: 'string' },
        bits: { type: 'string' },
        scheme: { type: 'string' },
        granularity: { type: 'string' },
        'block-size': { type: 'string' },
        ops: { type: 'string' },
        exclude: { type: 'string', multiple: true },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    usage(`${e instanceof Error ? e.message : String(e)}\n\n${ONNX_HELP}`);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { help: true, input: '', output: '', force: false, json: false, options: {} };
  if (positionals.length !== 1) usage(`expected one input model, got ${positionals.length}\n\n${ONNX_HELP}`);
  if (v.output === undefined || v.output === '') usage(`-o <out.onnx> is required\n\n${ONNX_HELP}`);
  const options: QuantizeOnnxOptions = {
    mode: v.mode as 'qdq' | undefined,
    bits: integer('--bits', v.bits) as OnnxBits | undefined,
    scheme: v.scheme as OnnxScheme | undefined,
    granularity: v.granularity as OnnxGranularity | undefined,
    blockSize: integer('--block-size', v['block-size']),
    ops: v.ops?.split(',').map((op) => op.trim()),
    exclude: v.exclude,
  };
  return { help: false, input: positionals[0]!, output: v.output, force: v.force ?? false, json: v.json ?? false, options };
}
