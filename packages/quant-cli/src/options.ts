import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, fail } from './errors.js';
import type { GranularityName, QuantSettings } from './formats/quantized-format.js';
import { joinNegativeValues } from './negative-values.js';
import { parseCalibration, type CalibrationSpec } from './lib.js';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Options that choose how tensors are quantized (quantize, and inspect's cost estimate). */
export const QUANT_OPTIONS = {
  scheme: { type: 'string' },
  bits: { type: 'string' },
  granularity: { type: 'string' },
  axis: { type: 'string' },
  'block-size': { type: 'string' },
  profile: { type: 'string' },
  packed: { type: 'boolean' },
  'narrow-range': { type: 'boolean' },
  calibrate: { type: 'string' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'allow-large-params': { type: 'boolean' },
} as const satisfies OptionSpecs;

export const QUANT_OPTIONS_HELP = `Quantization:
  --scheme affine|symmetric   affine: unsigned codes with a zero point (default); symmetric: signed, zero point 0
  --bits N                    code width, 2..16 (default 8)
  --granularity G             tensor (default), channel (one scale per index of --axis), block (--block-size
                              elements along --axis share a scale)
  --axis N                    axis for channel (default 0) and block (default -1) granularity; negative counts
                              from the end
  --block-size N              block length for block granularity (default 32; implies --granularity block)
  --profile onnx|pytorch      onnx: x / scale (default); pytorch: x * (1 / scale)
  --packed                    pack 2- or 4-bit codes into bytes (ONNX order, element 0 in the low bits)
  --narrow-range              drop the lowest code (symmetric [-(2^(b-1)-1), 2^(b-1)-1])
  --calibrate SPEC            how the range is chosen (per group): minmax (default), percentile[:P] (default
                              99.99), mse, entropy, histogram; options as key=value, e.g. percentile:99.9,bins=4096
                              or entropy:startBin=64 (docs/CALIBRATION.md)
  --include GLOB              quantize only tensors whose name matches (repeatable; * ? [..]; a glob matching no
                              float tensor is a warning, selecting none at all an error)
  --exclude GLOB              leave matching tensors in float, e.g. --exclude '*.bias' --exclude '*norm*'
  --allow-large-params        write scales and zero points larger than max(4 x the tensor's bytes, 1 MiB) (only an
                              empty tensor with a huge channel axis has them; refused with E_LIMIT otherwise)`;

type HelpOption = { help: { type: 'boolean'; short: 'h' } };
type CommandConfig<O extends OptionSpecs> = { args: string[]; options: O & HelpOption; allowPositionals: true; strict: true };
export type ParsedCommand<O extends OptionSpecs> = ReturnType<typeof parseArgs<CommandConfig<O>>>;

export function parseCommandArgs<O extends OptionSpecs>(args: readonly string[], options: O, command: string): ParsedCommand<O> {
  try {
    const all = { ...options, help: { type: 'boolean', short: 'h' } } as O & HelpOption;
    const config: CommandConfig<O> = { args: joinNegativeValues(args, all), options: all, allowPositionals: true, strict: true };
    return parseArgs(config);
  } catch (e) {
    fail('USAGE', `${(e as Error).message.replace(/\. To specify a positional.*$/s, '')}\nRun 'quant ${command} --help' for usage.`);
  }
}

export function parseInteger(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(value.trim())) fail('USAGE', `--${name} must be an integer, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) fail('USAGE', `--${name} must be in ${min}..${max}, got ${n}`);
  return n;
}

function oneOf<T extends string>(value: string | undefined, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) fail('USAGE', `--${name} must be one of ${choices.join(', ')}; got '${value}'`);
  return value as T;
}

export interface QuantOptionValues {
  scheme?: string;
  bits?: string;
  granularity?: string;
  axis?: string;
  'block-size'?: string;
  profile?: string;
  packed?: boolean;
  'narrow-range'?: boolean;
  calibrate?: string;
  include?: string[];
  exclude?: string[];
  'allow-large-params'?: boolean;
}

/** True when any option that changes quantization was given (inspect then estimates the cost). */
export function hasQuantOptions(v: QuantOptionValues): boolean {
  return ['scheme', 'bits', 'granularity', 'axis', 'block-size', 'profile', 'packed', 'narrow-range', 'calibrate'].some((k) => v[k as keyof QuantOptionValues] !== undefined);
}

/** Validates the quantization options once, before any file is touched. */
export function quantSettings(v: QuantOptionValues): QuantSettings {
  const scheme = oneOf(v.scheme, 'scheme', ['affine', 'symmetric'] as const, 'affine');
  const bits = parseInteger(v.bits, 'bits', 2, 16) ?? 8;
  const blockSizeGiven = parseInteger(v['block-size'], 'block-size', 1, Number.MAX_SAFE_INTEGER);
  const granularity = oneOf<GranularityName>(v.granularity, 'granularity', ['tensor', 'channel', 'block'], blockSizeGiven !== undefined ? 'block' : 'tensor');
  if (blockSizeGiven !== undefined && granularity !== 'block') fail('USAGE', `--block-size needs --granularity block (got --granularity ${granularity})`);
  const axisGiven = parseInteger(v.axis, 'axis', -64, 63);
  if (axisGiven !== undefined && granularity === 'tensor') fail('USAGE', '--axis needs --granularity channel or block');
  const profile = oneOf(v.profile, 'profile', ['onnx', 'pytorch'] as const, 'onnx');
  const packed = v.packed === true;
  if (packed && bits !== 2 && bits !== 4) fail('USAGE', `--packed needs --bits 2 or 4 (got ${bits})`);
  return {
    scheme,
    bits,
    granularity,
    axis: axisGiven ?? (granularity === 'block' ? -1 : 0),
    blockSize: blockSizeGiven ?? 32,
    profile,
    packed,
    narrowRange: v['narrow-range'] === true,
    calibration: v.calibrate === undefined ? { method: 'minmax' } : parseCalibrationOption(v.calibrate, 'calibrate'),
    ...(v['allow-large-params'] === true ? { allowLargeParams: true } : {}),
  };
}

/** A calibration spec from the command line; a bad one is a usage error that names the flag. */
export function parseCalibrationOption(text: string, flag: string): CalibrationSpec {
  try {
    return parseCalibration(text);
  } catch (e) {
    if (e instanceof CliError || !(e instanceof Error) || e.name !== 'QuantError') throw e;
    fail('USAGE', `--${flag} '${text}': ${e.message}`);
  }
}

export function threadCount(value: string | undefined): number {
  return parseInteger(value, 'threads', 1, 256) ?? Math.max(1, Math.min(availableParallelism(), 8));
}
