/*
 * Stand-ins for the Node built-ins that the modules of the browser bundle name (wasm-entry.ts), so that the bundle
 * has none: the conformance corpus comes from globalThis.__QUANT_CORPUS__ (the page fetches its JSON files before
 * importing the bundle); createRequire gives a require that finds nothing (the adapter's native path, unused with an
 * injected backend).
 */
const corpus = (): Record<string, string> => (globalThis as { __QUANT_CORPUS__?: Record<string, string> }).__QUANT_CORPUS__ ?? {};
const base = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

export function readFileSync(path: string): string {
  const text = corpus()[base(String(path))];
  if (text === undefined) throw new Error(`browser bundle: ${String(path)} is not in the corpus the page loaded`);
  return text;
}
export function readdirSync(): string[] {
  return Object.keys(corpus());
}
export function copyFileSync(): never {
  throw new Error('browser bundle: no file system');
}
export const mkdirSync = copyFileSync;
export function fileURLToPath(url: string | URL): string {
  return new URL(url).pathname;
}
export function join(...parts: string[]): string {
  return parts.join('/');
}
export function createRequire(): (id: string) => never {
  return (id: string) => {
    throw Object.assign(new Error(`Cannot find module '${id}' (browser bundle)`), { code: 'MODULE_NOT_FOUND' });
  };
}

/** The part of Node's Buffer the conformance checks use (base64 decoding and encoding, byte comparison). */
export class BrowserBuffer extends Uint8Array {
  static override from(source: unknown, offsetOrEncoding?: unknown, length?: number): BrowserBuffer {
    if (typeof source === 'string') {
      const bin = atob(source);
      const b = new BrowserBuffer(bin.length);
      for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
      return b;
    }
    return new BrowserBuffer(source as ArrayBuffer, offsetOrEncoding as number, length);
  }

  equals(other: Uint8Array): boolean {
    if (other.length !== this.length) return false;
    for (let i = 0; i < this.length; i++) if (this[i] !== other[i]) return false;
    return true;
  }

  override toString(encoding?: string): string {
    if (encoding !== 'base64') return super.toString();
    let bin = '';
    for (let i = 0; i < this.length; i += 0x8000) bin += String.fromCharCode(...this.subarray(i, i + 0x8000));
    return btoa(bin);
  }
}
