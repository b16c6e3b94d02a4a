import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { describeGguf, LlamaFtype, type GgufSummary } from '@quantkit/quant-gguf';
import { CliError, toCliError, type CliErrorKind } from '../errors.js';

/*
 * `quant inspect` on GGUF files (llama.cpp models): the header only, no tensor data is read. Per tensor its GGML type,
 * shape, bytes and bits per weight; per file the GGUF version, general.file_type, and the totals by type.
 */

/** The GGUF magic, or a .gguf extension (whose wrong magic is then reported as such). */
export async function isGgufPath(path: string): Promise<boolean> {
  if (extname(path).toLowerCase() === '.gguf') return true;
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return false; // openInput reports it
  }
  try {
    const head = new Uint8Array(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead === 4 && head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46; // "GGUF"
  } catch {
    return false; // a directory, a device...: openInput reports it
  } finally {
    await fh.close();
  }
}

/** The reader's stable codes as the CLI's kinds (exit statuses as `quant gguf` gives them); the GGUF code is kept. */
const KIND_OF: Readonly<Record<string, CliErrorKind>> = {
  E_GGUF_MAGIC: 'BAD_MAGIC',
  E_GGUF_VERSION: 'FORMAT_VERSION',
  E_GGUF_TRUNCATED: 'TRUNCATED',
  E_GGUF_OVERLAP: 'OFFSETS',
  E_GGUF_ALIGNMENT: 'OFFSETS',
  E_GGUF_LIMIT: 'HEADER',
  E_GGUF_DUPLICATE: 'DUPLICATE_NAME',
  E_GGUF_TYPE: 'UNSUPPORTED_DTYPE',
  E_GGUF_METADATA: 'HEADER',
  E_GGUF_SHAPE: 'SHAPE_MISMATCH',
};

function ggufCliError(e: unknown, file: string): CliError {
  if (e instanceof Error && e.name === 'GgufError') {
    const code = (e as Error & { code: string }).code;
    const tensor = (e as Error & { tensor?: string }).tensor;
    return new CliError(KIND_OF[code] ?? 'HEADER', `${e.message} (${code})`, { file, ...(tensor !== undefined ? { tensor } : {}) }, { cause: e });
  }
  return toCliError(e, { file });
}

export interface GgufTypeTotal {
  readonly type: string;
  readonly tensors: number;
  readonly elements: number;
  readonly bytes: number;
}

export interface GgufInspection {
  readonly summary: GgufSummary;
  /** general.file_type and its llama_ftype name (undefined when absent or not a number). */
  readonly fileType: { readonly value: number; readonly name: string | undefined } | undefined;
  readonly elements: number;
  readonly bytes: number;
  /** Per GGML type, largest byte count first. */
  readonly byType: readonly GgufTypeTotal[];
}

const FTYPE_NAMES = new Map<number, string>(Object.entries(LlamaFtype).map(([k, v]) => [v, k.replace(/^(MOSTLY|ALL)_/, '')]));

const elementsOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export async function inspectGguf(path: string): Promise<GgufInspection> {
  let summary: GgufSummary;
  try {
    summary = await describeGguf(path);
  } catch (e) {
    throw ggufCliError(e, path);
  }
  const entry = summary.metadata.get('general.file_type');
  const value = entry !== undefined && typeof entry.value === 'number' ? entry.value : undefined;
  const totals = new Map<string, { tensors: number; elements: number; bytes: number }>();
  for (const t of summary.tensors) {
    const s = totals.get(t.type) ?? { tensors: 0, elements: 0, bytes: 0 };
    s.tensors++;
    s.elements += elementsOf(t.shape);
    s.bytes += t.bytes;
    totals.set(t.type, s);
  }
  const byType = [...totals].map(([type, s]) => ({ type, ...s })).sort((a, b) => b.bytes - a.bytes || a.type.localeCompare(b.type));
  return {
    summary,
    fileType: value === undefined ? undefined : { value, name: FTYPE_NAMES.get(value) },
    elements: byType.reduce((a, t) => a + t.elements, 0),
    bytes: byType.reduce((a, t) => a + t.bytes, 0),
    byType,
  };
}
