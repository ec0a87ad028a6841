import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { io as ioClient } from 'socket.io-client';
import { AUTH, smallApp, tmpDir } from '../server/helpers.js';
import { passwordProblems } from '../../server/src/people/password.js';
import { PeopleService } from '../../server/src/people/service.js';

const A = '139900100';
const B = '139900200';
const PW = 'Duty-desk-2026!';
const by = { name: 'cli', ref: 'cli:test' };

/** The session cookie's `name=value` from a Set-Cookie header. */
function cookieOf(setCookie: string | string[] | undefined): string {
  const line = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).find((c) => c.startsWith('zhihui_session='));
  if (!line) throw new Error('no session cookie');
  return line.split(';')[0]!;
}

async function signIn(app: FastifyInstance, name: string, password = PW, headers: Record<string, string> = {}) {
  const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password }, headers });
  expect(r.statusCode, r.body).toBe(201);
  return {
    cookie: cookieOf(r.headers['set-cookie']),
    csrf: r.json().csrfToken as string,
    setCookie: String(r.headers['set-cookie']),
  };
}

describe('people: accounts, sign-in, sessions, CSRF, lockout, regions', () => {
  let app: FastifyInstance;
  let cleanup: () => void;
  beforeAll(async () => {
    const t = tmpDir();
    cleanup = t.cleanup;
    app = await smallApp(t.dir, {
      people: { maxFailures: 3, lockMs: 60_000, idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 },
    });
    await app.people.service.add({ name: 'opA', role: 'operator', region: A, password: PW }, by);
    await app.people.service.add({ name: 'opB', role: 'operator', region: B, password: PW }, by);
    await app.people.service.add({ name: 'lead', role: 'leader', region: '139900', password: PW }, by);
    for (const [id, region] of [
      ['CA', A],
      ['CB', B],
    ] as const) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/clues',
        headers: AUTH,
        payload: { id, region, category: 'hazard', source: 'hotline', title: `线索${id}` },
      });
      expect(r.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  test('password rules name what is missing; the hash is argon2id and never the password', async () => {
    expect(passwordProblems('short', 'x')).toContain('at least 10 characters');
    expect(passwordProblems('alllowercaseletters', 'x')[0]).toMatch(/three of/);
    expect(passwordProblems('opA-Strong-123', 'opA')).toContain('must not contain the account name');
    expect(passwordProblems('Password123!', 'x')).toContain('too well known');
    expect(passwordProblems(PW, 'opA')).toEqual([]);
    const u = (await app.store.getUserByName('opA'))!;
    expect(u.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(u.passwordHash).not.toContain(PW);
    const weak = await app.people.service
      .add({ name: 'weak', role: 'operator', region: A, password: 'abc' }, by)
      .catch((e: unknown) => e);
    expect(weak).toMatchObject({ statusCode: 400, details: [{ field: 'password' }] });
    expect(await app.store.getUserByName('weak')).toBeNull();
  });

  test('sign in: cookie HttpOnly + SameSite=Strict (+ Secure behind TLS); GET says who; the response never carries the hash', async () => {
    const s = await signIn(app, 'opA');
    expect(s.setCookie).toMatch(/HttpOnly/);
    expect(s.setCookie).toMatch(/SameSite=Strict/);
    expect(s.setCookie).not.toMatch(/Secure/);
    const tls = await signIn(app, 'opA', PW, { 'x-forwarded-proto': 'https' });
    expect(tls.setCookie).toMatch(/; Secure/);
    const me = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: s.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { name: 'opA', role: 'operator', region: A }, csrfToken: s.csrf });
    expect(me.body).not.toContain('argon2');
    // The store keeps the digest of the cookie's secret, not the secret.
    const secret = s.cookie.split('=')[1]!;
    expect(await app.store.getSession(secret)).toBeNull();
    expect((await app.inject({ method: 'GET', url: '/api/v1/session' })).statusCode).toBe(401);
  });

  test('a cookie write without the CSRF token is refused and changes nothing; with it, it goes through the lifecycle API as the person', async () => {
    const s = await signIn(app, 'opA');
    const bare = await app.inject({
      method: 'PATCH',
      url: '/api/v1/clues/CA',
      headers: { cookie: s.cookie },
      payload: { status: 'verified' },
    });
    expect(bare.statusCode).toBe(403);
    expect(bare.json().error.code).toBe('CSRF_REFUSED');
    const wrong = await app.inject({
      method: 'PATCH',
      url: '/api/v1/clues/CA',
      headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(32) },
      payload: { status: 'verified' },
    });
    expect(wrong.statusCode).toBe(403);
    expect((await app.store.getClue('CA'))!.clue.status).toBe('reported');
    const ok = await app.inject({
      method: 'PATCH',
      url: '/api/v1/clues/CA',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { status: 'verified', note: '核实属实' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const h = (await app.store.getClue('CA'))!.history;
    expect(h.at(-1)).toMatchObject({ to: 'verified', actor: 'opA' });
    const bad = await app.inject({
      method: 'PATCH',
      url: '/api/v1/clues/CA',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { status: 'reported' },
    });
    expect(bad.statusCode).toBe(409);
  });

  test("an operator of one township neither sees nor changes the other township's clues (API)", async () => {
    const s = await signIn(app, 'opA');
    const h = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    expect((await app.inject({ method: 'GET', url: '/api/v1/clues/CB', headers: h })).statusCode).toBe(404);
    const list = await app.inject({ method: 'GET', url: '/api/v1/clues', headers: h });
    expect(list.statusCode).toBe(200);
    const ids = (list.json().items as { id: string }[]).map((c) => c.id);
    expect(ids).toContain('CA');
    expect(ids).not.toContain('CB');
    expect(
      (await app.inject({ method: 'PATCH', url: '/api/v1/clues/CB', headers: h, payload: { status: 'verified' } }))
        .statusCode,
    ).toBe(404);
    const create = await app.inject({
      method: 'POST',
      url: '/api/v1/clues',
      headers: h,
      payload: { region: B, category: 'hazard', source: 'hotline', title: '越界' },
    });
    expect(create.statusCode).toBe(403);
    expect((await app.store.getClue('CB'))!.clue.status).toBe('reported');
    // A leader reads but never writes; neither role administers.
    const l = await signIn(app, 'lead');
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/clues/CB', headers: { cookie: l.cookie } })).statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'PATCH',
          url: '/api/v1/clues/CB',
          headers: { cookie: l.cookie, 'x-csrf-token': l.csrf },
          payload: { status: 'verified' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/admin/keys', headers: { cookie: s.cookie } })).statusCode,
    ).toBe(403);
  });

  test("an operator's socket subscribes to their township, not the other one", async () => {
    for (const end = Date.now() + 20_000; !(app.live.has(A) && app.live.has(B)) && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 50));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const s = await signIn(app, 'opA');
    const sock = ioClient(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      extraHeaders: { cookie: s.cookie, origin: `http://127.0.0.1:${port}` },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        sock.on('connect', () => resolve());
        sock.on('connect_error', reject);
      });
      const ask = (region: string) =>
        new Promise<{ ok: boolean; error?: { code: string } }>((resolve) =>
          sock.emit('subscribe', { region }, resolve),
        );
      const a = await ask(A);
      expect(a.error ?? null).toBeNull();
      expect(await ask(B)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    } finally {
      sock.close();
    }
  });

  test(`wrong passwords lock the account after N tries (423 with retry-after), even for the right password; unknown names answer alike; all audited`, async () => {
    await app.people.service.add({ name: 'victim', role: 'operator', region: A, password: PW }, by);
    const codes: number[] = [];
    for (let i = 0; i < 3; i++)
      codes.push(
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/session',
            payload: { name: 'victim', password: `Wrong-pass-${i}!` },
          })
        ).statusCode,
      );
    expect(codes).toEqual([401, 401, 423]);
    const right = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { name: 'victim', password: PW },
    });
    expect(right.statusCode).toBe(423);
    expect(right.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(right.headers['set-cookie']).toBeUndefined();
    const ghost: number[] = [];
    for (let i = 0; i < 3; i++)
      ghost.push(
        (
          await app.inject({
            method: 'POST',
            url: '/api/v1/session',
            payload: { name: 'nobody', password: `Wrong-pass-${i}!` },
          })
        ).statusCode,
      );
    expect(ghost).toEqual([401, 401, 423]);
    const audit = await app.store.listAudit({ action: 'session.', limit: 500 });
    const lines = audit.items.filter(
      (e) => (e.details as { name?: string } | null)?.name === 'victim' || e.actor === 'victim',
    );
    expect(lines.filter((e) => e.action === 'session.fail')).toHaveLength(3);
    expect(lines.filter((e) => e.action === 'session.locked')).toHaveLength(1);
    expect(
      audit.items.some((e) => e.action === 'session.create' && e.actor === 'opA' && e.actorId?.startsWith('u')),
    ).toBe(true);
    // Unlocked by an admin (audited), the right password works again.
    await app.people.service.unlock((await app.store.getUserByName('victim'))!, by);
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'victim', password: PW } }))
        .statusCode,
    ).toBe(201);
  });

  test('sign out ends the session server-side (the old cookie no longer works); idle sessions end', async () => {
    const s = await signIn(app, 'opA');
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: s.cookie } })).statusCode,
    ).toBe(403);
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: '/api/v1/session',
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: s.cookie } })).statusCode,
    ).toBe(401);
    // Idle: the same store seen by a service whose idle time has passed ends the session (audited).
    const t = await signIn(app, 'opA');
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: t.cookie } })).statusCode,
    ).toBe(200);
    const strict = new PeopleService(app.store, { ...app.config.people, idleMs: 5 }, () => app.regions);
    await new Promise((r) => setTimeout(r, 20));
    expect(await strict.resolve(t.cookie.split('=')[1]!)).toBeNull();
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: t.cookie } })).statusCode,
    ).toBe(401);
    const expired = await app.store.listAudit({ action: 'session.expire', limit: 10 });
    expect(expired.items[0]?.details).toMatchObject({ reason: 'idle' });
  });

  test('bad sign-in bodies are 400 naming the field; the desk page sends those not signed in to /login', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'opA' } });
    expect(r.statusCode).toBe(400);
    expect(r.body).toMatch(/password/);
    const d = await app.inject({ method: 'GET', url: `/desk/${A}` });
    expect(d.statusCode).toBe(302);
    expect(d.headers.location).toBe(`/login?next=${encodeURIComponent(`/desk/${A}`)}`);
  });
});

