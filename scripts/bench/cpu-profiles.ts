import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The runner's side of `--profile`: asks profiled servers to write what they sampled
 * (cpu-profile-preload.ts), names the files after the scenario, and sums a profile's self time
 * per function so the report can say where a server's core went.
 */
export async function collectProfiles(
  dir: string,
  servers: readonly { name: string; pid: number; script: string }[],
  scenario: string,
): Promise<string[]> {
  const written: string[] = [];
  for (const server of servers) {
    const file = join(dir, `${server.script}-${server.pid}.cpuprofile`);
    process.kill(server.pid, 'SIGWINCH');
    const deadline = Date.now() + 15_000;
    while (!existsSync(file) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    if (!existsSync(file)) continue;
    // The file is written in one call; a short pause lets a large one finish before it is moved.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const target = join(dir, `${scenario}-${server.name}.cpuprofile`);
    renameSync(file, target);
    written.push(target);
  }
  return written;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

/** The `count` functions with the most self time in a .cpuprofile, as "share  function  file:line". */
export function topSelfTime(file: string, count: number): string[] {
  return top(
    selfTime(file, (frame) => {
      const where = frame.url ? `${shorten(frame.url)}:${frame.lineNumber + 1}` : '';
      return `${frame.functionName || '(anonymous)'}  ${where}`;
    }),
    count,
  );
}

/**
 * Self time summed per package (`node_modules/<name>`), node internals, our own code (`dist/…`) and
 * V8/native frames: a coarser view that says which layer a server's core went to.
 */
export function selfTimeByPackage(file: string, count: number): string[] {
  return top(
    selfTime(file, (frame) => {
      const { url } = frame;
      if (!url) return `native: ${frame.functionName || '(anonymous)'}`;
      const modules = url.lastIndexOf('node_modules/');
      if (modules >= 0) {
        const [scope, name] = url.slice(modules + 'node_modules/'.length).split('/');
        return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
      }
      if (url.startsWith('node:')) return 'node internals';
      const dist = url.indexOf('/dist/');
      return dist >= 0
        ? `ours: ${url
            .slice(dist + 6)
            .split('/')
            .slice(0, 2)
            .join('/')}`
        : url;
    }),
    count,
  );
}

function selfTime(file: string, keyOf: (frame: ProfileNode['callFrame']) => string): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') return;
    const key = keyOf(frame);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return totals;
}

function top(totals: Map<string, number>, count: number): string[] {
  const all = [...totals.values()].reduce((sum, value) => sum + value, 0);
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, micros]) => `${((100 * micros) / all).toFixed(1).padStart(5)} %  ${key}`);
}

function shorten(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 1) : url;
}
