import { defineConfig } from 'vitest/config';

// The workspace packages' TypeScript sources in tests (Vite applies `resolve.conditions` to the client only; tests
// run in its SSR environment), so that a stale dist/ of a sibling cannot be what is tested.
const conditions = ['@quantkit/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // The test files spend their time waiting on redis-server and quant processes, not computing: two run at once.
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000, maxWorkers: 2, fileParallelism: true },
});
