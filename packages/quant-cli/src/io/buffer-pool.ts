/**
 * Reusable ArrayBuffers for tensor data, so a batch of same-sized tensors allocates once per concurrent slot instead of
 * once per tensor. Buffers are aligned for any typed array (an ArrayBuffer starts 8-byte aligned).
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  /** maxFree bounds what the pool keeps between uses (memory held while idle). */
  constructor(private readonly maxFree = 4) {}

  /** A buffer of at least `bytes` bytes (contents undefined). */
  acquire(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i]!.byteLength;
      if (size >= bytes && (best < 0 || size < this.free[best]!.byteLength)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    return new ArrayBuffer(Math.max(bytes, 8));
  }

  /** Gives a buffer back; a detached buffer (transferred elsewhere) is dropped. */
  release(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0) return;
    this.free.push(buffer);
    if (this.free.length > this.maxFree) {
      // Drop the smallest: the large ones are the expensive ones to allocate again.
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i]!.byteLength < this.free[smallest]!.byteLength) smallest = i;
      this.free.splice(smallest, 1);
    }
  }
}
