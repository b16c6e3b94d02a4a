import { BACKEND_KERNELS, referenceBackend, type Backend } from '@quantkit/quant-core';
import { recordingBackend } from '@quantkit/quant-conformance/checks';

export const KERNELS = BACKEND_KERNELS;

/** A real backend (the reference by default) that records which kernels it served, under its own name. */
export function spyBackend(name: string, inner: Backend = referenceBackend, overrides: Partial<Backend> = {}): { backend: Backend; calls: string[] } {
  return recordingBackend(inner, { name, isa: 'spy', threads: 1, ...overrides });
}

/** Whether the real native addon can be loaded here (and why not). */
export async function nativeAvailability(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const native = await import('@quantkit/quant-native');
    native.createNativeBackend();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}

type View = ArrayBufferView & { readonly length: number };

/** Byte-for-byte equality of two typed arrays of the same type (fast, unlike a deep toEqual on large arrays). */
export function sameBytes(a: View, b: View): boolean {
  return a.constructor === b.constructor && a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Field-by-field equality of two QuantizedTensors: typed arrays byte for byte, the rest by value. */
export function sameTensor(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (ArrayBuffer.isView(x) || ArrayBuffer.isView(y)) {
      if (!ArrayBuffer.isView(x) || !ArrayBuffer.isView(y) || !sameBytes(x as View, y as View)) return false;
    } else if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}
