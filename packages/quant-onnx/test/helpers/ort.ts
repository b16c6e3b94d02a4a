import * as ort from 'onnxruntime-node';
import type { Feed } from './models.js';

/**
 * Runs a model (bytes, or a file: external data is then read beside it) in onnxruntime-node with graph optimizations
 * off (no DequantizeLinear folding) and weight prepacking off, one thread.
 */
export async function runModel(model: Uint8Array | string, feeds: Readonly<Record<string, Feed>>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(model as Uint8Array, {
    graphOptimizationLevel: 'disabled',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    extra: { session: { disable_prepacking: '1' } },
  });
  try {
    const inputs: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) inputs[name] = new ort.Tensor(f.type, f.data, [...f.dims]);
    const results = await session.run(inputs);
    const out: Record<string, Float32Array> = {};
    for (const [name, t] of Object.entries(results)) out[name] = t.data as Float32Array;
    return out;
  } finally {
    await session.release();
  }
}
