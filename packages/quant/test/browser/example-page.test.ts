import type { Server } from 'node:http';
import { createQuantApi, float16ToNumber, referenceBackend } from '@quantkit/quant-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, browserRequired, CHROMIUM, openPage, type BrowserPage } from './chromium.js';
// @ts-expect-error: a plain JavaScript module of the example, without types
import { createExampleServer } from '../../../../examples/browser/serve.mjs';

/*
 * examples/browser/index.html in headless Chromium (Debian's /usr/bin/chromium through playwright-core): a .npy and a
 * .safetensors file made here are chosen in the page's file input; the page quantizes them on the WebAssembly backend
 * and its error figures must be the reference's, computed here in Node (SQNR to the last bits of Chromium's log10).
 * Skipped without /usr/bin/chromium unless QUANT_REQUIRE_BROWSER=1.
 */
const api = createQuantApi(referenceBackend);

function npy(x: Float32Array, shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(x.buffer, x.byteOffset, x.byteLength)]);
}

function safetensors(tensors: Record<string, { dtype: string; shape: number[]; bytes: Buffer }>): Buffer {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, Buffer.from(json), ...Object.values(tensors).map((t) => t.bytes)]);
}

interface PageRow {
  readonly cells: string[];
  readonly sqnr?: string;
  readonly maxAbs?: string;
  readonly rmse?: string;
}

describe.skipIf(!browserAvailable && !browserRequired)('examples/browser in Chromium', () => {
  let browser: BrowserPage | undefined;

  beforeAll(async () => {
    expect(browserAvailable, `${CHROMIUM} is required (QUANT_REQUIRE_BROWSER=1)`).toBe(true);
    browser = await openPage(createExampleServer() as Server, '/examples/browser/index.html');
    await browser.page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function choose(name: string, buffer: Buffer): Promise<PageRow[]> {
    const page = browser!.page;
    await page.setInputFiles('#file', { name, mimeType: 'application/octet-stream', buffer });
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
    expect(await page.textContent('#status')).toContain('WebAssembly backend (simd128)');
    // Runs in the page (this package compiles without DOM types: the elements are typed by what is used).
    type Tr = { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }>; dataset: Record<string, string | undefined> };
    return page.$$eval('#results tbody tr', (trs) =>
      (trs as unknown as Tr[]).map((tr) => ({ cells: Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? ''), sqnr: tr.dataset['sqnr'], maxAbs: tr.dataset['maxAbs'], rmse: tr.dataset['rmse'] })),
    );
  }

  const expectFigures = (row: PageRow, e: { sqnrDb: number; maxAbs: number; rmse: number }): void => {
    expect(row.maxAbs).toBe(String(e.maxAbs));
    expect(row.rmse).toBe(String(e.rmse));
    expect(Math.abs(Number(row.sqnr) - e.sqnrDb)).toBeLessThanOrEqual(Math.abs(e.sqnrDb) * 1e-14);
  };

  it('a .npy file: int8 error metrics equal the reference', async () => {
    const x = Float32Array.from({ length: 64 * 33 }, (_, i) => Math.sin(i * 0.1) * 2 + (i % 5) * 0.01);
    const rows = await choose('weights.npy', npy(x, [64, 33]));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.cells.slice(0, 3)).toEqual(['weights.npy', 'float32', '[64,33]']);
    expectFigures(rows[0]!, api.fakeQuantizeWithError(x, { bits: 8, scheme: 'affine' }).error);
  });

  it('a .safetensors file: float32 and float16 tensors measured, an int32 one listed as skipped', async () => {
    const a = Float32Array.from({ length: 1000 }, (_, i) => Math.cos(i) * 0.5);
    const h = Uint16Array.from({ length: 256 }, (_, i) => 0x3c00 + ((i * 37) % 2000) - 1000); // float16 bits around 1
    const ids = Int32Array.from({ length: 4 }, (_, i) => i);
    const file = safetensors({
      'layer.weight': { dtype: 'F32', shape: [10, 100], bytes: Buffer.from(a.buffer) },
      'layer.bias': { dtype: 'F16', shape: [256], bytes: Buffer.from(h.buffer) },
      'ids': { dtype: 'I32', shape: [4], bytes: Buffer.from(ids.buffer) },
    });
    const rows = await choose('model.safetensors', file);
    expect(rows.map((r) => r.cells[0])).toEqual(['layer.weight', 'layer.bias', 'ids']);
    expectFigures(rows[0]!, api.fakeQuantizeWithError(a, { bits: 8, scheme: 'affine' }).error);
    expect(Number.isFinite(float16ToNumber(h[0]!))).toBe(true);
    expectFigures(rows[1]!, api.fakeQuantizeWithError(h, { bits: 8, scheme: 'affine', dtype: 'float16' }).error);
    expect(rows[2]!.cells.slice(3, 5)).toEqual(['skipped', 'dtype I32 is not a float type']);
    expect(browser!.errors).toEqual([]);
  });
});
