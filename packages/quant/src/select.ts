import { createRequire } from 'node:module';
import { ErrorCodes, QuantError, referenceBackend, VERSION, type AsyncBackend, type Backend } from '@quantkit/quant-core';

/** How the backend is chosen: QUANT_BACKEND, or the `backend` option of createQuantizer. */
export type BackendMode = 'auto' | 'native' | 'reference';

export const BACKEND_MODES: readonly BackendMode[] = ['auto', 'native', 'reference'];

/** The code a native backend throws when its addon cannot be loaded (@quantkit/quant-native's NativeErrorCodes.UNAVAILABLE). */
export const NATIVE_UNAVAILABLE = 'ERR_QUANT_NATIVE_UNAVAILABLE';

/** The part of @quantkit/quant-native this package uses (declared here, so the types never require it installed). */
export interface NativeModule {
  createNativeBackend(options?: { isa?: 'auto' | 'avx2' | 'scalar'; threads?: number }): Backend & Partial<AsyncBackend>;
}

export interface BackendInfo {
  /** 'native', 'reference', or the name of an injected backend. */
  readonly name: string;
  /** 'js' for the reference, 'avx2' or 'scalar' for native. */
  readonly isa: string;
  readonly version: string;
  readonly threads: number;
  /** Why the reference serves the calls although native was wanted (mode auto only); one line. */
  readonly reason?: string;
}

/** Parses QUANT_BACKEND (unset or empty: auto); anything else is an error, not a silent default. */
export function parseMode(value: unknown, source = 'QUANT_BACKEND'): BackendMode {
  if (value === undefined || value === '') return 'auto';
  if (typeof value === 'string' && (BACKEND_MODES as readonly string[]).includes(value)) return value as BackendMode;
  throw new QuantError(ErrorCodes.BACKEND, `${source} must be 'auto', 'native' or 'reference', got ${JSON.stringify(value)}`);
}

/**
 * Loads @quantkit/quant-native synchronously (the synchronous API needs the backend on its first call). It is an ES
 * module; Node.js 20.19+ / 22.12+ (this package's engines) can require() it. Only the native path calls this.
 */
export function requireNativeModule(): NativeModule {
  const require = createRequire(import.meta.url);
  try {
    return require('@quantkit/quant-native') as NativeModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    const message = missing
      ? '@quantkit/quant-native is not installed (it is an optional dependency of @quantkit/quant: install it, or make sure optional dependencies are not omitted)'
      : `@quantkit/quant-native failed to load: ${firstLine(error)}`;
    throw new QuantError(NATIVE_UNAVAILABLE, message, { cause: error });
  }
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0]!.trim();
}

export function referenceInfo(reason?: string): BackendInfo {
  return { name: referenceBackend.name, isa: referenceBackend.isa, version: VERSION, threads: 1, ...(reason !== undefined ? { reason } : {}) };
}

export function infoOf(b: Backend): BackendInfo {
  return { name: b.name, isa: b.isa, version: b.version, threads: b.threads };
}

const printed = new Set<string>();

/** QUANT_DEBUG=backend (a comma- or space-separated list may hold other topics): print the selection once, to stderr. */
export function debugBackend(info: BackendInfo): void {
  const topics = (process.env['QUANT_DEBUG'] ?? '').split(/[\s,]+/);
  if (!topics.includes('backend')) return;
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const line = `[quantkit] backend: ${info.name} (isa ${info.isa}, ${threads}, v${info.version})${info.reason !== undefined ? `: ${info.reason}` : ''}`;
  if (printed.has(line)) return;
  printed.add(line);
  process.stderr.write(`${line}\n`);
}
