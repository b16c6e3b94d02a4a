import { formatBytes } from '../progress.js';

/*
 * Scales and zero points are normally far smaller than the data they describe: a non-empty tensor never has more groups
 * than elements, so its parameters are at most 3x its bytes (one F32 scale and an I16 zero point per F16 element).
 * Only an empty tensor with a huge dimension gets further: shape [0, 2^28] per channel along axis 1 has 2^28 groups
 * (1.25 GiB of parameters) for no data at all. Such sizes are refused unless asked for (--allow-large-params).
 */

/** Parameters may take this many times the tensor's own bytes... */
export const PARAMETER_DATA_FACTOR = 4;
/** ...or this many bytes, whichever is larger. */
export const PARAMETER_FLOOR_BYTES = 1 << 20;

/** The largest parameter size allowed for a tensor of `dataBytes` bytes without --allow-large-params. */
export function parameterByteLimit(dataBytes: number): number {
  return Math.max(PARAMETER_DATA_FACTOR * dataBytes, PARAMETER_FLOOR_BYTES);
}

/** Why `parameterBytes` of scales and zero points for `groups` groups are too many, or undefined when they are not. */
export function parameterSizeProblem(groups: number, parameterBytes: number, dataBytes: number): string | undefined {
  if (parameterBytes <= parameterByteLimit(dataBytes)) return undefined;
  return (
    `${groups} scales and zero points (${formatBytes(parameterBytes)}) for ${formatBytes(dataBytes)} of data: quant refuses ` +
    `parameters larger than max(${PARAMETER_DATA_FACTOR} x the data, ${formatBytes(PARAMETER_FLOOR_BYTES)}); --allow-large-params writes them anyway`
  );
}
