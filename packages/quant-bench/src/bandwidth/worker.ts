/**
 * The second thread of the two-thread bandwidth measurement (see measure.ts): allocates its own half of the data,
 * then on every go signal reads or copies it with the same probes as the main thread and reports completion.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { JS_KERNELS, loadProbes, type BandwidthKernels } from './kernels.js';
import { CONTROL, MODE_COPY, STOP } from './protocol.js';

interface WorkerInput {
  readonly control: SharedArrayBuffer;
  readonly floats: number;
  readonly source: 'addon' | 'js';
}

function kernels(source: 'addon' | 'js'): BandwidthKernels {
  if (source === 'js') return JS_KERNELS;
  const probes = loadProbes();
  if (!probes.ok) throw new Error(`the native probes did not load in the worker: ${probes.reason}`);
  return probes.kernels;
}

const input = workerData as WorkerInput;
const control = new Int32Array(input.control);
const k = kernels(input.source);
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
