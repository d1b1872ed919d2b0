import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface ProcessOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every line also goes, unprefixed, to this file (truncated at start). */
  readonly logFile: string;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** Settles when the process has exited and its output is flushed; never rejects. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** The last lines it printed, for "why did it fail" messages. */
  tail(): string[];
  /** Sends `signal`, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

const TAIL_LINES = 30;
const COLORS = [36, 33, 35, 32, 34, 31, 90];
let nextColor = 0;

/**
 * Runs a child with its stdout and stderr shown line by line as `[name] line`, as `npm start`
 * promises. Children get their own process group (detached), so the terminal's Ctrl-C reaches
 * only the launcher, which then stops them in order (gateway first, then services) instead of
 * everything dying at once mid-request.
 */
export function startPrefixed(options: ProcessOptions): ManagedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'w' });
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const prefix = colored(`[${options.name}]`);
  const lines: string[] = [];
  const streams = [child.stdout, child.stderr].map((stream) => relay(stream, prefix, log, lines));

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'close' (not 'exit') fires after the output pipes are drained, so no last line is lost.
    child.once('close', (code, signal) => {
      void Promise.all(streams).then(() => {
        log.end();
        resolve({ code, signal });
      });
    });
    child.once('error', (error) => {
      lines.push(`${options.command}: ${error.message}`);
      process.stdout.write(`${prefix} could not start ${options.command}: ${error.message}\n`);
    });
  });
  killOnLauncherExit(child);

  return {
    name: options.name,
    pid: child.pid,
    exited,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
    tail: () => [...lines],
    stop: async (signal, graceMs) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };

  function relay(stream: Readable, tag: string, file: WriteStream, tail: string[]): Promise<void> {
    const reader = createInterface({ input: stream, crlfDelay: Infinity });
    reader.on('line', (line) => {
      process.stdout.write(`${tag} ${line}\n`);
      file.write(`${line}\n`);
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    });
    return new Promise((resolve) => reader.once('close', resolve));
  }
}

/**
 * Runs a command to completion with prefixed output; rejects when it fails. `onStart` receives the
 * running process, so a caller can stop it if it is interrupted meanwhile.
 */
export async function runPrefixed(
  options: ProcessOptions,
  onStart?: (process: ManagedProcess) => void,
): Promise<void> {
  const run = startPrefixed(options);
  onStart?.(run);
  const { code, signal } = await run.exited;
  if (code !== 0) {
    throw new Error(
      `${options.name} failed (${signal ?? `exit ${code}`}); full output in ${options.logFile}`,
    );
  }
}

function colored(text: string): string {
  if (!process.stdout.isTTY || process.env.NO_COLOR) return text;
  const color = COLORS[nextColor++ % COLORS.length]!;
  return `\x1b[${color}m${text}\x1b[0m`;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * A detached child outlives its parent. If the launcher dies without stopping its children (an
 * uncaught error), kill them on the way out; only SIGKILL of the launcher can leave them behind.
 */
function killOnLauncherExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const orphan of running) orphan.kill('SIGKILL');
  });
}
