// Issue 16 (one answer per rule): once too many failed authentications from one address wait, a
// wrong API key, a wrong viewer token (the gate) and a wrong password (sign-in) are all refused
// alike by countFailedAuth: 429 RATE_LIMITED with retry-after and the same words; the gate also
// clears the viewer cookie that failed. Nothing is stored by a refused sign-in.
import { describe, expect, test } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { cam, useSmallApp } from '../server/helpers.js';

/** Twice what the throttle holds per address (8): past those held, failures are refused at once. */
const BURST = 16;

describe('one refusal for too many failed authentications', () => {
  let app: FastifyInstance;
  useSmallApp((a) => (app = a), { rateLimitAuthFailures: 1, requireViewer: 'on' });

  /** Fires BURST requests at once and returns the ones answered 429 (the held ones end when the app closes). */
  async function refusedOf(send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse[]> {
    const refused: LightMyRequestResponse[] = [];
    const all = Array.from({ length: BURST }, () =>
      send().then((r) => {
        if (r.statusCode === 429) refused.push(r);
        return r;
      }),
    );
    // The refusals come at once; the others wait growing delays (up to 10 s) that the test does not sit out.
    for (const end = Date.now() + 5_000; refused.length < BURST - 11 && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 20));
    void Promise.allSettled(all);
    return refused;
  }

  const words = (r: LightMyRequestResponse) => (r.json() as { error: { code: string; message: string } }).error;

  test('a wrong key, a wrong viewer cookie and a wrong password: 429 RATE_LIMITED, retry-after, the same words', async () => {
    const key = await refusedOf(() =>
      app.inject({
        method: 'POST',
        url: '/api/v1/cameras/status',
        remoteAddress: '10.0.0.1',
        headers: { authorization: 'Bearer wrong-key' },
        payload: { reports: [{ cameraId: cam(1).id, status: 'online' }] },
      }),
    );
    const gate = await refusedOf(() =>
      app.inject({
        method: 'GET',
        url: '/api/v1/regions',
        remoteAddress: '10.0.0.2',
        headers: { cookie: 'zhihui_viewer=zhv_0000000000000000_wrong' },
      }),
    );
    const before = await app.store.listUsers();
    const signIn = await refusedOf(() =>
      app.inject({
        method: 'POST',
        url: '/api/v1/session',
        remoteAddress: '10.0.0.3',
        payload: { name: 'nobody', password: 'Wrong-pass-2026!' },
      }),
    );
    for (const [what, refused] of Object.entries({ key, gate, signIn })) {
      expect(refused.length, what).toBeGreaterThanOrEqual(3);
      for (const r of refused) {
        expect(words(r), what).toMatchObject({
          code: 'RATE_LIMITED',
          message: expect.stringMatching(/^too many failed authentications from this address; retry in \d+ s$/),
        });
        expect(Number(r.headers['retry-after']), what).toBeGreaterThan(0);
        expect(words(r).message).toContain(`retry in ${r.headers['retry-after']} s`);
        expect(r.headers['set-cookie'] ?? '', what).not.toMatch(/zhihui_session=[^;]/);
      }
    }
    // The gate clears the cookie that failed, on a refusal as on a 401.
    for (const r of gate) expect(String(r.headers['set-cookie'])).toMatch(/zhihui_viewer=; Max-Age=0/);
    expect(await app.store.listUsers()).toEqual(before);
  });
});
