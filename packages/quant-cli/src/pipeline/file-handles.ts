import { open, type FileHandle } from 'node:fs/promises';
import { toCliError } from '../errors.js';

/**
 * Read-only handles for the input files of a job, opened on first use and closed once the file's last tensor is done,
 * so a job bundling thousands of .npy files never holds more than a few descriptors.
 */
export class InputHandles {
  private readonly handles = new Map<string, Promise<FileHandle>>();
  private readonly remaining = new Map<string, number>();

  /** `uses` counts how many tensors will be read from each file. */
  constructor(uses: Iterable<string>) {
    for (const path of uses) this.remaining.set(path, (this.remaining.get(path) ?? 0) + 1);
  }

  get(path: string): Promise<FileHandle> {
    let h = this.handles.get(path);
    if (h === undefined) {
      h = open(path, 'r').catch((e: unknown) => {
        throw toCliError(e, { file: path });
      });
      h.catch(() => {});
      this.handles.set(path, h);
    }
    return h;
  }

  /** One tensor of `path` is finished; the handle is closed after the last. */
  async done(path: string): Promise<void> {
    const left = (this.remaining.get(path) ?? 1) - 1;
    this.remaining.set(path, left);
    if (left > 0) return;
    const h = this.handles.get(path);
    this.handles.delete(path);
    if (h) await (await h).close().catch(() => {});
  }

  async closeAll(): Promise<void> {
    const all = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(all.map(async (h) => (await h.catch(() => undefined))?.close().catch(() => {})));
  }
}
