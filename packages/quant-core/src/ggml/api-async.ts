import { checkSignal, throwIfAborted, type AsyncOptions } from '../abort.js';
import type { AsyncBackend } from '../api-async.js';
import { attached } from '../attached.js';
import { optionsObject } from '../options.js';
import { checkFixedLength } from '../views.js';
import { blocksOf, planDequantizeBlocks, planQuantizeBlocks, type GgmlBlocks, type GgmlDequantizeOptions, type GgmlQuantizeOptions } from './api.js';

/*
 * The async twins of quantizeBlocks / dequantizeBlocks: the same checks, errors and bytes (ggml/api.ts), the blocks
 * computed by the backend's async kernels, so on the native backend the JavaScript thread is free while its threads
 * work (a GGUF re-quantizer reads the next rows meanwhile). The memory rules of the other async calls hold (SPEC §8):
 * no views of resizable buffers; an array detached while the call runs makes it reject with ERR_QUANT_DETACHED.
 */

export interface GgmlAsyncApi {
  quantizeBlocksAsync(x: Float32Array | Uint16Array, options: GgmlQuantizeOptions & AsyncOptions): Promise<GgmlBlocks>;
  dequantizeBlocksAsync(qb: GgmlBlocks, options?: GgmlDequantizeOptions & AsyncOptions): Promise<Float32Array>;
}

type GgmlAsyncKernels = Pick<AsyncBackend, 'ggmlQuantizeAsync' | 'ggmlQuantizeHalfAsync' | 'ggmlDequantizeAsync'>;

export function createGgmlAsyncApi(backend: GgmlAsyncKernels): GgmlAsyncApi {
  async function quantizeBlocksAsync(x: Float32Array | Uint16Array, options: GgmlQuantizeOptions & AsyncOptions): Promise<GgmlBlocks> {
    const signal = checkSignal(optionsObject(options, 'quantizeBlocksAsync').signal);
    throwIfAborted(signal);
    const p = planQuantizeBlocks(x, options, 'quantizeBlocksAsync', ['format', 'shape', 'dtype', 'out', 'signal']);
    checkFixedLength(p.input, 'x', 'input');
    if (options.out !== undefined) checkFixedLength(p.data, 'out', 'output');
    const bad = await attached([p.input, p.data], 'quantizeBlocksAsync', signal, () =>
      p.half === undefined ? backend.ggmlQuantizeAsync(p.input as Float32Array, p.format, p.data, { signal }) : backend.ggmlQuantizeHalfAsync(p.input as Uint16Array, p.half, p.format, p.data, { signal }),
    );
    return blocksOf(p, bad);
  }

  async function dequantizeBlocksAsync(qb: GgmlBlocks, options?: GgmlDequantizeOptions & AsyncOptions): Promise<Float32Array> {
    const signal = checkSignal(optionsObject(options, 'dequantizeBlocksAsync').signal);
    throwIfAborted(signal);
    const p = planDequantizeBlocks(qb, options, 'dequantizeBlocksAsync', ['out', 'signal']);
    checkFixedLength(p.data, 'data', 'input');
    if (options?.out !== undefined) checkFixedLength(p.out, 'out', 'output');
    await attached([p.data, p.out], 'dequantizeBlocksAsync', signal, () => backend.ggmlDequantizeAsync(p.data, p.format, p.out, { signal }));
    return p.out;
  }

  return { quantizeBlocksAsync, dequantizeBlocksAsync };
}
