import { randomUUID } from 'node:crypto';
import type { Bus, BusEventName, BusEvents } from '../bus.js';
import type { Config } from '../config/env.js';
import { closeRedis, connectSoon, consoleLog, deploymentPrefix, redisClient, type ScaleLog } from './redis.js';

type Message =
  | { o: string; k: 'event'; e: BusEventName; p: BusEvents[BusEventName] }
  /** The sender just started, or could not publish for a while: receivers may have missed events and should resync. */
  | { o: string; k: 'gap' };

export interface BridgeOptions {
  log?: ScaleLog;
  /** Called when this process may have missed events (its link to Redis was down, or a sender's was). */
  onGap?: (why: string) => void;
  /** Channel override (default: `<deployment prefix>:bus`, see deploymentPrefix). */
  channel?: string;
}

/** The camera records newer than this process has seen (`sinceOf` remembers each one's `since`). */
function freshCameras(sinceOf: Map<string, number>, payload: BusEvents['cameras']): BusEvents['cameras'] {
  // A late report that took a stored change back may move `since` back: that record is news.
  const rewritten = new Set((payload.retracted ?? []).map((e) => e.cameraId));
  const fresh = payload.cameras.filter((c) => {
    const s = Date.parse(c.since);
    const known = sinceOf.get(c.id);
    if (known !== undefined && s < known && !rewritten.has(c.id)) return false;
    sinceOf.set(c.id, s);
    return true;
  });
  return fresh.length === payload.cameras.length ? payload : { ...payload, cameras: fresh };
}

/**
 * Bridges the in-process bus across server processes over Redis pub/sub. Every event emitted
 * here (after its commit) is published with this process's origin id; every event from another
 * origin is delivered into the local bus and not published again. Without REDIS_URL it does nothing.
 *
 * Camera records from elsewhere that are older than what this process already has (smaller
 * `since`, which only grows in the database's commit order) are dropped, so two processes that
 * apply changes to one channel at the same moment still converge on the database's final state.
 *
 * One closure over the two Redis clients and their link state (missed publishes, subscription
 * down), which publishing, gap detection and delivery all read, so that state has one owner.
 */
export async function bridgeBus(bus: Bus, config: Config, opts: BridgeOptions = {}): Promise<() => Promise<void>> {
  if (!config.redisUrl) return async () => {};
  const log = opts.log ?? consoleLog;
  const channel = opts.channel ?? `${deploymentPrefix(config)}:bus`;
  const origin = randomUUID();
  const pub = redisClient(config.redisUrl, 'bus-pub', log, { offlineQueue: false });
  const sub = redisClient(config.redisUrl, 'bus-sub', log);
  const sinceOf = new Map<string, number>();
  let closed = false;
  let missedPublishes = 0;
  let subWasDown = false;

  const remember = (payload: BusEvents['cameras']) => freshCameras(sinceOf, payload);

  const gap = (why: string) => {
    log.warn({ why }, 'bus events may have been missed; resyncing live state from the store');
    try {
      opts.onGap?.(why);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'resync after a bus gap failed');
    }
  };

  const publish = (m: Message): void => {
    if (!pub.isReady) {
      missedPublishes++;
      return;
    }
    pub.publish(channel, JSON.stringify(m)).catch(() => {
      missedPublishes++;
    });
  };

  pub.on('ready', () => {
    if (missedPublishes > 0 && !closed) {
      log.warn({ missed: missedPublishes }, 'bus events could not be published while redis was down');
      missedPublishes = 0;
      publish({ o: origin, k: 'gap' });
    }
  });
  sub.on('error', () => {
    subWasDown = true;
  });
  sub.on('ready', () => {
    if (subWasDown && !closed) {
      subWasDown = false;
      gap('subscription was down');
    }
  });

  const untap = bus.tap((event, payload) => {
    if (event === 'cameras') remember(payload as BusEvents['cameras']);
    publish({ o: origin, k: 'event', e: event, p: payload });
  });

  await Promise.all([connectSoon(pub, 'bus-pub', log), connectSoon(sub, 'bus-sub', log)]);
  // A process that died (SIGKILL, power) may have committed and acknowledged writes whose events
  // never left it; when it, or any new process, starts, the others re-read the store.
  missedPublishes = 0;
  publish({ o: origin, k: 'gap' });
  // node-redis re-subscribes by itself after a reconnect.
  await sub
    .subscribe(channel, (raw) => {
      let m: Message;
      try {
        m = JSON.parse(raw) as Message;
      } catch {
        return;
      }
      if (m.o === origin) return;
      if (m.k === 'gap') {
        gap('a process started, or could not publish for a while');
        return;
      }
      if (m.e === 'cameras') {
        const p = remember(m.p as BusEvents['cameras']);
        if (p.cameras.length > 0 || p.events.length > 0) bus.deliver('cameras', p);
      } else bus.deliver(m.e, m.p as never);
    })
    .catch((err: Error) => log.error({ err: err.message }, 'bus subscribe failed'));

  return async () => {
    closed = true;
    untap();
    await Promise.all([closeRedis(pub), closeRedis(sub)]);
  };
}
