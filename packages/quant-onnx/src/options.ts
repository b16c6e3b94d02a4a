import { OnnxError, OnnxErrorCodes } from './errors.js';
import { globToRegExp } from './glob.js';
import { SUPPORTED_OPS, type SupportedOp } from './weight-inputs.js';

export type OnnxQuantMode = 'qdq';
export type OnnxScheme = 'symmetric' | 'affine';
export type OnnxGranularity = 'channel' | 'tensor' | 'block';
export type OnnxBits = 4 | 8 | 16;

export interface QuantizeOnnxOptions {
  /** 'qdq' (default, the only mode so far): weight-only, each weight becomes integer codes + a DequantizeLinear. */
  readonly mode?: OnnxQuantMode;
  /** 8 (default): int8/uint8; 4: int4/uint4, packed two per byte; 16: int16/uint16. */
  readonly bits?: OnnxBits;
  /** 'symmetric' (default, signed codes, zero point 0, as onnxruntime's weight default) or 'affine' (unsigned codes with a zero point). */
  readonly scheme?: OnnxScheme;
  /** 'channel' (default; the axis per operator, docs/ONNX.md), 'tensor', or 'block' (opset 21 block_size). */
  readonly granularity?: OnnxGranularity;
  /** Elements per block with granularity 'block' (default 32). */
  readonly blockSize?: number;
  /** Operator types whose weight inputs are quantized (default MatMul, Gemm, Conv, Gather). */
  readonly ops?: readonly string[];
  /** Globs on initializer names to leave in float (`*` any run of characters, `?` one character). */
  readonly exclude?: readonly string[];
}

export interface ResolvedOptions {
  readonly mode: OnnxQuantMode;
  readonly bits: OnnxBits;
  readonly scheme: OnnxScheme;
  readonly granularity: OnnxGranularity;
  readonly blockSize: number;
  readonly ops: ReadonlySet<SupportedOp>;
  readonly exclude: readonly { readonly pattern: string; readonly re: RegExp }[];
}

export const DEFAULT_OPS: readonly SupportedOp[] = ['MatMul', 'Gemm', 'Conv', 'Gather'];
export const DEFAULT_BLOCK_SIZE = 32;

const KEYS = ['mode', 'bits', 'scheme', 'granularity', 'blockSize', 'ops', 'exclude'];

function optionError(message: string): never {
  throw new OnnxError(OnnxErrorCodes.OPTION, message);
}

function oneOf<T>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) optionError(`${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

function resolveOps(ops: unknown): ReadonlySet<SupportedOp> {
  if (ops === undefined) return new Set(DEFAULT_OPS);
  if (!Array.isArray(ops) || ops.length === 0) optionError('ops must be a non-empty array of operator types');
  for (const op of ops) {
    if (!SUPPORTED_OPS.includes(op as SupportedOp)) optionError(`ops: '${String(op)}' is not supported; supported: ${SUPPORTED_OPS.join(', ')}`);
  }
  return new Set(ops as SupportedOp[]);
}

function resolveBlockSize(granularity: OnnxGranularity, blockSize: unknown): number {
  if (blockSize === undefined) return DEFAULT_BLOCK_SIZE;
  if (granularity !== 'block') optionError(`blockSize is only used with granularity 'block' (granularity is '${granularity}')`);
  if (typeof blockSize !== 'number' || !Number.isSafeInteger(blockSize) || blockSize < 2) optionError(`blockSize must be an integer >= 2, got ${JSON.stringify(blockSize)}`);
  return blockSize;
}

/** Validates the options once, before the model is read. */
export function resolveOptions(options: QuantizeOnnxOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object') optionError('options must be an object');
  const unknown = Object.keys(options).filter((k) => !KEYS.includes(k) && (options as Record<string, unknown>)[k] !== undefined);
  if (unknown.length > 0) optionError(`unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; options are ${KEYS.join(', ')}`);
  const granularity = oneOf<OnnxGranularity>('granularity', options.granularity, ['channel', 'tensor', 'block'], 'channel');
  const exclude = options.exclude ?? [];
  if (!Array.isArray(exclude)) optionError('exclude must be an array of glob patterns');
  return {
    mode: oneOf<OnnxQuantMode>('mode', options.mode, ['qdq'], 'qdq'),
    bits: oneOf<OnnxBits>('bits', options.bits, [8, 4, 16], 8),
    scheme: oneOf<OnnxScheme>('scheme', options.scheme, ['symmetric', 'affine'], 'symmetric'),
    granularity,
    blockSize: resolveBlockSize(granularity, options.blockSize),
    ops: resolveOps(options.ops),
    exclude: exclude.map((pattern: string) => ({ pattern, re: globToRegExp(pattern) })),
  };
}
