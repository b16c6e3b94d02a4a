import { parseArgs } from 'node:util';
import { usage } from './cli-errors.js';
import type { OnnxBits, OnnxGranularity, OnnxQuantMode, OnnxScheme, QuantizeOnnxOptions } from './options.js';

export const ONNX_HELP = `Usage: quant onnx <model.onnx> -o <out.onnx> [options]
       quant onnx --transformers-js <model folder> [--force]

Quantizes the weights of an ONNX model (docs/ONNX.md). Models with external data (.onnx + .onnx_data) are read and
written with external data, one tensor at a time.

  -o, --output <path>        the quantized model (written to a temporary file, then renamed; with external data,
                             its payloads go to <path>_data beside it)
  --mode qdq|matmul-nbits|dynamic|fp16
                             qdq (default): integer weights + DequantizeLinear; matmul-nbits: MatMul -> com.microsoft
                             MatMulNBits (q4); dynamic: quantize_dynamic's DynamicQuantizeLinear + MatMulInteger /
                             ConvInteger graph (q8); fp16: the float16 graph, nothing quantized (float32 inputs and
                             outputs behind Casts)
  --float16                  matmul-nbits on the float16 graph: float16 scales (transformers.js's q4f16)
  --bits <n>                 qdq: 8 (default), 4, 16 (4 and 16 need opset 21); matmul-nbits: 4 (default), 8
  --scheme symmetric|affine  signed codes without zero point (default), or unsigned with one (dynamic: int8 or uint8
                             MatMul weights; Conv weights are uint8 always)
  --granularity channel|tensor|block
                             qdq: per output channel (default), per weight, per block (opset 21);
                             dynamic: tensor (default) or channel
  --block-size <n>           qdq with --granularity block (default 32); matmul-nbits: 16..256, a power of two (32)
  --ops MatMul,Gemm,...      operators whose weights are quantized (qdq default MatMul,Gemm,Conv,Gather, also
                             ConvTranspose; matmul-nbits MatMul; dynamic MatMul,Conv,Gather)
  --exclude <glob>           leave initializers whose name matches in float (repeatable; * and ?)
  --calibrate <spec>         how each weight group's range is chosen: minmax (default), percentile[:P], mse, entropy,
                             histogram (docs/CALIBRATION.md)
  --report <file>            also write the per-tensor error table: .json, .md or .html (a self-contained page)
  --plan <plan.json>         per-tensor choices (quantkit's plan format): keep, or bits / scheme / granularity /
                             block size / calibrator for the weights it names; the others take the options
  --transformers-js <dir>    write model_quantized (q8), model_int8, model_uint8, model_q4, model_fp16 and
                             model_q4f16 beside every *.onnx in <dir>/onnx (or <dir>); no -o
  --force                    replace existing output files
  --json                     print the report as JSON
  -h, --help                 this help`;

export interface OnnxCommandArgs {
  readonly help: boolean;
  readonly input: string;
  readonly output: string;
  /** --transformers-js <dir>: the folder instead of input/output. */
  readonly transformersJs: string | undefined;
  readonly report: string | undefined;
  /** --plan <file>: read and parsed by the command. */
  readonly plan: string | undefined;
  readonly force: boolean;
  readonly json: boolean;
  readonly options: QuantizeOnnxOptions;
}

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) usage(`${flag} must be an integer, got '${value}'`);
  return Number(value);
}

const NONE: OnnxCommandArgs = { help: true, input: '', output: '', transformersJs: undefined, report: undefined, plan: undefined, force: false, json: false, options: {} };

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
        calibrate: { type: 'string' },
        report: { type: 'string' },
        plan: { type: 'string' },
        'transformers-js': { type: 'string' },
        float16: { type: 'boolean' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    usage(`${e instanceof Error ? e.message : String(e)}\n\n${ONNX_HELP}`);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return NONE;
  const transformersJs = v['transformers-js'];
  const options: QuantizeOnnxOptions = {
    mode: v.mode as OnnxQuantMode | undefined,
    bits: integer('--bits', v.bits) as OnnxBits | undefined,
    scheme: v.scheme as OnnxScheme | undefined,
    granularity: v.granularity as OnnxGranularity | undefined,
    blockSize: integer('--block-size', v['block-size']),
    ops: v.ops?.split(',').map((op) => op.trim()),
    exclude: v.exclude,
    calibrate: v.calibrate,
    float16: v.float16,
  };
  if (transformersJs !== undefined) {
    if (transformersJs === '') usage('--transformers-js needs a folder');
    if (positionals.length > 0 || v.output !== undefined) usage(`--transformers-js <dir> takes no input model and no -o (it writes beside each model)\n\n${ONNX_HELP}`);
    for (const flag of ['mode', 'bits', 'scheme', 'granularity', 'report', 'plan', 'float16'] as const) {
      if (v[flag] !== undefined) usage(`--transformers-js writes fixed variants; --${flag} does not apply (see docs/ONNX.md)`);
    }
    return { ...NONE, help: false, transformersJs, force: v.force ?? false, json: v.json ?? false, options };
  }
  if (positionals.length !== 1) usage(`expected one input model, got ${positionals.length}\n\n${ONNX_HELP}`);
  if (v.output === undefined || v.output === '') usage(`-o <out.onnx> is required\n\n${ONNX_HELP}`);
  if (v.report === '') usage('--report needs a file name');
  if (v.plan === '') usage('--plan needs a file name');
  return { help: false, input: positionals[0]!, output: v.output, transformersJs: undefined, report: v.report, plan: v.plan, force: v.force ?? false, json: v.json ?? false, options };
}
