import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack, type StackInfo } from '@app/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/**
 * Starts the five services (and a second introspection instance) once for the e2e tier, against the
 * real Kafka, PostgreSQL and Redis that `npm test` brought up, on ports apart from a dev stack's.
 */
export default async function setup(project: TestProject) {
  const stack = await startStack({
    repoRoot: resolve(process.cwd()),
    basePort: Number(process.env.TESSERA_TEST_BASE_PORT ?? 4101),
    databaseUrl: process.env.TESSERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tessera_test',
    secondIntrospection: true,
    audit: true,
  });
  project.provide('stack', stack.info);
  return () => stack.stop();
}
