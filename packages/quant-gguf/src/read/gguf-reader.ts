import { open, type FileHandle } from 'node:fs/promises';
import { GgufError } from '../errors.js';
import type { GgufTensorInfo } from '../format/tensor-info.js';
import { readFully } from '../io/read-at.js';
import { readGgufHeader, type GgufHeader, type ReadHeaderOptions } from './read-header.js';

/**
 * An open GGUF file: its header in memory, its tensor data read on demand by offset (never the whole file).
 * close() when done.
 */
export class GgufReader {
  private constructor(
    readonly path: string,
    readonly header: GgufHeader,
    private readonly fh: FileHandle,
  ) {}

  static async open(path: string, options: ReadHeaderOptions = {}): Promise<GgufReader> {
    const fh = await open(path, 'r');
    try {
      return new GgufReader(path, await readGgufHeader(fh, path, options), fh);
    } catch (e) {
      await fh.close();
      throw e instanceof GgufError ? e.locate({ file: path }) : e;
    }
  }

  get tensors(): readonly GgufTensorInfo[] {
    return this.header.tensors;
  }

  tensor(name: string): GgufTensorInfo | undefined {
    return this.header.tensors.find((t) => t.name === name);
  }

  /** `length` bytes of the tensor's data from byte `start` of it (default: all of it), into `target` if given. */
  async readTensorBytes(tensor: GgufTensorInfo, start = 0, length = tensor.byteLength - start, target?: Uint8Array): Promise<Uint8Array> {
    if (!(start >= 0 && length >= 0 && start + length <= tensor.byteLength)) {
      throw new RangeError(`bytes [${start}, ${start + length}) are outside tensor '${tensor.name}' (${tensor.byteLength} bytes)`);
    }
    const out = target?.subarray(0, length) ?? new Uint8Array(length);
    await readFully(this.fh, out, tensor.fileOffset + start, this.path, tensor.name);
    return out;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** Opens a GGUF file: reads and checks its header; tensor data stays on disk until asked for. */
export function openGguf(path: string, options: ReadHeaderOptions = {}): Promise<GgufReader> {
  return GgufReader.open(path, options);
}
