import type { Server } from 'socket.io';
import type { Config } from '../plugins/config.js';

/** Attaches the Redis adapter when REDIS_URL is set; returns a closer (placeholder until the scale-out work lands). */
export async function attachSocketAdapter(_io: Server, _config: Config): Promise<() => Promise<void>> {
  return async () => {};
}
