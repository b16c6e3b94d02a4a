import { describe, expect, it } from 'vitest';
import { ChunkPipeline } from '../src/requantize/chunk-pipeline.js';
import type { GgufWriter } from '../src/write/gguf-writer.js';

/** A writer that records what it is given, in order. */
function recordingWriter(): { writer: GgufWriter; written: number[] } {
  const written: number[] = [];
  const writer = { write: async (bytes: Uint8Array) => void written.push(bytes[0]!) } as unknown as GgufWriter;
  return { writer, written };
}

/** A chunk settled by hand: its promise, and resolve / reject. */
function deferred(): { promise: Promise<Uint8Array>; resolve: (v: number) => void; reject: (e: Error) => void } {
  let resolve!: (v: number) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<Uint8Array>((res, rej) => {
    resolve = (v) => res(Uint8Array.of(v));
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ChunkPipeline', () => {
  it('writes chunks in the order they were queued, across tensors, whatever order they finish in', async () => {
    const { writer, written } = recordingWriter();
    const pipeline = new ChunkPipeline(writer, 3);
    const events: string[] = [];
    const chunks = [0, 1, 2, 3, 4].map(() => deferred());
    // Tensor a: chunks 0, 1; tensor b: chunks 2, 3, 4. The later ones finish first.
    for (const c of [4, 3, 2, 1, 0]) chunks[c]!.resolve(c);
    await pipeline.push(chunks[0]!.promise, 'a', () => events.push('a0'));
    await pipeline.push(chunks[1]!.promise, 'a', () => events.push('a1 done'));
    await pipeline.push(chunks[2]!.promise, 'b', () => events.push('b2'));
    expect(written).toEqual([]); // up to `depth` chunks stay queued: tensor b is queued before tensor a is written
    await pipeline.push(chunks[3]!.promise, 'b', () => events.push('b3'));
    expect(written).toEqual([0]);
    await pipeline.push(chunks[4]!.promise, 'b', () => events.push('b4 done'));
    await pipeline.drain();
    expect(written).toEqual([0, 1, 2, 3, 4]);
    expect(events).toEqual(['a0', 'a1 done', 'b2', 'b3', 'b4 done']);
  });

  it('names the tensor of a chunk that failed, writes nothing after it, and settles the others', async () => {
    const { writer, written } = recordingWriter();
    const pipeline = new ChunkPipeline(writer, 2);
    const [a, b, c] = [deferred(), deferred(), deferred()];
    await pipeline.push(a.promise, 'first', () => {});
    await pipeline.push(b.promise, 'second', () => {});
    a.resolve(1);
    b.reject(new Error('NaN in second'));
    c.resolve(3);
    await pipeline.push(c.promise, 'third', () => {}); // three queued, depth 2: writes the first
    expect(written).toEqual([1]);
    await expect(pipeline.drain()).rejects.toThrow('NaN in second');
    expect(pipeline.failedTensor).toBe('second');
    await pipeline.settle();
    expect(written).toEqual([1]);
  });
});
