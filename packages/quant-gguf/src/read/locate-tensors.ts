import { fail } from '../errors.js';
import { ggmlTensorBytes } from '../format/ggml-types.js';
import type { GgufTensorInfo } from '../format/tensor-info.js';
import type { RawTensorInfo } from './read-tensor-infos.js';

/**
 * Places each tensor in the file and checks the layout: every offset a multiple of the alignment (E_GGUF_ALIGNMENT),
 * all data inside the file (E_GGUF_TRUNCATED), no two tensors sharing a byte (E_GGUF_OVERLAP). ggml itself wants the
 * tensors packed in info order; any order without overlap is accepted here. A tensor of unknown type is given the span
 * up to the next tensor's data (or the end of the file): that is what gets copied.
 */
export function locateTensors(raw: readonly RawTensorInfo[], dataOffset: number, alignment: number, fileSize: number, file: string): GgufTensorInfo[] {
  const dataSize = fileSize - dataOffset;
  for (const t of raw) {
    if (t.offset > BigInt(Math.max(dataSize, 0))) {
      fail('E_GGUF_TRUNCATED', `data at offset ${t.offset} of the data section, which ends after ${Math.max(dataSize, 0)} bytes (the file is ${fileSize} bytes)`, { file, tensor: t.name });
    }
    if (Number(t.offset) % alignment !== 0) fail('E_GGUF_ALIGNMENT', `data offset ${t.offset} is not a multiple of the alignment ${alignment}`, { file, tensor: t.name });
  }
  const starts = [...new Set(raw.map((t) => Number(t.offset)))].sort((a, b) => a - b);
  const nextStart = (offset: number): number => starts.find((s) => s > offset) ?? dataSize;
  const located = raw.map((t): GgufTensorInfo => {
    const offset = Number(t.offset);
    const byteLength = t.type === undefined ? nextStart(offset) - offset : ggmlTensorBytes(t.type, t.elements);
    if (offset + byteLength > dataSize) {
      fail('E_GGUF_TRUNCATED', `${byteLength} bytes of data at file offset ${dataOffset + offset} run past the end of the file (${fileSize} bytes)`, { file, tensor: t.name });
    }
    return { name: t.name, shape: t.shape, typeId: t.typeId, type: t.type, offset, fileOffset: dataOffset + offset, byteLength, elements: t.elements };
  });
  checkOverlaps(located, file);
  return located;
}

function checkOverlaps(tensors: readonly GgufTensorInfo[], file: string): void {
  const byOffset = tensors.filter((t) => t.byteLength > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    const cur = byOffset[i]!;
    if (prev.offset + prev.byteLength > cur.offset) {
      fail('E_GGUF_OVERLAP', `data [${cur.offset}, ${cur.offset + cur.byteLength}) overlaps tensor '${prev.name}' [${prev.offset}, ${prev.offset + prev.byteLength})`, { file, tensor: cur.name });
    }
  }
}
