import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config/env.js';
import { closeRedis, connectSoon, consoleLog, deploymentPrefix, redisClient, type ScaleLog } from './redis.js';

/** Leadership for once-per-deployment jobs (simulator, heartbeat sweeps). */
export interface Leadership {
  /** True while this process holds the lease; check before every run of the job. */
  isLeader(): boolean;
  /** Called with the new state whenever it flips. Returns the remover. */
  onChange(listener: (leader: boolean) => void): () => void;
  close(): Promise<void>;
}

export interface LeadershipOptions {
  log?: ScaleLog;
  /** Lease length; the holder renews every third of it. */
  ttlMs?: number;
}

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Without REDIS_URL the single process always leads. With it, the leader is whoever holds the
 * Redis key `<deployment prefix>:leader:<name>` (SET NX PX, renewed every ttl/3 by a compare-and-expire
 * script, deleted on close). Locally the lease counts as held only until `ttl` after the last
 * successful claim or renewal was sent, so a process cut off from Redis stops leading before
 * another one can take over. A crashed leader is replaced after at most `ttl`.
 */
export async function acquireLeadership(
  config: Config,
  name: string,
  opts: LeadershipOptions = {},
): Promise<Leadership> {
  const listeners = new Set<(leader: boolean) => void>();
  const onChange = (l: (leader: boolean) => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  if (!config.redisUrl) return { isLeader: () => true, onChange, close: async () => {} };

  const log = opts.log ?? consoleLog;
  const ttl = opts.ttlMs ?? 10_000;
  const key = `${deploymentPrefix(config)}:leader:${name}`;
  const token = `${hostname()}:${process.pid}:${randomUUID()}`;
  const client = redisClient(config.redisUrl, `leader-${name}`, log, { offlineQueue: false });
  let held = false;
  let leaseUntil = 0;
  let closed = false;
  let reported = false;

  const isLeader = () => held && performance.now() < leaseUntil;
  const setHeld = (next: boolean) => {
    if (next === reported) return;
    reported = next;
    log.info({ name, leader: next }, next ? 'leadership acquired' : 'leadership lost');
    for (const l of listeners) {
      try {
        l(next);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'leadership listener failed');
      }
    }
  };

  const round = async () => {
    if (closed) return;
    const sent = performance.now();
    try {
      if (!client.isReady) throw new Error('redis not connected');
      if (held) {
        const renewed = await client.eval(RENEW, { keys: [key], arguments: [token, String(ttl)] });
        held = renewed === 1;
      } else {
        const r = await client.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: ttl } });
        held = r === 'OK';
      }
      if (held) leaseUntil = sent + ttl;
    } catch {
      // Keep `held`: the lease runs out by itself locally if renewals keep failing.
    }
    if (closed) return;
    setHeld(isLeader());
  };

  await connectSoon(client, `leader-${name}`, log);
  await round();
  const timer = setInterval(() => void round(), Math.max(50, Math.floor(ttl / 3)));
  timer.unref();
  // Even with no round completing, a lapsed lease is reported promptly.
  const watch = setInterval(() => setHeld(isLeader()), 250);
  watch.unref();

  return {
    isLeader,
    onChange,
    close: async () => {
      closed = true;
      clearInterval(timer);
      clearInterval(watch);
      if (held && client.isReady) {
        await client.eval(RELEASE, { keys: [key], arguments: [token] }).catch(() => {});
      }
      held = false;
      setHeld(false);
      await closeRedis(client);
    },
  };
}
