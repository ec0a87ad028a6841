// Graceful shutdown: a batch in flight when SIGTERM arrives still gets its 200, and is stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { missingServerBuild, spawnServer, type ServerProc } from './proc.js';

const skip = missingServerBuild();
if (skip) console.warn(`[shutdown.test] skipped: ${skip}`);

describe.skipIf(skip !== null)('SIGTERM with a request in flight', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'zhihui-term-'));
  let server: ServerProc | null = null;
  afterAll(async () => {
    await server?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the in-flight batch is answered 200 and stored; new connections are refused; the process exits 0', async () => {
    server = await spawnServer({
      dataDir,
      env: { SEED_ANCHOR: 'fixture', LOG_LEVEL: 'info', HEARTBEAT_GRACE: '86400' },
    });
    const srv = server;
    const cams = (await (await fetch(`${srv.url}/api/v1/regions/130111/cameras?limit=5`)).json()) as {
      items: { id: string; status: string }[];
    };
    const target = cams.items.find((c) => c.status === 'online') ?? cams.items[0]!;
    const status = target.status === 'online' ? 'offline' : 'online';
    const at = new Date(Date.now() - 60_000).toISOString();
    const body = JSON.stringify({
      reports: [{ cameraId: target.id, status, ...(status === 'offline' ? { reason: 'network' } : {}), at }],
    });

    const sock = connect(srv.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    let response = '';
    sock.on('data', (d) => (response += d.toString()));
    const ended = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    const half = Math.floor(body.length / 2);
    sock.write(
      `POST /api/v1/cameras/status?inflight=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` +
        body.slice(0, half),
    );
    // The server has the request (it logs it on arrival) but not all of its body.
    await srv.waitForOutput('inflight=1');
    const exited = srv.kill('SIGTERM');
    await srv.waitForOutput('shutting down');
    // Closing: no new connection is served.
    const fresh = await fetch(`${srv.url}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(fresh === 'refused' || fresh === 503).toBe(true);
    sock.end(body.slice(half));
    await ended;
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toEqual({ accepted: 1, rejected: [] });
    expect(await exited).toEqual({ code: 0, signal: null });

    await srv.start();
    const after = (await (await fetch(`${srv.url}/api/v1/regions/130111/cameras?limit=5`)).json()) as {
      items: { id: string; status: string; since: string }[];
    };
    const stored = after.items.find((c) => c.id === target.id)!;
    expect(stored.status).toBe(status);
    expect(Date.parse(stored.since)).toBe(Date.parse(at));
  });
});
