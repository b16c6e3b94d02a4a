import { writeFileSync } from 'node:fs';

/*
 * A small GGUF v3 file written as the format's spec lays it out (ggml's docs/gguf.md): "GGUF", version 3, tensor and
 * key-value counts, key-value pairs, tensor infos (name, dims innermost first, ggml type, offset), padding to the
 * alignment (32), then the tensors' data, each at an aligned offset. F32 tensors only; seeded values.
 */

export interface GgufTensor {
  readonly name: string;
  /** ggml order: ne[0] (the row length) first. */
  readonly dims: readonly number[];
}

const ALIGNMENT = 32;

class Bytes {
  readonly parts: Buffer[] = [];
  length = 0;

  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }

  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }

  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }

  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }

  pad(): void {
    const extra = (ALIGNMENT - (this.length % ALIGNMENT)) % ALIGNMENT;
    if (extra > 0) this.push(Buffer.alloc(extra));
  }
}

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * (i % 61 === 0 ? 3 : 1);
  }
  return out;
}

export function writeGguf(path: string, tensors: readonly GgufTensor[], seed = 1): void {
  const out = new Bytes();
  out.push(Buffer.from('GGUF'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(1);
  out.string('general.architecture');
  out.u32(8); // string
  out.string('llama');
  const data = tensors.map((t, i) => Buffer.from(values(t.dims.reduce((a, b) => a * b, 1), seed * 100 + i + 1).buffer));
  let offset = 0;
  tensors.forEach((t, i) => {
    out.string(t.name);
    out.u32(t.dims.length);
    for (const d of t.dims) out.u64(d);
    out.u32(0); // F32
    out.u64(offset);
    offset += Math.ceil(data[i]!.length / ALIGNMENT) * ALIGNMENT;
  });
  out.pad();
  for (const d of data) {
    out.push(d);
    out.pad();
  }
  writeFileSync(path, Buffer.concat(out.parts));
}
