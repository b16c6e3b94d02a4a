/*
 * GGUF bytes written by hand, independently of the package's writer: hostile inputs are built from these pieces.
 */

export class Raw {
  private parts: Buffer[] = [];

  get length(): number {
    return this.parts.reduce((a, p) => a + p.length, 0);
  }

  bytes(b: Uint8Array | string): this {
    this.parts.push(typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b));
    return this;
  }

  u8(v: number): this {
    return this.bytes(Uint8Array.of(v));
  }

  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return this.bytes(b);
  }

  u64(v: number | bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    return this.bytes(b);
  }

  f32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    return this.bytes(b);
  }

  str(s: string | Uint8Array): this {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s);
    return this.u64(b.length).bytes(b);
  }

  /** Magic, version, tensor count, metadata count. */
  header(version: number, tensors: number | bigint, kvs: number | bigint): this {
    return this.bytes('GGUF').u32(version).u64(tensors).u64(kvs);
  }

  kvU32(key: string, v: number): this {
    return this.str(key).u32(4).u32(v);
  }

  kvString(key: string, v: string): this {
    return this.str(key).u32(8).str(v);
  }

  tensorInfo(name: string, shape: readonly number[], type: number, offset: number | bigint): this {
    this.str(name).u32(shape.length);
    for (const d of shape) this.u64(d);
    return this.u32(type).u64(offset);
  }

  /** Zero bytes up to the next multiple of `alignment`. */
  pad(alignment = 32): this {
    const n = (alignment - (this.length % alignment)) % alignment;
    return this.bytes(new Uint8Array(n));
  }

  zeros(n: number): this {
    return this.bytes(new Uint8Array(n));
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}
