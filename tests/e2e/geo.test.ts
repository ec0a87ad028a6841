// GET /api/v1/regions/:code/geo and /api/v1/ui-config, which the wall's map loads first.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import configPlugin from '../../server/src/plugins/config.js';
import { loadConfig } from '../../server/src/config/env.js';
import geoRoutes from '../../server/src/routes/geo.js';

describe('geo routes', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify({ logger: false });
    await app.register(configPlugin, {
      config: loadConfig({}, { region: '130111', tileUrl: 'http://tiles.intranet/{z}/{x}/{y}.png' }),
    });
    await app.register(geoRoutes, { prefix: '/api/v1' });
    await app.ready();
  });
  afterAll(() => app.close());

  test('a county: its outline and its 7 townships, marked approximate', async () => {
    const res = await app.inject('/api/v1/regions/130111/geo');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.outline.type).toBe('Feature');
    expect(body.children.type).toBe('FeatureCollection');
    expect(body.children.features).toHaveLength(7);
    for (const f of body.children.features) {
      expect(f.properties.code).toMatch(/^130111\d{3}$/);
      expect(f.properties.approximate).toBe(true);
      expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    }
  });

  test('a city: its counties', async () => {
    const body = (await app.inject('/api/v1/regions/131000/geo')).json();
    expect(body.children.features.length).toBe(10);
  });

  test('a township without children: its own outline and an empty collection', async () => {
    const res = await app.inject('/api/v1/regions/130111103/geo');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.outline.properties.code).toBe('130111103');
    expect(body.children).toEqual({ type: 'FeatureCollection', features: [] });
  });

  test('an unknown region is a 404 in the one error shape', async () => {
    const res = await app.inject('/api/v1/regions/999999/geo');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'UNKNOWN_REGION', message: 'unknown region: 999999' } });
  });

  test('ui-config tells the client its default region and tile server', async () => {
    const body = (await app.inject('/api/v1/ui-config')).json();
    expect(body.region).toBe('130111');
    expect(body.tileUrl).toBe('http://tiles.intranet/{z}/{x}/{y}.png');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