describe('people under the viewer gate: the meeting view and reports', () => {
  let app: FastifyInstance;
  let cleanup: () => void;
  beforeAll(async () => {
    const t = tmpDir();
    cleanup = t.cleanup;
    app = await smallApp(t.dir, {
      requireViewer: 'on',
      viewerTokens: [{ name: 'wall', key: 'wall-token-1234567890' }],
    });
    await app.people.service.add({ name: 'opA', role: 'operator', region: A, password: PW }, by);
    await app.people.service.add({ name: 'lead', role: 'leader', region: '139900', password: PW }, by);
  });
  afterAll(async () => {
    await app.close();
    cleanup();
  });

  test("a leader's session opens the meeting and the report; an operator's reads the API but not the meeting; a viewer token as before; nobody is 401", async () => {
    const l = await signIn(app, 'lead');
    const o = await signIn(app, 'opA');
    const report = `/api/v1/regions/139900/report.html`;
    expect((await app.inject({ method: 'GET', url: report })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: report, headers: { cookie: l.cookie } })).statusCode).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/regions/139900/ranking', headers: { cookie: l.cookie } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: report, headers: { authorization: 'Bearer wall-token-1234567890' } }))
        .statusCode,
    ).toBe(200);
    const op = await app.inject({
      method: 'GET',
      url: `/api/v1/regions/${A}/report.html`,
      headers: { cookie: o.cookie },
    });
    expect(op.statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/regions/${A}/summary`, headers: { cookie: o.cookie } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/regions/${B}/summary`, headers: { cookie: o.cookie } }))
        .statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: `/meeting/139900`, headers: { cookie: o.cookie } })).statusCode,
    ).toBe(403);
  });
});
