/** A growable little-endian byte buffer for the header. */
export class ByteBuilder {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): number {
    if (this.length + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  put(n: number, set: (view: DataView, at: number) => void): void {
    set(this.view, this.reserve(n));
  }

  u32(v: number): void {
    this.put(4, (view, at) => view.setUint32(at, v, true));
  }

  u64(v: number | bigint): void {
    this.put(8, (view, at) => view.setBigUint64(at, BigInt(v), true));
  }

  bytes(b: Uint8Array): void {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
  }

  /** A gguf_string_t: u64 byte length, UTF-8 bytes. */
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.bytes(b);
  }

  zeros(n: number): void {
    this.reserve(n); // fresh buffer bytes are zero; grown ones are copied only up to `length`
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
