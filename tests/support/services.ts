// The one place tests ask whether this machine runs a service or has a program they need beyond
// `npm install` (a Mosquitto broker, Redis, GStreamer's RTSP server). Locally a test that needs
// one skips with one line naming what to install or start; under CI=true a missing one fails the
// file instead, as a missing browser does (tests/support/browser.ts), because `.ci/run` installs
// and starts all of them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'redis:': 6379 };
const told = new Set<string>();

/** Whether something accepts TCP connections at `url`'s host and port (within `ms`). */
function reachable(url: string, ms = 1500): Promise<boolean> {
  const u = new URL(url);
  const port = Number(u.port) || DEFAULT_PORTS[u.protocol] || 0;
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * For `describe.skipIf(...)`: true when `why` names something missing, after printing one line
 * (once per `what`) with the Debian packages that bring it; throws under CI=true.
 */
export function skipBecause(what: string, why: string | null, packages: string): boolean {
  if (why === null) return false;
  const line = `${what} needs ${why}: apt-get install ${packages}`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${line}`);
  if (!told.has(what)) {
    told.add(what);
    console.warn(`[skipped] ${line}`);
  }
  return true;
}

/** Skips (see skipBecause) when nothing answers at `url`. */
export async function skipWithoutService(what: string, url: string, packages: string): Promise<boolean> {
  const why = (await reachable(url))
    ? null
    : `a server at ${url} (none answers; start one or set the TEST_*_URL variable)`;
  return skipBecause(what, why, packages);
}

/** Why `cmd` cannot run here, or null when it is on PATH. */
export function missingCommand(cmd: string): string | null {
  const found = (process.env.PATH ?? '').split(path.delimiter).some((d) => d && existsSync(path.join(d, cmd)));
  return found ? null : `the program ${cmd} (not on PATH)`;
}

/** GStreamer's RTSP server through Debian's python3-gi (tests/support/rtsp_server.py). */
export function missingRtspServer(): string | null {
  const check = spawnSync('/usr/bin/python3', ['-c', "import gi; gi.require_version('GstRtspServer', '1.0')"], {
    stdio: 'ignore',
  });
  return check.status === 0 ? null : "GStreamer's RTSP server for /usr/bin/python3 (python3-gi and its typelib)";
}

export const MOSQUITTO_PACKAGES = 'mosquitto mosquitto-clients';
export const REDIS_PACKAGES = 'redis-server';
export const RTSP_PACKAGES =
  'python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-libav';
