import type { Config } from '../plugins/config.js';

/** Leadership for once-per-deployment jobs (simulator, heartbeat sweeps). */
export interface Leadership {
  isLeader(): boolean;
  close(): Promise<void>;
}

/** Without REDIS_URL the single process always leads (placeholder until the scale-out work lands). */
export async function acquireLeadership(_config: Config, _name: string): Promise<Leadership> {
  return { isLeader: () => true, close: async () => {} };
}
