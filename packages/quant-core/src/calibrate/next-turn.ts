/*
 * A turn of the event loop for work that runs in chunks on the JavaScript thread. Core has no Node.js or DOM types and
 * runs anywhere, so the scheduler is found at run time: setImmediate (Node.js, Bun) runs after pending I/O callbacks;
 * a MessageChannel message (browsers, Deno, workers) is a task without the 4 ms clamp that nested setTimeout calls
 * get; setTimeout(0) is the last resort.
 */

interface Port {
  onmessage: (() => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

interface Scheduling {
  setImmediate?: (callback: () => void) => unknown;
  MessageChannel?: new () => { port1: Port; port2: Port };
  setTimeout?: (callback: () => void, ms: number) => unknown;
}

const scheduling = globalThis as unknown as Scheduling;

/** Resolves on a later task of the event loop, so that timers, I/O and signal handlers get their turn first. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof scheduling.setImmediate === 'function') {
      scheduling.setImmediate(resolve);
    } else if (typeof scheduling.MessageChannel === 'function') {
      // One channel per turn, closed at once: an open port would keep some runtimes alive.
      const { port1, port2 } = new scheduling.MessageChannel();
      port1.onmessage = () => {
        port1.close();
        resolve();
      };
      port2.postMessage(null);
    } else if (typeof scheduling.setTimeout === 'function') {
      scheduling.setTimeout(resolve, 0);
    } else {
      resolve(); // no scheduler at all: a microtask is all there is
    }
  });
}
