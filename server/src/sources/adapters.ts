import type { SourceConfig } from '../config/sections/sources.js';
import type { SourceFeed } from './feed.js';
import { MqttSource } from './mqtt.js';
import { RtspProbes } from './rtspProbes.js';
import type { SourceAdapter } from './types.js';
import { WvpSource, type WvpDeps } from './wvp.js';
import { ZlmSource } from './zlm.js';

/** One adapter per kind; `rest` has none (the REST API is its own way in). */
export function createAdapter(
  config: Exclude<SourceConfig, { kind: 'rest' }>,
  feed: SourceFeed,
  deps: WvpDeps,
): SourceAdapter {
  switch (config.kind) {
    case 'mqtt':
      return new MqttSource(config, feed);
    case 'wvp':
      return new WvpSource(config, feed, deps);
    case 'zlm':
      return new ZlmSource(config, feed);
    case 'rtsp':
      return new RtspProbes(config, feed);
  }
}
