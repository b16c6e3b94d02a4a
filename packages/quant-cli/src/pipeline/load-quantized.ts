import type { FileHandle } from 'node:fs/promises';
import type { QuantizedEntry } from '../formats/quantized-file.js';
import { readRowMajor, readValues } from '../formats/read-tensor.js';
import { loadedScales } from '../formats/scale-tensor.js';
import type { BufferPool } from '../io/buffer-pool.js';
import { codeArrayOf, type CodeDtype } from '../formats/dtypes.js';
import type { QuantizedTensor } from '../lib.js';

/** Reads a quantized tensor back into the library's QuantizedTensor (codes borrowed from the pool until release()). */
export async function loadQuantized(fh: FileHandle, entry: QuantizedEntry, pool: BufferPool): Promise<{ qt: QuantizedTensor; release(): void }> {
  const r = entry.record;
  const codes = await readRowMajor(fh, entry.codes, pool);
  try {
    const stored = await readValues(fh, entry.scale, pool);
    const { scales, dtype } = loadedScales(stored);
    stored.release();
    const zpRaw = await readRowMajor(fh, entry.zeroPoint, pool);
    const zps = Int32Array.from(codeArrayOf(entry.zeroPoint.dtype as CodeDtype, zpRaw.data));
    zpRaw.release();
    const qt: QuantizedTensor = {
      data: codeArrayOf(entry.codes.dtype as CodeDtype, codes.data),
      scale: r.granularity === 'tensor' ? scales[0]! : scales,
      zeroPoint: r.granularity === 'tensor' ? zps[0]! : zps,
      scheme: r.scheme,
      bits: r.bits,
      shape: r.shape,
      ...(r.axis !== null ? { axis: r.axis } : {}),
      ...(r.block_size !== null ? { blockSize: r.block_size } : {}),
      packed: r.packed,
      narrowRange: r.narrow_range,
      profile: r.profile,
      // Half scales (format version 2) make a half tensor; F32 scales (version 1) a float32 one, as they were written.
      dtype,
    };
    return { qt, release: codes.release };
  } catch (e) {
    codes.release();
    throw e;
  }
}
