import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { OnnxError, OnnxErrorCodes } from './errors.js';
import { externalRef } from './external-data.js';
import { forEachGraph } from './graph-walk.js';
import { DataType, type GraphProto, type TensorProto } from './onnx.js';
import { isExternal, type TensorData } from './tensor-data.js';

/** Bits per element of the fixed-size ONNX types (strings have no fixed size). */
const ELEMENT_BITS: Partial<Record<DataType, number>> = {
  [DataType.FLOAT]: 32, [DataType.UINT8]: 8, [DataType.INT8]: 8, [DataType.UINT16]: 16, [DataType.INT16]: 16,
  [DataType.INT32]: 32, [DataType.INT64]: 64, [DataType.BOOL]: 8, [DataType.FLOAT16]: 16, [DataType.DOUBLE]: 64,
  [DataType.UINT32]: 32, [DataType.UINT64]: 64, [DataType.COMPLEX64]: 64, [DataType.COMPLEX128]: 128, [DataType.BFLOAT16]: 16,
  [DataType.FLOAT8E4M3FN]: 8, [DataType.FLOAT8E4M3FNUZ]: 8, [DataType.FLOAT8E5M2]: 8, [DataType.FLOAT8E5M2FNUZ]: 8,
  [DataType.UINT4]: 4, [DataType.INT4]: 4, [DataType.FLOAT4E2M1]: 4,
};

/** The payload size the dims and type imply (sub-byte types padded to whole bytes), if the type has a fixed size. */
export function impliedBytes(t: TensorProto): number | undefined {
  const bits = ELEMENT_BITS[t.dataType as DataType];
  if (bits === undefined) return undefined;
  const elements = t.dims.reduce((p, d) => p * Number(d), 1);
  return Math.ceil((elements * bits) / 8);
}

/** A checked external reference: the file, and the byte range in it. */
export interface ExternalSpan {
  readonly fd: number;
  readonly path: string;
  readonly offset: number;
  readonly length: number;
}

/**
 * Reads initializers' external data from files in the model's folder, one tensor at a time (readSync into a fresh
 * buffer: memory holds one tensor, never the file). Every reference is checked before anything is written: the location
 * must stay inside the folder (no absolute paths, no '..' out of it, no symlink out of it), the file must exist, and
 * offset + length must fit in it.
 */
export class ExternalDataReader implements TensorData {
  private readonly files = new Map<string, { fd: number; size: number; path: string }>();
  private readonly realDir: string;

  constructor(private readonly dir: string) {
    this.realDir = realpathSync(dir);
  }

  private open(t: TensorProto, location: string): { fd: number; size: number; path: string } {
    const cached = this.files.get(location);
    if (cached !== undefined) return cached;
    if (location.includes('\0') || isAbsolute(location) || /^[a-zA-Z]:/.test(location)) {
      throw new OnnxError(OnnxErrorCodes.EXTERNAL_DATA_PATH, `external data location '${location}' is absolute; it must be relative to the model's folder`, { tensor: t.name });
    }
    const path = resolve(this.dir, location);
    const escapes = (from: string, to: string) => {
      const rel = relative(from, to);
      return rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
    };
    if (escapes(resolve(this.dir), path)) {
      throw new OnnxError(OnnxErrorCodes.EXTERNAL_DATA_PATH, `external data location '${location}' leads outside the model's folder (path traversal)`, { tensor: t.name });
    }
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      throw new OnnxError(OnnxErrorCodes.EXTERNAL_DATA_MISSING, `external data file '${location}' does not exist (next to the model)`, { tensor: t.name });
    }
    if (escapes(this.realDir, real)) {
      throw new OnnxError(OnnxErrorCodes.EXTERNAL_DATA_PATH, `external data location '${location}' is a link leading outside the model's folder`, { tensor: t.name });
    }
    const fd = openSync(real, 'r');
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      closeSync(fd);
      throw new OnnxError(OnnxErrorCodes.EXTERNAL_DATA_MISSING, `external data '${location}' is not a regular file`, { tensor: t.name });
    }
    const opened = { fd, size: stat.size, path: real };
    this.files.set(location, opened);
    return opened;
  }

  /** Checks one tensor's reference and returns its span. */
  span(t: TensorProto): ExternalSpan {
    const ref = externalRef(t);
    const file = this.open(t, ref.location);
    const implied = impliedBytes(t);
    const length = ref.length ?? implied ?? file.size - ref.offset;
    if (implied !== undefined && length !== implied) {
      throw new OnnxError(OnnxErrorCodes.EXTERNAL_DATA_SHORT, `external data length ${length} disagrees with dims [${t.dims.join(', ')}], which need ${implied} bytes`, { tensor: t.name });
    }
    if (ref.offset + length > file.size) {
      throw new OnnxError(
        OnnxErrorCodes.EXTERNAL_DATA_SHORT,
        `external data file '${ref.location}' has ${file.size} bytes, but the tensor needs bytes ${ref.offset}..${ref.offset + length}`,
        { tensor: t.name },
      );
    }
    return { fd: file.fd, path: file.path, offset: ref.offset, length };
  }

  /** Checks every external initializer of the graph and its subgraphs (before any output is written). */
  checkAll(root: GraphProto): void {
    forEachGraph(root, (graph) => {
      for (const t of graph.initializer) if (isExternal(t)) this.span(t);
    });
  }

  /**
   * The tensor's payload in a buffer this reader reuses (aligned, grown to the largest tensor read): valid until the
   * next call. Callers consume it at once (quantize it), so memory holds one weight and pages are not faulted in anew
   * for every tensor.
   */
  externalBytes(t: TensorProto): Uint8Array {
    const span = this.span(t);
    if (this.scratch.byteLength < span.length) this.scratch = new Uint8Array(span.length);
    const out = this.scratch.subarray(0, span.length);
    readFully(span.fd, out, span.offset);
    return out;
  }

  private scratch = new Uint8Array(0);

  close(): void {
    for (const { fd } of this.files.values()) closeSync(fd);
    this.files.clear();
  }
}

/** readSync until `into` is full (reads may return less than asked). */
export function readFully(fd: number, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.byteLength) {
    const n = readSync(fd, into, done, into.byteLength - done, position + done);
    if (n === 0) throw new OnnxError(OnnxErrorCodes.EXTERNAL_DATA_SHORT, `external data file ended after ${position + done} bytes while reading`);
    done += n;
  }
}
