import fp from 'fastify-plugin';
import { periodOf } from '@zhihui/shared';
import { acquireLeadership, type Leadership } from '../scaleout/leader.js';
import { SIM_ACTOR, Simulator, todayIsEmpty } from '../live/simulator.js';

const STEP_MS = 1000;

/**
 * The demo data source (SIMULATOR=on): runs on the leader only, through app.ingest like any
 * client. On a fresh start with an empty today it backfills today first, so the wall's figures
 * for today are not zero.
 */
export default fp(
  async (app) => {
    if (!app.config.simulator) return;
    let leadership: Leadership | null = null;
    let timer: NodeJS.Timeout | null = null;
    let running: Promise<void> | null = null;
    let stopped = false;
    const offs: (() => void)[] = [];
    let sim: Simulator | null = null;

    const start = async () => {
      leadership = await acquireLeadership(app.config, 'simulator', { log: app.log });
      const store = app.store;
      const now = Date.now();
      const today = periodOf('today', now);
      const [cameras, workers, clues, reports] = await Promise.all([
        store.allCameras(),
        store.allGridWorkers(),
        store.cluesForWall(today.from),
        store.gridReports({ from: today.from, to: today.to }),
      ]);
      if (stopped) return;
      sim = new Simulator({
        ingest: app.ingest,
        tree: app.regions,
        cameras,
        workers,
        openClues: clues.filter(
          (c) => c.createdBy === SIM_ACTOR && ['reported', 'verified', 'dispatched', 'resolved'].includes(c.status),
        ),
        seed: Number(process.env.SIMULATOR_SEED ?? now % 1_000_000),
        speed: app.config.simulatorSpeed,
        heartbeatSec: Math.max(10, app.config.heartbeatTimeoutSec),
      });
      const s = sim;
      offs.push(
        app.bus.on('cameras', (p) => s.observeCameras(p.cameras)),
        app.bus.on('grid', (p) => s.observeWorkers(p.workers)),
      );
      const tick = () => {
        if (stopped || running || !leadership?.isLeader()) return;
        running = s
          .step(Date.now())
          .catch((err: unknown) => app.log.error({ err }, 'simulator step failed'))
          .finally(() => (running = null));
      };
      if (leadership.isLeader() && todayIsEmpty(clues, reports, now)) {
        running = s
          .backfill(Date.parse(today.from), now)
          .then(() => app.log.info({ stats: s.stats }, 'simulator backfilled today'))
          .catch((err: unknown) => app.log.error({ err }, 'simulator backfill failed'))
          .finally(() => (running = null));
      }
      timer = setInterval(tick, STEP_MS);
      timer.unref();
      app.log.info({ speed: app.config.simulatorSpeed, cameras: cameras.length }, 'simulator running');
    };

    let starting: Promise<void> | null = null;
    app.addHook('onReady', async () => {
      // Not awaited: the backfill runs while the server starts listening.
      starting = start();
      starting.catch((err: unknown) => app.log.error({ err }, 'simulator failed to start'));
    });
    app.addHook('preClose', async () => {
      stopped = true;
      sim?.stop();
      await starting?.catch(() => {});
      sim?.stop();
      if (timer) clearInterval(timer);
      for (const off of offs) off();
      await running;
      await leadership?.close();
    });
  },
  { name: 'simulator', fastify: '5.x', dependencies: ['config', 'bus', 'store', 'ingest', 'live'] },
);
