/** The public API under test plus small test utilities that read it back. */
import { kernels, type IntArray, type QuantizedTensor } from '../../src/index.js';

export * from '../../src/index.js';

/** Integer codes of a tensor, unpacked if it is packed. */
export function unpackCodes(qt: QuantizedTensor): IntArray {
  if (!qt.packed) return qt.data;
  const n = qt.shape.reduce((a, b) => a * b, 1);
  const out = qt.scheme === 'symmetric' ? new Int8Array(n) : new Uint8Array(n);
  kernels.unpack(qt.data as Uint8Array, qt.bits as 2 | 4, qt.scheme === 'symmetric', out);
  return out;
}

/** The `code` of what fn throws, or undefined when it returns. */
export function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}
