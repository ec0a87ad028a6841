import { describe, expect, test } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { maskSecrets } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config/env.js';
import { useSmallApp } from './helpers.js';

describe('secrets stay out of the logs', () => {
  test('viewer tokens and keys in a URL are masked, other parameters kept', () => {
    expect(maskSecrets('/wall/130111?token=zhv_abc_def&lang=en')).toBe('/wall/130111?token=***&lang=en');
    expect(maskSecrets('/x?lang=en&Token=s3cret#frag')).toBe('/x?lang=en&Token=***#frag');
    expect(maskSecrets('/api/v1/regions?key=abc')).toBe('/api/v1/regions?key=***');
    expect(maskSecrets('/wall/130111?tokenish=1')).toBe('/wall/130111?tokenish=1');
  });
});

describe('TRUST_PROXY', () => {
  test('the default believes X-Forwarded-For from a proxy on this machine only', async () => {
    const probe = Fastify({ trustProxy: loadConfig({}).trustProxy });
    probe.get('/ip', async (req) => ({ ip: req.ip }));
    const remote = await probe.inject({
      url: '/ip',
      remoteAddress: '203.0.113.7',
      headers: { 'x-forwarded-for': '198.51.100.1' },
    });
    const local = await probe.inject({
      url: '/ip',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': '198.51.100.2' },
    });
    expect(remote.json()).toEqual({ ip: '203.0.113.7' });
    expect(local.json()).toEqual({ ip: '198.51.100.2' });
    await probe.close();
  });

  test('defaults to loopback; off, on and address lists are understood', () => {
    expect(loadConfig({}).trustProxy).toBe('loopback');
    expect(loadConfig({ TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'on' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toBe('10.0.0.0/8');
  });
});

describe('errors Fastify raises before routing', () => {
  let app: FastifyInstance;
  useSmallApp((a) => (app = a));

  test('a URL that cannot be decoded gets a 400 in the one error shape', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/clues/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
