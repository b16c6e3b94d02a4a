/**
 * @quantkit/quant-cli: the `quant` command (see bin.ts) and the pieces other tools may reuse to read its output.
 */
export { main } from './main.js';
export { CliError, ExitStatus } from './errors.js';
export {
  FORMAT_ID,
  FORMAT_KEY,
  VERSION_KEY,
  TENSOR_KEY_PREFIX,
  SCALE_SUFFIX,
  ZERO_POINT_SUFFIX,
  parseRecord,
  scaleShapeOf,
} from './formats/quantized-format.js';
export type { QuantizedRecord } from './formats/quantized-format.js';
export { demoText } from './commands/demo.js';
