#!/usr/bin/env node
/*
 * The `quant` executable. The libuv pool runs file reads and writes and (with the native library) quantization;
 * give it room for --threads tensors plus a read, a write and a background flush before anything uses it (it is
 * sized on first use).
 */
import { availableParallelism } from 'node:os';

if (process.env.UV_THREADPOOL_SIZE === undefined) {
  const i = process.argv.findIndex((a) => a === '--threads' || a.startsWith('--threads='));
  const raw = i < 0 ? undefined : process.argv[i]!.includes('=') ? process.argv[i]!.split('=')[1] : process.argv[i + 1];
  const threads = raw === undefined ? Math.min(availableParallelism(), 8) : Number(raw);
  if (Number.isInteger(threads) && threads + 3 > 4) process.env.UV_THREADPOOL_SIZE = String(Math.min(threads + 3, 1024));
}

// A reader that stops early (`quant compare model.safetensors | head`) is not an error: stop quietly, as `head` asked.
// The 'exit' hook still removes any temporary output.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
