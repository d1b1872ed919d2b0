import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Vite does not read tsconfig paths: the `@app/*` aliases are taken from tsconfig.json itself, so the
// two cannot drift apart (issue #22 §5). tsconfig.json is plain JSON (no comments) for this reason.
const tsconfig = JSON.parse(readFileSync(resolve(import.meta.dirname, 'tsconfig.json'), 'utf8')) as {
  compilerOptions: { baseUrl?: string; paths: Record<string, string[]> };
};
const baseUrl = resolve(import.meta.dirname, tsconfig.compilerOptions.baseUrl ?? '.');
const alias = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => [name, resolve(baseUrl, target!)]),
);

// swc keeps decorator metadata, which NestJS dependency injection needs (esbuild drops it).
const plugins = [swc.vite({ module: { type: 'es6' } })];

/**
 * Three tiers, named by cost (CONVENTIONS §8):
 * - unit: `*.spec.ts` beside the code and under test/deploy, no I/O to services;
 * - integration: `test/integration`, real PostgreSQL, Redis and Kafka on this machine;
 * - e2e: `test/e2e`, the four services running as processes, driven over HTTP (with the
 *   property-based `*.property.spec.ts`, fast-check, which reuses the same stack);
 * - logs: `test/logs`, reads the logs the e2e tier's services wrote (run after it);
 * - reliability: `test/reliability`, restarts infrastructure under the running services.
 */
export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['apps/**/*.spec.ts', 'libs/**/*.spec.ts', 'test/deploy/**/*.spec.ts'],
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.spec.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          // Restarts the shared Kafka broker: run on its own, after the other tiers (scripts/test.sh).
          name: 'reliability',
          include: ['test/reliability/**/*.spec.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          // Reads the logs the e2e tier's services wrote: run after it (scripts/test.sh).
          name: 'logs',
          include: ['test/logs/**/*.spec.ts'],
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.spec.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
