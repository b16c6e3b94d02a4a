import { randomInt } from 'node:crypto';
import { NOTEBOOK_PARAMS, uniformParams } from '../demo/notebook.js';
import { formatArray, numpyRound, pythonFloat } from '../demo/numpy-format.js';
import { ExitStatus, fail } from '../errors.js';
import { dequantize, quantizationError, quantize } from '../lib.js';
import { parseCommandArgs, parseInteger } from '../options.js';

export const DEMO_HELP = `Usage: quant demo [--bits N] [--random [--seed N]]

Walks through affine and symmetric quantization of 20 numbers the way the seed notebook does, with the library:
the parameters, the affine scale, zero point and codes, the symmetric scale and codes, both dequantized arrays
(float32, as the notebook casts them) and both mean squared errors, printed as numpy prints them.

Options:
  --bits N      code width, 2..16 (default 8)
  --random      draw fresh parameters from uniform(-50, 150) instead of the notebook's
  --seed N      seed for --random (default: a random seed, printed on stderr)
  -h, --help    show this help`;

/** The notebook's output for `params`, line for line (numpy prints one code as "-0." where this prints "0."). */
export function demoText(params: Float64Array, bits: number): string {
  const affine = quantize(params, { scheme: 'affine', bits });
  const symmetric = quantize(params, { scheme: 'symmetric', bits });
  const dequantizedAffine = dequantize(affine, new Float32Array(params.length));
  const dequantizedSymmetric = dequantize(symmetric, new Float32Array(params.length));
  const affineError = quantizationError(params, dequantizedAffine).mse;
  const symmetricError = quantizationError(params, dequantizedSymmetric).mse;

  const original = formatArray(numpyRound(params, 2, 'float64'), 'float64');
  const lines = [
    formatArray(params, 'float64'),
    '',
    'Original parameters:',
    original,
    '',
    `Affine scale: ${pythonFloat(affine.scale as number)}, zero point: ${pythonFloat(affine.zeroPoint as number)}`,
    formatArray(affine.data, 'float64'),
    '',
    `Symmetric scale: ${pythonFloat(symmetric.scale as number)}`,
    formatArray(symmetric.data, 'float64'),
    '',
    'Original parameters:',
    original,
    '',
    'Dequantize affine:',
    formatArray(numpyRound(dequantizedAffine, 2, 'float32'), 'float32'),
    '',
    'Dequantize symmetric:',
    formatArray(numpyRound(dequantizedSymmetric, 2, 'float32'), 'float32'),
    '',
    `${'Affine error: '.padStart(20)}${pythonFloat(numpyRound([affineError], 2, 'float64')[0]!)}`,
    `${'Symmetric error: '.padStart(20)}${pythonFloat(numpyRound([symmetricError], 2, 'float64')[0]!)}`,
  ];
  return `${lines.join('\n')}\n`;
}

export async function demoCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { bits: { type: 'string' }, random: { type: 'boolean' }, seed: { type: 'string' } }, 'demo');
  if (values.help) {
    process.stdout.write(`${DEMO_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length > 0) fail('USAGE', `demo takes no arguments, got '${positionals[0]}'\nRun 'quant demo --help' for usage.`);
  const bits = parseInteger(values.bits, 'bits', 2, 16) ?? 8;
  if (values.seed !== undefined && !values.random) fail('USAGE', '--seed needs --random');
  let params: Float64Array = Float64Array.from(NOTEBOOK_PARAMS);
  if (values.random) {
    const seed = parseInteger(values.seed, 'seed', 0, 2 ** 32 - 1) ?? randomInt(2 ** 32 - 1);
    if (values.seed === undefined) process.stderr.write(`seed ${seed} (repeat with --random --seed ${seed})\n`);
    params = uniformParams(seed);
  }
  process.stdout.write(demoText(params, bits));
  return ExitStatus.OK;
}
