/**
 * The second thread of the two-thread bandwidth measurement (see two-threads.ts): allocates its own half of the data,
 * then on every go signal reads or copies it with the same probes as the main thread and reports completion.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { addonKernels, JS_KERNELS, type BandwidthAddon, type BandwidthKernels } from './kernels.js';
import { CONTROL, MODE_COPY, STOP } from './protocol.js';

interface WorkerInput {
  readonly control: SharedArrayBuffer;
  readonly floats: number;
  readonly source: 'addon' | 'js';
}

async function kernels(source: 'addon' | 'js'): Promise<BandwidthKernels> {
  if (source === 'js') return JS_KERNELS;
  const { loadNativeAddon } = await import('@quantkit/quant-native');
  const k = addonKernels(loadNativeAddon().addon as BandwidthAddon);
  if (k === undefined) throw new Error('the addon has no benchRead/benchCopy in this thread');
  return k;
}

const input = workerData as WorkerInput;
const control = new Int32Array(input.control);
const k = await kernels(input.source);
const src = new Float32Array(input.floats).fill(1);
const dst = new Float32Array(input.floats).fill(0);
parentPort!.postMessage('ready');
let sink = 0;
for (let generation = 1; ; generation++) {
  Atomics.wait(control, CONTROL.GO, generation - 1);
  if (Atomics.load(control, CONTROL.GO) === STOP) break;
  if (Atomics.load(control, CONTROL.MODE) === MODE_COPY) k.copy(src, dst);
  else sink += k.read(src);
  Atomics.store(control, CONTROL.DONE, generation);
  Atomics.notify(control, CONTROL.DONE);
}
parentPort!.postMessage(sink === -1 ? 'impossible' : 'stopped');
