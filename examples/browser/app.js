// quantkit in the browser: quantizes the tensors of a user-chosen .npy or .safetensors file client-side on the
// WebAssembly backend (@quantkit/quant-wasm, SIMD128) and shows the error of each (fakeQuantizeWithError: the
// quantized-then-dequantized values against the originals). Nothing leaves the page.
import { createQuantApi } from '@quantkit/quant-core';
import { createWasmBackend, loadWasmModule } from '@quantkit/quant-wasm';
import { readNpy, readSafetensors } from './formats.js';

const status = document.querySelector('#status');
const table = document.querySelector('#results tbody');

const backend = createWasmBackend({ module: await loadWasmModule() });
const api = createQuantApi(backend);
status.textContent = `ready: WebAssembly backend (${backend.isa})`;
document.body.dataset.state = 'ready';

const fmt = (v, digits = 4) => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(digits - 1) : v.toFixed(digits)) : String(v));

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    tr.append(td);
  }
  table.append(tr);
  return tr;
}

async function run() {
  const file = document.querySelector('#file').files[0];
  if (file === undefined) return;
  document.body.dataset.state = 'running';
  table.replaceChildren();
  const bits = Number(document.querySelector('#bits').value);
  const scheme = document.querySelector('#scheme').value;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const tensors = file.name.endsWith('.npy') ? readNpy(bytes, file.name) : readSafetensors(bytes, file.name);
    const t0 = performance.now();
    for (const t of tensors) {
      if (t.skipped !== undefined) {
        row([t.name, t.dtype, JSON.stringify(t.shape), 'skipped', t.skipped]);
        continue;
      }
      const half = t.dtype === 'float16' || t.dtype === 'bfloat16';
      const { error, params } = api.fakeQuantizeWithError(t.data, { bits, scheme, ...(half ? { dtype: t.dtype } : {}) });
      const tr = row([t.name, t.dtype, JSON.stringify(t.shape), fmt(error.sqnrDb, 3), fmt(error.rmse), fmt(error.maxAbs), fmt(error.cosine, 6), String(error.nanCount), `${fmt(Number(params.scale))} / ${params.zeroPoint}`]);
      tr.dataset.sqnr = String(error.sqnrDb);
      tr.dataset.maxAbs = String(error.maxAbs);
      tr.dataset.rmse = String(error.rmse);
    }
    status.textContent = `${tensors.length} tensor(s), int${bits} ${scheme}, ${(performance.now() - t0).toFixed(1)} ms on the WebAssembly backend (${backend.isa})`;
    document.body.dataset.state = 'done';
  } catch (e) {
    status.textContent = `error: ${e.message}`;
    document.body.dataset.state = 'error';
  }
}

document.querySelector('#file').addEventListener('change', run);
document.querySelector('#bits').addEventListener('change', run);
document.querySelector('#scheme').addEventListener('change', run);
