/*
 * Inputs and runs for the hostile-input tests of the CLI's commands: float32 tensors for io-files.ts's
 * writeSafetensors, and runs of the built `quant` that are killed if they do not finish (a hang fails the test instead
 * of blocking the suite).
 */
import { spawnSync } from 'node:child_process';
import { BIN, type CliRun } from '../helpers/run-cli.js';
import type { RawTensor } from './io-files.js';

export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A float32 tensor of `values`. */
export function f32Tensor(name: string, values: ArrayLike<number>, shape: readonly number[] = [values.length]): RawTensor {
  return { name, dtype: 'F32', shape, bytes: bytesOf(Float32Array.from(values)) };
}

/**
 * Runs quant and kills it after `limitMs` (a generous bound: these runs take well under a second when they work; the
 * bound only turns a hang into a failure). `signal` is 'SIGKILL' when it had to be killed.
 */
export function quantWithin(args: readonly string[], limitMs = 20_000, env: Record<string, string> = {}, cwd?: string): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: limitMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Parses a --json summary from stdout. */
export function jsonOf<T = Record<string, unknown>>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}
