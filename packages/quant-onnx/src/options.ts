import { QuantError, parseCalibration, resolveCalibration as checkCalibration, type CalibrationSpec, type QuantPlan } from '@quantkit/quant';
import { OnnxError, OnnxErrorCodes } from './errors.js';
import { globToRegExp } from './glob.js';
import { SUPPORTED_OPS, type SupportedOp } from './weight-inputs.js';

/**
 * 'fp16': no quantization, the float16 conversion only (transformers.js's fp16: float16 initializers and values, float32
 * graph inputs and outputs behind Casts; docs/ONNX.md "Float16"). 'qdq': weight-only, integer initializers + DequantizeLinear. 'matmul-nbits': MatMul with a constant 2-D weight becomes
 * com.microsoft.MatMulNBits (4 or 8 bits, blocks along K). 'dynamic': onnxruntime quantize_dynamic's graph
 * (DynamicQuantizeLinear on the activation, MatMulInteger / ConvInteger, the rescale).
 */
export type OnnxQuantMode = 'qdq' | 'matmul-nbits' | 'dynamic' | 'fp16';
export type OnnxScheme = 'symmetric' | 'affine';
export type OnnxGranularity = 'channel' | 'tensor' | 'block';
export type OnnxBits = 4 | 8 | 16;

export interface QuantizeOnnxOptions {
  /** 'qdq' (default), 'matmul-nbits' or 'dynamic' (docs/ONNX.md). */
  readonly mode?: OnnxQuantMode;
  /** qdq: 8 (default), 4, 16. matmul-nbits: 4 (default) or 8. dynamic: 8. */
  readonly bits?: OnnxBits;
  /**
   * 'symmetric' (default): signed codes, zero point 0 (matmul-nbits: stored with the implicit zero point 2^(bits-1)).
   * 'affine': unsigned codes with a zero point. dynamic: symmetric = int8 MatMulInteger weights, affine = uint8.
   */
  readonly scheme?: OnnxScheme;
  /** qdq: 'channel' (default), 'tensor', 'block'. matmul-nbits: 'block' only. dynamic: 'tensor' (default) or 'channel'. */
  readonly granularity?: OnnxGranularity;
  /** Elements per block: qdq with granularity 'block' (>= 2, default 32); matmul-nbits (16..256, a power of two, default 32). */
  readonly blockSize?: number;
  /** Operator types whose weight inputs are quantized (qdq default MatMul, Gemm, Conv, Gather; matmul-nbits MatMul; dynamic MatMul, Conv, Gather). */
  readonly ops?: readonly string[];
  /** Globs on initializer names to leave in float (`*` any run of characters, `?` one character). */
  readonly exclude?: readonly string[];
  /** How each weight group's range is chosen: a calibrator spec or its text ('percentile:99.99', docs/CALIBRATION.md); default minmax. */
  readonly calibrate?: CalibrationSpec | string;
  /**
   * Per-tensor choices (@quantkit/quant's plan format, `parsePlan` of a plan file; docs/ONNX.md "Plans"): `keep` leaves
   * a weight float, quantkit's fields replace bits, scheme, granularity, block size and calibrator for it; the other
   * weights take the options above.
   */
  readonly plan?: QuantPlan;
  /**
   * Convert the graph to float16 before quantizing (mode 'matmul-nbits' only: transformers.js's q4f16, MatMulNBits with
   * float16 scales). Mode 'fp16' is this conversion alone.
   */
  readonly float16?: boolean;
}

export interface ResolvedOptions {
  readonly mode: OnnxQuantMode;
  readonly bits: OnnxBits;
  readonly scheme: OnnxScheme;
  readonly granularity: OnnxGranularity;
  readonly blockSize: number;
  readonly ops: ReadonlySet<SupportedOp>;
  readonly exclude: readonly { readonly pattern: string; readonly re: RegExp }[];
  /** undefined: minmax (the default range). */
  readonly calibration: CalibrationSpec | undefined;
  readonly plan: QuantPlan | undefined;
  /** The graph is converted to float16 first (mode 'fp16', or the float16 option). */
  readonly float16: boolean;
}

export const DEFAULT_OPS: readonly SupportedOp[] = ['MatMul', 'Gemm', 'Conv', 'Gather'];
export const DEFAULT_BLOCK_SIZE = 32;

/** Per mode: allowed bits (first = default), granularities (first = default), operators (all = default). */
const MODE_RULES: Readonly<Record<OnnxQuantMode, { bits: readonly OnnxBits[]; granularity: readonly OnnxGranularity[]; ops: readonly SupportedOp[]; defaultOps: readonly SupportedOp[] }>> = {
  qdq: { bits: [8, 4, 16], granularity: ['channel', 'tensor', 'block'], ops: SUPPORTED_OPS, defaultOps: DEFAULT_OPS },
  'matmul-nbits': { bits: [4, 8], granularity: ['block'], ops: ['MatMul'], defaultOps: ['MatMul'] },
  dynamic: { bits: [8], granularity: ['tensor', 'channel'], ops: ['MatMul', 'Conv', 'Gather'], defaultOps: ['MatMul', 'Conv', 'Gather'] },
  fp16: { bits: [8], granularity: ['tensor'], ops: [], defaultOps: [] },
};

const KEYS = ['mode', 'bits', 'scheme', 'granularity', 'blockSize', 'ops', 'exclude', 'calibrate', 'plan', 'float16'];

function optionError(message: string): never {
  throw new OnnxError(OnnxErrorCodes.OPTION, message);
}

function oneOf<T>(name: string, value: unknown, allowed: readonly T[], fallback: T, context = ''): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) optionError(`${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}${context}, got ${JSON.stringify(value)}`);
  return value as T;
}

