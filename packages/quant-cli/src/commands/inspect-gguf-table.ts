import { formatBytes } from '../progress.js';
import { renderTable } from '../table.js';
import type { GgufInspection } from './inspect-gguf.js';

/*
 * The text and JSON of `quant inspect` for a GGUF file: a table of tensors (name, GGML type, shape in ggml's order,
 * bytes, bits per weight), then the totals by type and for the file.
 */

const bpw = (bytes: number, elements: number): string => (elements > 0 ? ((bytes * 8) / elements).toFixed(2) : '-');

export function renderGgufInspection(g: GgufInspection): string {
  const { summary } = g;
  const tensors = renderTable(
    ['name', 'type', 'shape', 'bytes', 'bits/weight'],
    summary.tensors.map((t) => [t.name, t.type, `[${t.shape.join(', ')}]`, String(t.bytes), Number.isFinite(t.bitsPerWeight) ? t.bitsPerWeight.toFixed(2) : '-']),
    new Set([3, 4]),
  );
  const types = renderTable(
    ['type', 'tensors', 'elements', 'bytes', 'bits/weight'],
    g.byType.map((t) => [t.type, String(t.tensors), String(t.elements), formatBytes(t.bytes), bpw(t.bytes, t.elements)]),
    new Set([1, 2, 3, 4]),
  );
  const fileType = g.fileType === undefined ? 'no general.file_type' : `file type ${g.fileType.name ?? 'unknown'} (${g.fileType.value})`;
  const head = `GGUF v${summary.version}, ${fileType}, ${summary.tensors.length} tensors, ${g.elements} weights in ${formatBytes(g.bytes)}: ${bpw(g.bytes, g.elements)} bits/weight (file ${formatBytes(summary.fileSize)}, ${summary.metadata.size} metadata keys, alignment ${summary.alignment})`;
  return `${head}\n\n${tensors}\n\n${types}`;
}

export function ggufInspectionJson(g: GgufInspection): Record<string, unknown> {
  const { summary } = g;
  return {
    format: 'gguf',
    version: summary.version,
    alignment: summary.alignment,
    fileSize: summary.fileSize,
    metadataKeys: summary.metadata.size,
    fileType: g.fileType === undefined ? null : { value: g.fileType.value, name: g.fileType.name ?? null },
    elements: g.elements,
    bytes: g.bytes,
    bitsPerWeight: g.elements > 0 ? (g.bytes * 8) / g.elements : null,
    types: g.byType.map((t) => ({ ...t, bitsPerWeight: t.elements > 0 ? (t.bytes * 8) / t.elements : null })),
    tensors: summary.tensors.map((t) => ({
      name: t.name,
      type: t.type,
      typeId: t.typeId,
      shape: t.shape,
      offset: t.offset,
      bytes: t.bytes,
      bitsPerWeight: Number.isFinite(t.bitsPerWeight) ? t.bitsPerWeight : null,
    })),
  };
}
