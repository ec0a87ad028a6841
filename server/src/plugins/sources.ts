import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { acquireLeadership } from '../scaleout/leader.js';
import { createAdapter } from '../sources/adapters.js';
import { SourceRegistry, type SourceView } from '../sources/registry.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The configured status sources (wvp, ZLMediaKit, MQTT, RTSP probes): health, precedence, catalog. */
    sources: SourceRegistry;
  }
}

/** Health per source on /metrics, read from the registry at each scrape. */
function sourceGauges(m: FastifyInstance['metrics'], registry: SourceRegistry): void {
  const per = (value: (v: SourceView) => number) => () =>
    registry.list().map((v) => ({ labels: { source: v.id, kind: v.kind }, value: value(v) }));
  m.gauge(
    'zhihui_source_up',
    per((v) => (v.state === 'up' ? 1 : 0)),
    'Status source up (1), or starting or down (0)',
  );
  m.gauge(
    'zhihui_source_connected',
    per((v) => (v.connected ? 1 : 0)),
    'Status source connection (or keepalive) present',
  );
  m.gauge(
    'zhihui_source_messages',
    per((v) => v.messages),
    'Messages received from the source since the start',
  );
  m.gauge(
    'zhihui_source_messages_per_minute',
    per((v) => v.messagesPerMinute),
    'Messages received in the last minute',
  );
  m.gauge(
    'zhihui_source_rejects_per_minute',
    per((v) => v.rejectsPerMinute),
    'Bad input from the source in the last minute',
  );
  m.gauge(
    'zhihui_source_rejects',
    () =>
      registry.list().flatMap((v) =>
        Object.entries(v.rejects).map(([reject, n]) => ({
          labels: { source: v.id, kind: v.kind, reject },
          value: n,
        })),
      ),
    'Bad input from the source since the start, by kind (bad_payload, unknown_id, …)',
  );
  m.gauge(
    'zhihui_source_last_message_timestamp_seconds',
    per((v) => (v.lastMessageAt === null ? 0 : Date.parse(v.lastMessageAt) / 1000)),
    'Time of the last message from the source',
  );
  m.gauge(
    'zhihui_source_channels',
    per((v) => v.channels),
    'Channels whose state comes from the source',
  );
  m.gauge(
    'zhihui_source_flapping_channels',
    per((v) => v.flapping),
    'Channels held because they flap',
  );
  m.gauge(
    'zhihui_source_flapping_episodes',
    per((v) => v.flappingEpisodes),
    'Flapping episodes since the start (each counted once)',
  );
}

/**
 * The status sources of the config file's `sources:` section, each feeding the one ingest path
 * with the actor `source:<id>`. They run in the leading process only (one MQTT subscription, one
 * Redis subscriber per deployment); ZLMediaKit hooks are answered by whichever process receives
 * them. Health per source goes to /metrics here and to GET /api/v1/sources (routes/sources.ts).
 */
export default fp(
  async (app) => {
    const registry = new SourceRegistry({
      sources: app.config.file.sources ?? [],
      heartbeatTimeoutSec: app.config.heartbeatTimeoutSec,
      ingest: app.ingest,
      store: app.store,
      bus: app.bus,
      log: app.log,
      adapters: (config, feed) =>
        createAdapter(config, feed, { ingest: app.ingest, store: app.store, regions: () => app.regions }),
    });
    app.decorate('sources', registry);

    sourceGauges(app.metrics, registry);

    if (registry.feeds.size === 0) return;
    const leadership = await acquireLeadership(app.config, 'sources', { log: app.log });
    const follow = (leader: boolean) => {
      const run = leader ? registry.start() : registry.stop();
      run.catch((err: unknown) => app.log.error({ err }, `sources: could not ${leader ? 'start' : 'stop'}`));
    };
    app.addHook('onReady', async () => {
      leadership.onChange(follow);
      if (leadership.isLeader()) await registry.start();
    });
    app.addHook('onClose', async () => {
      await registry.stop();
      await leadership.close();
    });
  },
  { name: 'sources', fastify: '5.x', dependencies: ['config', 'bus', 'metrics', 'store', 'ingest'] },
);
