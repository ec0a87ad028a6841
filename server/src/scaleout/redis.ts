import { createHash } from 'node:crypto';
import path from 'node:path';
import { createClient } from 'redis';
import type { Config } from '../config/env.js';

/**
 * The Redis key prefix of a deployment: processes that share a database share a bus, a leader
 * and socket.io rooms; those on another database (another deployment, a parallel test run)
 * never hear them, even on the same Redis. Every process of a deployment must therefore be
 * given the same DATABASE_URL string.
 */
export function deploymentPrefix(config: Config): string {
  const db = config.databaseUrl ?? path.join(config.dataDir, 'zhihui.db');
  return `zhihui:${createHash('sha256').update(db).digest('hex').slice(0, 12)}`;
}

/** What the scale-out pieces log through (Fastify's logger fits; console is the fallback). */
export interface ScaleLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const consoleLog: ScaleLog = {
  info: (o, m) => console.log(`[scaleout] ${m}`, o),
  warn: (o, m) => console.warn(`[scaleout] ${m}`, o),
  error: (o, m) => console.error(`[scaleout] ${m}`, o),
};

export type Redis = ReturnType<typeof createClient>;

/**
 * A Redis client that never takes the process down: errors are logged (once per outage, not per
 * retry), reconnects back off to 2 s and go on for ever. `offlineQueue: false` makes commands
 * fail at once while the link is down instead of piling up in memory.
 */
export function redisClient(url: string, role: string, log: ScaleLog, opts: { offlineQueue?: boolean } = {}): Redis {
  const client = createClient({
    url,
    disableOfflineQueue: opts.offlineQueue === false,
    socket: {
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2000),
      connectTimeout: 5000,
    },
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ role, err: err.message }, 'redis connection lost; retrying');
  });
  client.on('ready', () => {
    if (down) log.info({ role }, 'redis connection back');
    down = false;
  });
  return client;
}

/** Starts connecting; waits at most `waitMs` for the first connection, then lets retries go on in the background. */
export async function connectSoon(client: Redis, role: string, log: ScaleLog, waitMs = 5000): Promise<void> {
  const connecting = client.connect().then(
    () => true,
    (err: Error) => {
      log.error({ role, err: err.message }, 'redis connect failed');
      return false;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
    timer.unref();
  });
  const ok = await Promise.race([connecting, timeout]);
  clearTimeout(timer);
  if (!ok) log.warn({ role }, 'redis not reachable yet; starting anyway, the client keeps retrying');
}

/** Closes politely when connected, at once otherwise (a polite close would wait for a server that is gone). */
export async function closeRedis(client: Redis): Promise<void> {
  try {
    if (client.isReady) await client.close();
    else client.destroy();
  } catch {
    try {
      client.destroy();
    } catch {
      // already closed
    }
  }
}