function resolveOps(ops: unknown, mode: OnnxQuantMode): ReadonlySet<SupportedOp> {
  const rules = MODE_RULES[mode];
  if (ops === undefined) return new Set(rules.defaultOps);
  if (!Array.isArray(ops) || ops.length === 0) optionError('ops must be a non-empty array of operator types');
  for (const op of ops) {
    if (!rules.ops.includes(op as SupportedOp)) optionError(`ops: '${String(op)}' is not supported in mode '${mode}'; supported: ${rules.ops.join(', ')}`);
  }
  return new Set(ops as SupportedOp[]);
}

function resolveBlockSize(mode: OnnxQuantMode, granularity: OnnxGranularity, blockSize: unknown): number {
  if (mode === 'matmul-nbits') {
    if (blockSize === undefined) return DEFAULT_BLOCK_SIZE;
    const ok = typeof blockSize === 'number' && Number.isSafeInteger(blockSize) && blockSize >= 16 && blockSize <= 256 && (blockSize & (blockSize - 1)) === 0;
    if (!ok) optionError(`blockSize must be a power of two from 16 to 256 with mode 'matmul-nbits' (onnxruntime's MatMulNBits), got ${JSON.stringify(blockSize)}`);
    return blockSize as number;
  }
  if (blockSize === undefined) return DEFAULT_BLOCK_SIZE;
  if (granularity !== 'block') optionError(`blockSize is only used with granularity 'block' (granularity is '${granularity}')`);
  if (typeof blockSize !== 'number' || !Number.isSafeInteger(blockSize) || blockSize < 2) optionError(`blockSize must be an integer >= 2, got ${JSON.stringify(blockSize)}`);
  return blockSize;
}

function resolveCalibration(value: unknown): CalibrationSpec | undefined {
  if (value === undefined) return undefined;
  try {
    const spec = typeof value === 'string' ? parseCalibration(value) : (value as CalibrationSpec);
    if (spec === null || typeof spec !== 'object' || typeof spec.method !== 'string') optionError(`calibrate must be a calibrator spec or its text, got ${JSON.stringify(value)}`);
    checkCalibration(spec); // an object spec is validated as the core validates range: { method, ... }
    return spec.method === 'minmax' ? undefined : spec;
  } catch (cause) {
    if (cause instanceof QuantError) throw new OnnxError(OnnxErrorCodes.OPTION, `calibrate: ${cause.message}`, { cause });
    throw cause;
  }
}

function resolvePlan(plan: unknown): QuantPlan | undefined {
  if (plan === undefined) return undefined;
  const ok = typeof plan === 'object' && plan !== null && (plan as QuantPlan).tensors instanceof Map && Array.isArray((plan as QuantPlan).patterns);
  if (!ok) optionError('plan must be a parsed plan (parsePlan of the plan file\'s text)');
  return plan as QuantPlan;
}

/** Validates the options once, before the model is read. */
export function resolveOptions(options: QuantizeOnnxOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object') optionError('options must be an object');
  const unknown = Object.keys(options).filter((k) => !KEYS.includes(k) && (options as Record<string, unknown>)[k] !== undefined);
  if (unknown.length > 0) optionError(`unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; options are ${KEYS.join(', ')}`);
  const mode = oneOf<OnnxQuantMode>('mode', options.mode, ['qdq', 'matmul-nbits', 'dynamic', 'fp16'], 'qdq');
  const float16 = oneOf<boolean>('float16', options.float16, [true, false], false);
  if (mode === 'fp16' && options.float16 === false) optionError("mode 'fp16' is the float16 conversion; float16: false contradicts it");
  if (mode === 'fp16') return resolveFloat16Only(options);
  if (float16 && mode !== 'matmul-nbits') optionError(`float16 applies to mode 'matmul-nbits' (q4f16) only; mode '${mode}' keeps the graph float32 (mode 'fp16' converts without quantizing)`);
  const rules = MODE_RULES[mode];
  const inMode = ` with mode '${mode}'`;
  const granularity = oneOf<OnnxGranularity>('granularity', options.granularity, rules.granularity, rules.granularity[0]!, inMode);
  const exclude = options.exclude ?? [];
  if (!Array.isArray(exclude)) optionError('exclude must be an array of glob patterns');
  return {
    mode,
    bits: oneOf<OnnxBits>('bits', options.bits, rules.bits, rules.bits[0]!, inMode),
    scheme: oneOf<OnnxScheme>('scheme', options.scheme, ['symmetric', 'affine'], 'symmetric'),
    granularity,
    blockSize: resolveBlockSize(mode, granularity, options.blockSize),
    ops: resolveOps(options.ops, mode),
    exclude: exclude.map((pattern: string) => ({ pattern, re: globToRegExp(pattern) })),
    calibration: resolveCalibration(options.calibrate),
    plan: resolvePlan(options.plan),
    float16,
  };
}

/** Mode 'fp16' quantizes nothing: every quantization option is refused. */
function resolveFloat16Only(options: QuantizeOnnxOptions): ResolvedOptions {
  const given = KEYS.filter((k) => k !== 'mode' && k !== 'float16' && (options as Record<string, unknown>)[k] !== undefined);
  if (given.length > 0) optionError(`mode 'fp16' converts the graph to float16 and quantizes nothing: ${given.map((k) => `'${k}'`).join(', ')} does not apply`);
  return { mode: 'fp16', bits: 8, scheme: 'symmetric', granularity: 'tensor', blockSize: DEFAULT_BLOCK_SIZE, ops: new Set(), exclude: [], calibration: undefined, plan: undefined, float16: true };
}
