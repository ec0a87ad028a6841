import fp from 'fastify-plugin';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buildRegionTree, type RegionTree } from '@zhihui/shared';
import { createSqliteStore, PAGE_SIZE } from '../store/sqlite/index.js';
import { sqlitePageSize } from '../store/sqlite/repage.js';
import { seedStore } from '../store/seed.js';
import type { Store } from '../store/types.js';
import type { Metrics } from './metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    /** The region tree, loaded from the store after seeding; read it each time (it is replaced on reload). */
    regions: RegionTree;
    /** Rebuilds `app.regions` from the store (after regions were written) and announces it on the bus (`regions`). */
    reloadRegions(): Promise<void>;
  }
}

/** Wraps every store method so its latency lands in zhihui_store_seconds{op}, whichever backend. */
function timed(store: Store, metrics: Metrics): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const done = () => metrics.observe('zhihui_store_seconds', { op: prop }, (performance.now() - t0) / 1000);
        const r = (v as (...a: unknown[]) => unknown).apply(target, args);
        if (r instanceof Promise) return r.finally(done);
        done();
        return r;
      };
    },
  });
}

/**
 * The store: PostgreSQL when DATABASE_URL is set, SQLite in DATA_DIR otherwise. Migrates, seeds
 * an empty store from the fixtures (when SEED is on), loads the region tree, closes on shutdown.
 */
export default fp(
  async (app) => {
    const { config } = app;
    let raw: Store;
    let sqliteFile: string | null = null;
    if (config.databaseUrl) {
      raw = await (await import('../store/postgres/index.js')).createPostgresStore(config.databaseUrl);
    } else {
      await mkdir(config.dataDir, { recursive: true });
      sqliteFile = path.join(config.dataDir, 'zhihui.db');
      raw = createSqliteStore(sqliteFile);
    }
    app.addHook('onClose', async () => {
      await raw.close();
    });
    await raw.migrate();
    const pageSize = sqliteFile === null ? null : sqlitePageSize(sqliteFile);
    if (pageSize !== null && pageSize !== PAGE_SIZE)
      app.log.info(
        { file: sqliteFile, pageSize, newFiles: PAGE_SIZE },
        'this SQLite store has another page size than new files get (theirs keeps a status storm faster as the history grows): `npm run repage`, with the server stopped, rewrites it',
      );
    if (config.seed && (await raw.isEmpty())) {
      const r = await seedStore(raw, { fixturesDir: config.fixturesDir, anchor: config.seedAnchor });
      if (r.seeded) app.log.info({ shiftDays: r.shiftDays, ...r.counts }, 'seeded the store from fixtures');
      else
        app.log.warn(
          { fixturesDir: config.fixturesDir },
          'no fixtures found (fixtures/data/meta.json): the store starts empty',
        );
    }
    const store = timed(raw, app.metrics);
    app.decorate('store', store);
    app.decorate('regions', buildRegionTree(await store.listRegions()));
    app.decorate('reloadRegions', async function reloadRegions() {
      app.regions = buildRegionTree(await store.listRegions());
      // Local only: every process reads its own tree from the store.
      app.bus.deliver('regions', { regions: app.regions.byCode.size });
    });
    if (app.regions.byCode.size === 0)
      app.log.warn('the region tree is empty: region routes answer 404 until regions are loaded');
  },
  { name: 'store', fastify: '5.x', dependencies: ['config', 'bus', 'metrics'] },
);
