import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioReport } from './scenario-report';

/** Writes one scenario's results to `.tessera/bench/<scenario>-<timestamp>.json`; returns the path. */
export function writeResults(
  repoRoot: string,
  report: ScenarioReport,
  context: Record<string, unknown>,
): string {
  const dir = join(repoRoot, '.tessera', 'bench');
  mkdirSync(dir, { recursive: true });
  const timestamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${report.scenario}-${timestamp}.json`);
  writeFileSync(file, `${JSON.stringify({ ...report, ...context }, null, 2)}\n`);
  return file;
}
