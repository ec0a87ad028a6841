import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ErrorBodySchema,
  ErrorCode,
  RegionCodeParamsSchema,
  RegionGeoSchema,
  UiConfigSchema,
  type GeoCollection,
  type GeoFeature,
  type Region,
  type RegionGeo,
} from '@zhihui/shared';
import { assertReaches, rootOf } from '../domain/reach.js';

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const codeOf = (f: GeoFeature): unknown => f.properties?.code ?? f.properties?.adcode;

// Boundary files never change while the server runs, so each answer is built once.
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const geoDir = path.join(app.config.fixturesDir, 'data', 'geo');
  const cache = new Map<string, Promise<RegionGeo | null>>();
  let regions: Promise<Map<string, Region>> | null = null;
  const version = await readJson<{ version?: string }>(
    fileURLToPath(new URL('../../package.json', import.meta.url)),
  ).then(
    (p) => p?.version ?? '0.0.0',
    () => '0.0.0',
  );

  const regionIndex = (): Promise<Map<string, Region>> => {
    regions ??= readJson<Region[]>(path.join(app.config.fixturesDir, 'data', 'regions.json')).then(
      (list) => new Map((list ?? []).map((r) => [r.code, r] as const)),
    );
    return regions;
  };

  async function load(code: string): Promise<RegionGeo | null> {
    const children = await readJson<GeoCollection>(path.join(geoDir, `${code}.json`));
    let outline = await readJson<GeoFeature>(path.join(geoDir, `${code}.outline.json`));
    const region = (await regionIndex()).get(code);
    if (!children && !outline && !region) return null;
    if (!outline && region?.parent) {
      // A township has no outline file of its own: its polygon is one of its parent's children.
      const siblings = await readJson<GeoCollection>(path.join(geoDir, `${region.parent}.json`));
      outline = siblings?.features.find((f) => String(codeOf(f)) === code) ?? null;
    }
    return { outline, children: children ?? { type: 'FeatureCollection', features: [] } };
  }

  app.get(
    '/regions/:code/geo',
    {
      schema: {
        tags: ['regions'],
        summary: "A region's outline and its child regions' polygons (GeoJSON, WGS84)",
        params: RegionCodeParamsSchema,
        response: { 200: RegionGeoSchema, 403: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      const { code } = req.params;
      assertReaches(app.regions, rootOf(req), code);
      let entry = cache.get(code);
      if (!entry) {
        entry = load(code);
        cache.set(code, entry);
        // A failed read is not cached: the next request tries again.
        entry.catch(() => cache.delete(code));
      }
      const geo = await entry;
      if (!geo) {
        cache.delete(code);
        return reply.code(404).send({ error: { code: ErrorCode.unknownRegion, message: `unknown region: ${code}` } });
      }
      // A shared cache must not hand one credential's answer to another when credentials are bound.
      reply.header('cache-control', req.principal ? 'private, max-age=3600' : 'public, max-age=3600');
      return geo;
    },
  );

  app.get(
    '/ui-config',
    {
      schema: {
        tags: ['wall'],
        summary: 'What the wall client needs to know about this deployment',
        response: { 200: UiConfigSchema },
      },
    },
    async () => ({ region: app.config.region, tileUrl: app.config.tileUrl, version }),
  );
};

export default routes;
