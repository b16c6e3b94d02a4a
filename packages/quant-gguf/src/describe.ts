import { ggmlTypeName } from './format/ggml-types.js';
import type { GgufMetadata } from './format/metadata-values.js';
import { GgufReader } from './read/gguf-reader.js';
import type { ReadHeaderOptions } from './read/read-header.js';

export interface GgufTensorSummary {
  readonly name: string;
  /** ggml's type name ("Q4_K"), or "TYPE_<id>" for an unknown id. */
  readonly type: string;
  readonly typeId: number;
  /** ggml's ne order: shape[0] is the row length. */
  readonly shape: readonly number[];
  /** Offset of the data from the start of the file. */
  readonly offset: number;
  readonly bytes: number;
  /** bytes * 8 / elements (NaN for a tensor without elements). */
  readonly bitsPerWeight: number;
}

export interface GgufSummary {
  readonly version: number;
  readonly alignment: number;
  readonly metadata: GgufMetadata;
  readonly tensors: readonly GgufTensorSummary[];
  readonly fileSize: number;
}

/** The header of a GGUF file, summarized per tensor (`quant inspect` style). Reads the header only. */
export async function describeGguf(path: string, options: ReadHeaderOptions = {}): Promise<GgufSummary> {
  const reader = await GgufReader.open(path, options);
  try {
    const { version, alignment, metadata, tensors, fileSize } = reader.header;
    return {
      version,
      alignment,
      metadata,
      fileSize,
      tensors: tensors.map((t) => ({
        name: t.name,
        type: ggmlTypeName(t.typeId),
        typeId: t.typeId,
        shape: t.shape,
        offset: t.fileOffset,
        bytes: t.byteLength,
        bitsPerWeight: (t.byteLength * 8) / t.elements,
      })),
    };
  } finally {
    await reader.close();
  }
}
