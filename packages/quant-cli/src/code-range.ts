import { fail } from './errors.js';
import { checkQuantizedTensor, type QuantizedTensor } from './lib.js';

/*
 * The library's dequantize does not read every code against the tensor's bits and narrowRange (it would cost as much
 * as dequantizing), so a file whose metadata was edited (symmetric 8-bit codes relabelled 4-bit) would dequantize
 * codes up to 127 as if they were valid. A file is untrusted input, and next to reading it from disk one pass over
 * its codes costs nothing measurable: every quantized tensor the CLI reads is checked here.
 */

/** Library codes of checkQuantizedTensor that mean "the codes do not fit the metadata". */
const CODE_PROBLEMS = new Set(['ERR_QUANT_BITS', 'ERR_QUANT_PACKED']);

/**
 * Refuses a quantized tensor read from a file whose codes lie outside the range of its recorded scheme, bits and
 * narrow_range (or whose packed padding bits are set), naming the first bad element: E_DTYPE_MISMATCH, the code of a
 * quantized file whose data disagrees with its metadata. Other problems are left to the library's own checks.
 */
export function checkStoredCodes(qt: QuantizedTensor): void {
  try {
    checkQuantizedTensor(qt);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (!(e instanceof Error) || e.name !== 'QuantError' || typeof code !== 'string' || !CODE_PROBLEMS.has(code)) throw e;
    const what = `${qt.scheme} ${qt.bits}-bit${qt.narrowRange ? ' narrow-range' : ''}${qt.packed ? ' packed' : ''}`;
    fail('DTYPE_MISMATCH', `its codes do not fit the ${what} quantization its metadata records: ${e.message}`);
  }
}
