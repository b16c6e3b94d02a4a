/** Slots of the shared Int32Array that synchronises the two-thread bandwidth measurement. */
export const CONTROL = {
  /** Generation number of the current repetition, written by the main thread; STOP ends the worker. */
  GO: 0,
  /** Last generation the worker finished. */
  DONE: 1,
  /** MODE_READ or MODE_COPY. */
  MODE: 2,
} as const;

export const CONTROL_SLOTS = 3;
export const MODE_READ = 0;
export const MODE_COPY = 1;
export const STOP = -1;
