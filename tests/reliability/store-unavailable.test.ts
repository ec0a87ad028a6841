// A locked, full or failing database answers 503 STORE_UNAVAILABLE with a clear message; the
// server stays up, reads go on, and once the store is back writes succeed.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { AUTH, cam, smallApp, tmpDir } from '../server/helpers.js';

describe('store unavailable', () => {
  let app: FastifyInstance;
  let dir: string;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ dir, cleanup } = tmpDir());
    app = await smallApp(dir);
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/api/v1/cameras',
          headers: AUTH,
          payload: { cameras: [cam(1), cam(2)] },
        })
      ).statusCode,
    ).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  const report = (status: 'online' | 'offline') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/cameras/status',
      headers: AUTH,
      payload: { reports: [{ cameraId: cam(1).id, status, reason: status === 'offline' ? 'power' : undefined }] },
    });

  test('locked by another process: 503 STORE_UNAVAILABLE with retry-after; reads go on; after the lock, writes succeed', async () => {
    const other = new Database(path.join(dir, 'zhihui.db'));
    other.exec('BEGIN EXCLUSIVE');
    try {
      const r = await report('online');
      expect(r.statusCode).toBe(503);
      expect(r.json().error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(r.json().error.message).toMatch(/locked/);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      const read = await app.inject({ method: 'GET', url: '/api/v1/regions/139900/cameras' });
      expect(read.statusCode).toBe(200);
      expect(read.json().items.find((c: { id: string }) => c.id === cam(1).id).status).toBe('unknown');
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const ok = await report('online');
    expect(ok.statusCode).toBe(200);
    expect((await app.store.getCameras([cam(1).id])).get(cam(1).id)!.status).toBe('online');
  });

  test('disk full and I/O errors: 503 naming the cause, nothing half-applied, the server keeps serving', async () => {
    const store = app.store as unknown as Record<string, unknown>;
    const fail = (code: string, message: string) => async () => {
      throw new Database.SqliteError(message, code);
    };
    store.applyStatus = fail('SQLITE_FULL', 'database or disk is full');
    store.createClue = fail('SQLITE_IOERR_WRITE', 'disk I/O error');
    try {
      const full = await report('offline');
      expect(full.statusCode).toBe(503);
      expect(full.json().error.code).toBe('STORE_UNAVAILABLE');
      expect(full.json().error.message).toMatch(/disk is full/);
      const io = await app.inject({
        method: 'POST',
        url: '/api/v1/clues',
        headers: AUTH,
        payload: { category: 'hazard', source: 'hotline', region: '139900100', title: 't' },
      });
      expect(io.statusCode).toBe(503);
      expect(io.json().error.message).toMatch(/cannot read or write/);
    } finally {
      delete store.applyStatus;
      delete store.createClue;
    }
    expect((await app.store.getCameras([cam(1).id])).get(cam(1).id)!.status).toBe('online');
    expect((await report('offline')).statusCode).toBe(200);
  });
});
