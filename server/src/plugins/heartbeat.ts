import fp from 'fastify-plugin';
import { acquireLeadership } from '../scaleout/leader.js';

/**
 * The heartbeat sweep: every few seconds, channels not heard from in time become unknown, then
 * offline (app.ingest.markSilent), each on the timeout of the source that feeds it: periodic
 * sources (the REST API, the simulator, RTSP probes) by channel, change-only sources (wvp, ZLMediaKit
 * hooks, MQTT) not at all: their liveness is the source's own (server/src/sources). Only the
 * leading process sweeps; none during the start grace. Who feeds which channel is saved with it.
 */
export default fp(
  async (app) => {
    const leadership = await acquireLeadership(app.config, 'heartbeat', { log: app.log });
    // Often enough that a channel turns unknown close to its timeout; never more than every 5 s.
    const everyMs = Math.max(5_000, Math.min(30_000, (app.config.heartbeatTimeoutSec * 1000) / 10));
    const saveOwners = () =>
      app.ingest.liveness
        .save()
        .catch((err: unknown) => app.log.warn({ err }, 'heartbeat: could not save channel owners'));
    let running = false;
    const timer = setInterval(() => {
      if (running || !leadership.isLeader()) return;
      running = true;
      app.ingest
        .markSilent(Date.now())
        .then((n) => {
          if (n > 0) app.log.info({ channels: n }, 'heartbeat: silent channels marked');
        })
        .catch((err: unknown) => app.log.error({ err }, 'heartbeat sweep failed'))
        .then(saveOwners)
        .finally(() => {
          running = false;
        });
    }, everyMs);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      if (leadership.isLeader()) await saveOwners();
      await leadership.close();
    });
  },
  { name: 'heartbeat', fastify: '5.x', dependencies: ['config', 'ingest'] },
);
