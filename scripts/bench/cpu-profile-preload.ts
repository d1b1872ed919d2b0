/**
 * Loaded into a server with `node --require …/cpu-profile-preload.js` when the bench runs with
 * `--profile`: starts V8's sampling profiler at once and, on SIGWINCH, writes the profile to
 * `$TESSERA_CPU_PROFILE_DIR/<service>-<pid>.cpuprofile` (Chrome DevTools or speedscope open it) and
 * starts again, so each signal's file covers the time since the previous one.
 * node's own `--cpu-prof` only writes on a clean exit, and Nest's shutdown hooks end a service by
 * re-raising SIGTERM, so the profile would be lost. SIGWINCH because Nest's shutdown hooks treat
 * SIGUSR2 (and most other signals) as "shut down", node keeps SIGUSR1 for its inspector, and a process
 * without this preload ignores SIGWINCH.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, dirname, join } from 'node:path';

const dir = process.env.TESSERA_CPU_PROFILE_DIR;
// dist/apps/<service>/src/main.js → <service>; dist/scripts/bench/bare-nest-app.js → bare-nest-app.
const script = process.argv[1] ?? 'node';
const service = basename(script) === 'main.js' ? basename(dirname(dirname(script))) : basename(script, '.js');
const name = `${service}-${process.pid}`;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  process.on('SIGWINCH', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(result.profile));
      session.post('Profiler.start');
    });
  });
}
