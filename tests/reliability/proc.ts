// The BUILT server as a child process that tests can kill (SIGKILL or SIGTERM) and start again
// on the same port and data folder. Builds nothing: `npm test` builds first.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER_ENTRY = path.join(ROOT, 'server/dist/server.js');

/** Why the built server cannot run here, or null. */
export function missingServerBuild(): string | null {
  return existsSync(SERVER_ENTRY)
    ? null
    : `${path.relative(ROOT, SERVER_ENTRY)} is missing: run \`npx tsc -b server\` (npm test builds first)`;
}

import { freePort } from '../support/net.js';

export interface ServerProc {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Output so far (for failure messages). */
  log(): string;
  /** Resolves when the output contains `text` (or rejects when the process exits first). */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code/signal once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts the process again on the same port and data folder and waits until it answers. */
  start(): Promise<void>;
  readonly running: boolean;
}

/** A built server on 127.0.0.1:`port` with `env` on top of test defaults; started and answering. */
export async function spawnServer(opts: {
  dataDir: string;
  port?: number;
  env?: Record<string, string>;
}): Promise<ServerProc> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let proc: ChildProcess | null = null;
  let out = '';
  let listeners: (() => void)[] = [];

  const start = async () => {
    out = '';
    const p = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: opts.dataDir,
        SIMULATOR: 'off',
        API_KEYS: 'test:k',
        LOG_LEVEL: 'warn',
        DATABASE_URL: '',
        REDIS_URL: '',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc = p;
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.length > 200_000) out = out.slice(-100_000);
      for (const l of [...listeners]) l();
    };
    p.stdout!.on('data', onData);
    p.stderr!.on('data', onData);
    p.once('exit', () => {
      for (const l of [...listeners]) l();
    });
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      if (p.exitCode !== null || p.signalCode !== null)
        throw new Error(`server exited (${p.exitCode ?? p.signalCode}) while starting:\n${out.slice(-4000)}`);
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.status === 200) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not come up:\n${out.slice(-4000)}`);
  };

  await start();
  return {
    url,
    port,
    get pid() {
      return proc?.pid;
    },
    get running() {
      return proc !== null && proc.exitCode === null && proc.signalCode === null;
    },
    log: () => out.slice(-8000),
    waitForOutput(text, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = typeof text === 'string' ? out.includes(text) : text.test(out);
          if (hit) {
            done();
            resolve();
          } else if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
            done();
            reject(new Error(`process ended before printing ${String(text)}:\n${out.slice(-4000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${String(text)} within ${timeoutMs} ms:\n${out.slice(-4000)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners = listeners.filter((l) => l !== check);
        };
        listeners.push(check);
        check();
      });
    },
    kill(signal) {
      const p = proc;
      if (!p || p.exitCode !== null || p.signalCode !== null)
        return Promise.resolve({ code: p?.exitCode ?? null, signal: p?.signalCode ?? null });
      return new Promise((resolve) => {
        p.once('exit', (code, sig) => resolve({ code, signal: sig }));
        p.kill(signal);
      });
    },
    start,
  };
}
