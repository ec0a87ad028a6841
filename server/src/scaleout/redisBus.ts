import type { Bus } from '../bus.js';
import type { Config } from '../plugins/config.js';

/** Bridges the in-process bus across server processes over Redis (placeholder until the scale-out work lands). */
export async function bridgeBus(_bus: Bus, _config: Config): Promise<() => Promise<void>> {
  return async () => {};
}
