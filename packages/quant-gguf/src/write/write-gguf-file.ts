import type { GgufMetadata } from '../format/metadata-values.js';
import { checkTarget, writeAtomically } from '../io/atomic-file.js';
import { GgufWriter } from './gguf-writer.js';

export interface GgufTensorData {
  readonly name: string;
  /** ggml's ne order: shape[0] is the row length. */
  readonly shape: readonly number[];
  readonly typeId: number;
  /** The tensor's bytes as ggml stores them. */
  readonly data: Uint8Array;
}

export interface WriteGgufFileOptions {
  /** Replace an existing file (default: E_GGUF_OUTPUT_EXISTS). */
  readonly force?: boolean;
}

/** Writes a whole GGUF v3 file from tensors in memory (atomically: a temporary file renamed into place). */
export async function writeGgufFile(path: string, metadata: GgufMetadata, tensors: readonly GgufTensorData[], options: WriteGgufFileOptions = {}): Promise<void> {
  await checkTarget(path, options.force === true);
  await writeAtomically(path, async (fh, flush) => {
    const writer = await GgufWriter.begin(fh, metadata, tensors.map((t) => ({ name: t.name, shape: t.shape, typeId: t.typeId, byteLength: t.data.length })), flush);
    for (const t of tensors) await writer.write(t.data);
    writer.finish();
  });
}
