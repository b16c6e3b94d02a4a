#!/usr/bin/env node
// Serves the repository read-only on 127.0.0.1 so that examples/browser/index.html can import the packages' built
// dist/ folders through its import map: `pnpm build`, then `node examples/browser/serve.mjs`, then open the printed URL.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json' };
/** Only what the page needs: the example and the packages' dist/. */
const ALLOWED = [/^\/examples\/browser\//, /^\/packages\/quant-(core|wasm)\/dist\//];

export function createExampleServer() {
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/') return void res.writeHead(302, { location: '/examples/browser/index.html' }).end();
    if (path === '/favicon.ico') return void res.writeHead(204).end(); // browsers ask for it on their own
    const file = normalize(join(root, path));
    if (!ALLOWED.some((r) => r.test(path)) || !file.startsWith(root) || file.endsWith(sep) || !existsSync(file) || !statSync(file).isFile()) {
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = createExampleServer().listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
    const { port } = server.address();
    console.log(`http://127.0.0.1:${port}/examples/browser/index.html`);
  });
}
