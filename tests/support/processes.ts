import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from './net.js';

/** A child process the tests start and stop (a broker, an RTSP server). */
export interface Child {
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

function waitForLine(proc: ChildProcess, pattern: RegExp, what: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out.slice(-400)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${out.slice(-400)}`));
    });
  });
}

function stopper(proc: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

/**
 * A Mosquitto broker of the test's own (so it can be killed mid-run) on a free port, or on `port`
 * (a restart): started again until it accepts connections on 127.0.0.1, since a port just freed
 * may still refuse the bind for a moment.
 */
export async function startMosquitto(port?: number): Promise<Child> {
  const p = port ?? (await freePort());
  for (let attempt = 0; ; attempt++) {
    const proc = spawn('mosquitto', ['-p', String(p), '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = stopper(proc);
    try {
      await waitForLine(proc, / running/, 'mosquitto');
      if (await accepts(p)) return { port: p, proc, stop };
    } catch (err) {
      if (attempt >= 20) throw err;
    }
    await stop();
    if (attempt >= 20) throw new Error(`mosquitto does not accept connections on ${p}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const RTSP_SCRIPT = fileURLToPath(new URL('./rtsp_server.py', import.meta.url));

/** GStreamer's RTSP server (Debian's gir1.2-gst-rtsp-server-1.0) serving a test stream at /live. */
export async function startRtspServer(
  opts: { auth?: 'none' | 'basic' | 'digest'; user?: string; password?: string; path?: string } = {},
): Promise<Child> {
  const port = await freePort();
  const args = [
    RTSP_SCRIPT,
    '--port',
    String(port),
    '--path',
    opts.path ?? '/live',
    '--auth',
    opts.auth ?? 'none',
    '--user',
    opts.user ?? 'admin',
    '--password',
    opts.password ?? 'secret',
  ];
  // Debian's python has the gi bindings; a pyenv python on PATH does not.
  const proc = spawn('/usr/bin/python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(proc, /READY \d+/, 'rtsp server');
  return { port, proc, stop: stopper(proc) };
}
