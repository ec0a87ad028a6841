import { createAdapter } from '@socket.io/redis-adapter';
import type { Config } from '../config/env.js';
import { closeRedis, connectSoon, consoleLog, deploymentPrefix, redisClient, type ScaleLog } from './redis.js';

/**
 * With REDIS_URL, socket.io's Redis adapter carries broadcasts between processes (`io.emit`,
 * `io.to(room).emit` reach every process's sockets). Deltas are not among them: each process
 * streams its own deltas with its own seq through `io.local`. Returns a closer.
 */
/** What the adapter needs of a socket.io server, whatever its event maps. */
type AdaptableServer = { adapter(factory: ReturnType<typeof createAdapter>): unknown };

export async function attachSocketAdapter(
  io: AdaptableServer,
  config: Config,
  opts: { log?: ScaleLog } = {},
): Promise<() => Promise<void>> {
  if (!config.redisUrl) return async () => {};
  const log = opts.log ?? consoleLog;
  const pub = redisClient(config.redisUrl, 'io-pub', log, { offlineQueue: false });
  const sub = redisClient(config.redisUrl, 'io-sub', log);
  await Promise.all([connectSoon(pub, 'io-pub', log), connectSoon(sub, 'io-sub', log)]);
  io.adapter(createAdapter(pub, sub, { key: `${deploymentPrefix(config)}:io` }));
  return async () => {
    await Promise.all([closeRedis(pub), closeRedis(sub)]);
  };
}
