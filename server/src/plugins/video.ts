import fp from 'fastify-plugin';
import { ConfigFileError } from '../config/file.js';
import { Broker } from '../video/broker.js';
import { loadDemoAssets } from '../video/demo.js';
import { LEASE_SEC, VideoService } from '../video/service.js';
import { Sessions } from '../video/sessions.js';
import { resolveVideoSettings, type VideoSettings } from '../video/settings.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Live video: play URLs brokered from the inventory, URL templates or wvp; viewer counting; the demo stream. */
    video: VideoService;
  }
}

const SWEEP_MS = 10_000;
/** Sessions one process holds at most: a runaway client cannot pile up platform streams. */
const MAX_SESSIONS = 2000;

/**
 * The video capability. Settings come from the config file's `video:` section (wvp connections
 * from `sources:`), checked at start with errors naming the key. Viewer counts live in this
 * process: with several server processes each releases its own viewers' streams.
 */
export default fp(
  async (app) => {
    let settings: VideoSettings;
    try {
      settings = resolveVideoSettings(app.config.file);
    } catch (err) {
      throw new ConfigFileError(`ZHIHUI_CONFIG ${app.config.configPath ?? ''}: ${(err as Error).message}`);
    }
    const demo = settings.demo ? loadDemoAssets(app.config.fixturesDir) : null;
    if (settings.demo && !demo)
      app.log.warn(
        { dir: app.config.fixturesDir },
        'video: demo clip fixtures/video/demo.flv missing or unreadable; channels without a source will not play',
      );

    const broker = new Broker(settings, { store: app.store, tree: () => app.live.engine.tree, demo });
    const sessions = new Sessions({
      open: (cam) => broker.open(cam),
      leaseMs: LEASE_SEC * 1000,
      maxSessions: MAX_SESSIONS,
      onRelease: () => app.metrics.inc('zhihui_video_platform_stops_total'),
      onReleaseError: (channelId, err) =>
        app.log.warn(
          { channelId, err: (err as Error).message },
          'video: the platform did not take the stop of a stream',
        ),
    });
    const service = new VideoService(settings, () => app.live.engine, broker, sessions);
    app.decorate('video', service);

    app.metrics.describe(
      'zhihui_video_platform_stops_total',
      'streams released on the platform after their last viewer closed',
    );
    app.metrics.gauge('zhihui_video_sessions', () => sessions.stats().sessions, 'open video sessions (tiles playing)');
    app.metrics.gauge(
      'zhihui_video_channels',
      () => sessions.stats().channels,
      'channels streaming to at least one viewer',
    );

    const timer = setInterval(() => sessions.sweep(), SWEEP_MS);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await sessions.closeAll();
    });
  },
  { name: 'video', fastify: '5.x', dependencies: ['config', 'store', 'live', 'metrics'] },
);
