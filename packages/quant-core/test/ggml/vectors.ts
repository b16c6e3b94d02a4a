/**
 * The golden vectors of upstream ggml (test/vectors/ggml/<format>.json, written by scripts/ggml-oracle/driver.c):
 * base64 of little-endian float32 inputs and outputs and of block bytes.
 */
import { readFileSync } from 'node:fs';
import type { GgmlFormat } from '../../src/ggml/index.js';

export interface GgmlCase {
  name: string;
  blocks: number;
  input?: Float32Array;
  bytes: Uint8Array;
  output: Float32Array;
}

export interface GgmlVectors {
  provenance: Record<string, unknown>;
  format: GgmlFormat;
  blockSize: number;
  bytesPerBlock: number;
  cases: GgmlCase[];
  nonFinite: GgmlCase[];
  randomBytes: GgmlCase[];
}

interface RawCase {
  name: string;
  blocks: number;
  input?: string;
  bytes: string;
  output: string;
}

function bytesOf(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function floatsOf(b64: string): Float32Array {
  const bytes = bytesOf(b64);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

function decode(c: RawCase): GgmlCase {
  return {
    name: c.name,
    blocks: c.blocks,
    input: c.input === undefined ? undefined : floatsOf(c.input),
    bytes: bytesOf(c.bytes),
    output: floatsOf(c.output),
  };
}

export function loadVectors(format: GgmlFormat): GgmlVectors {
  const file = new URL(`../vectors/ggml/${format}.json`, import.meta.url);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Omit<GgmlVectors, 'cases' | 'nonFinite' | 'randomBytes'> & {
    cases: RawCase[];
    nonFinite: RawCase[];
    randomBytes: RawCase[];
  };
  return { ...raw, cases: raw.cases.map(decode), nonFinite: raw.nonFinite.map(decode), randomBytes: raw.randomBytes.map(decode) };
}

/** The float32 bit patterns of a Float32Array (exact comparison: -0 and NaN payloads included). */
export function bitsOf(x: Float32Array): Uint32Array {
  return new Uint32Array(x.buffer, x.byteOffset, x.length);
}

/** The first index where the bytes differ, or -1. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
