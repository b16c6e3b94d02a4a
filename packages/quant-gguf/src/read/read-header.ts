import type { FileHandle } from 'node:fs/promises';
import { fail } from '../errors.js';
import { DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION } from '../format/limits.js';
import type { GgufMetadata } from '../format/metadata-values.js';
import type { GgufTensorInfo } from '../format/tensor-info.js';
import { ByteReader } from './byte-reader.js';
import { locateTensors } from './locate-tensors.js';
import { readMetadata } from './read-metadata.js';
import { readTensorInfos } from './read-tensor-infos.js';

export interface GgufHeader {
  /** 2 or 3 (both little-endian; 3 only added big-endian files, which are refused). */
  readonly version: number;
  readonly metadata: GgufMetadata;
  readonly tensors: readonly GgufTensorInfo[];
  /** `general.alignment`, or 32. */
  readonly alignment: number;
  /** File offset of the data section (the end of the tensor infos, aligned). */
  readonly dataOffset: number;
  readonly fileSize: number;
}

export interface ReadHeaderOptions {
  /** Refuse tensors of a type this package does not know (E_GGUF_TYPE) instead of copying them through. */
  readonly strict?: boolean;
}

async function readMagic(r: ByteReader, file: string): Promise<void> {
  const have = Math.min(4, r.remaining);
  const magic = Buffer.from(await r.bytes(have, 'the magic')).toString('latin1');
  if (have === 0 || magic !== GGUF_MAGIC.slice(0, have)) fail('E_GGUF_MAGIC', `not a GGUF file: it starts with ${JSON.stringify(magic)}, not "GGUF"`, { file });
  if (have < 4) fail('E_GGUF_TRUNCATED', `the file ends at byte ${r.fileSize}, inside the magic`, { file });
}

async function readVersion(r: ByteReader, file: string): Promise<number> {
  const version = await r.u32('the version');
  if (version === 1) fail('E_GGUF_VERSION', 'GGUF version 1 is not supported (ggml dropped it too): convert the model again', { file });
  if (version !== 0 && (version & 0xffff) === 0) fail('E_GGUF_VERSION', `version reads as ${version} (0x${version.toString(16)}): a big-endian file, which is not supported`, { file });
  if (version < 2 || version > GGUF_VERSION) fail('E_GGUF_VERSION', `GGUF version ${version} is not supported (2 and 3 are)`, { file });
  return version;
}

function alignmentOf(metadata: GgufMetadata, file: string): number {
  const entry = metadata.get('general.alignment');
  if (entry === undefined) return DEFAULT_ALIGNMENT;
  if (entry.type !== 'uint32') fail('E_GGUF_ALIGNMENT', `general.alignment must be a uint32, got a ${entry.type}`, { file });
  const a = entry.value;
  if (a === 0 || (a & (a - 1)) !== 0) fail('E_GGUF_ALIGNMENT', `general.alignment ${a} is not a power of 2`, { file });
  return a;
}

/** Reads and checks a GGUF header: magic, version, metadata, tensor infos, and where every tensor's data lies. */
export async function readGgufHeader(fh: FileHandle, file: string, options: ReadHeaderOptions = {}): Promise<GgufHeader> {
  const { size: fileSize } = await fh.stat();
  const r = new ByteReader(fh, fileSize, file);
  await readMagic(r, file);
  const version = await readVersion(r, file);
  const tensorCount = await r.u64('the tensor count');
  const metadataCount = await r.u64('the metadata count');
  const metadata = await readMetadata(r, metadataCount, file);
  const alignment = alignmentOf(metadata, file);
  const raw = await readTensorInfos(r, tensorCount, file, options.strict === true);
  const dataOffset = Math.ceil(r.pos / alignment) * alignment;
  if (raw.length > 0 && dataOffset > fileSize) fail('E_GGUF_TRUNCATED', `the file ends at byte ${fileSize}, before its data section (at ${dataOffset})`, { file });
  const tensors = locateTensors(raw, dataOffset, alignment, fileSize, file);
  return { version, metadata, tensors, alignment, dataOffset, fileSize };
}
