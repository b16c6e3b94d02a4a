import type { Backend } from './backend.js';
import { allocateCodes, type StorageSpec } from './storage.js';
import type { FloatArray, IntArray, KernelSpec } from './types.js';

/**
 * fakeQuantize(x) per tensor without error metrics: the backend's quantize kernel into a scratch of codes, then its
 * dequantize kernel into the output, chunk by chunk so the codes are read back while still in cache. The values are
 * those of the fused fakeQuantizeTensor kernel (SPEC §6: dequantize of the quantized codes), which also sums five
 * float64 error terms per element: about half its time, spent for metrics fakeQuantize(x) does not return.
 *
 * The scratch belongs to one API instance and is used only inside this synchronous call (kernels never call back into
 * JavaScript), so no two calls share it; it is never returned to the caller.
 */
export const FAKE_QUANTIZE_CHUNK = 256 * 1024;  // codes stay in L2; a chunk is still long enough to split over threads
/**
 * Larger tensors go in chunks of this many elements through codes of their own: an output chunk of 16 MiB or more is
 * large enough for the native binding's huge-page advice (native/src/binding/output_memory.h), which a 256K chunk is
 * not, and fresh pages cost more than re-reading codes from the last-level cache.
 */
export const FAKE_QUANTIZE_LARGE_CHUNK = 4 * 1024 * 1024;

export class FakeQuantizeScratch {
  private scratch: Int16Array | undefined;

  /** A codes view of `length` elements of the storage's code type over the scratch. */
  private codes(storage: StorageSpec, length: number): IntArray {
    this.scratch ??= new Int16Array(FAKE_QUANTIZE_CHUNK);
    const buffer = this.scratch.buffer as ArrayBuffer;
    if (storage.bits <= 8) return storage.signed ? new Int8Array(buffer, 0, length) : new Uint8Array(buffer, 0, length);
    return storage.signed ? new Int16Array(buffer, 0, length) : new Uint16Array(buffer, 0, length);
  }

  /** out = dequantize(quantize(x)) with one scale and zero point, codes of the unpacked storage type. */
  run(backend: Backend, x: FloatArray, scale: number, zeroPoint: number, spec: KernelSpec, storage: StorageSpec, out: FloatArray): void {
    const small = x.length <= FAKE_QUANTIZE_CHUNK;
    const chunk = small ? x.length : Math.min(x.length, FAKE_QUANTIZE_LARGE_CHUNK);
    const full = small ? this.codes(storage, chunk) : allocateCodes(storage, chunk);
    for (let start = 0; start < x.length; start += chunk) {
      const end = Math.min(start + chunk, x.length);
      const whole = start === 0 && end === x.length;
      const codes = end - start === full.length ? full : full.subarray(0, end - start);
      backend.quantizeTensor(whole ? x : x.subarray(start, end), scale, zeroPoint, spec, codes);
      backend.dequantizeTensor(codes, scale, zeroPoint, whole ? out : out.subarray(start, end));
    }
  }
}
