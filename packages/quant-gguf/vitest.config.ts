import { defineConfig } from 'vitest/config';

// The workspace packages' TypeScript sources in tests (Vite applies `resolve.conditions` to the client only; tests
// run in its SSR environment), so that a stale dist/ of @quantkit/quant cannot be what is tested.
const conditions = ['@quantkit/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 },
});
