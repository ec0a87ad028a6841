import { isWithin, type RegionTree, type VideoFormat, type VideoOrigin } from '@zhihui/shared';
import type { CameraRecord, Store } from '../store/types.js';
import type { DemoAssets } from './demo.js';
import { VideoUnavailable } from './errors.js';
import type { ResolvedRule, VideoSettings } from './settings.js';
import { formatOfUrl } from './settings.js';
import { openUpstream, readImage } from './upstream.js';
import { WvpClient, type WvpStreamContent } from './wvp.js';

/** What serves a channel, decided without asking any platform. */
export interface Plan {
  origin: VideoOrigin;
  rule: ResolvedRule | null;
  /** The inventory row's own URL (a secret), when that is the origin. */
  inventoryUrl: string | null;
}

/** A stream a viewer can open, as obtained from the platform. */
export interface PlayTarget {
  origin: VideoOrigin;
  ruleId: string | null;
  format: VideoFormat;
  deliver: 'proxy' | 'direct';
  /** The media server's URL (may carry credentials when proxied); null for the demo stream. */
  upstream: string | null;
  /** Called once when the channel's last viewer has gone (wvp: /api/play/stop). */
  release: (() => Promise<void>) | null;
  stopDelayMs: number;
}

const WVP_FORMAT: Record<string, VideoFormat> = {
  flv: 'flv',
  https_flv: 'flv',
  hls: 'hls',
  https_hls: 'hls',
  ts: 'ts',
  https_ts: 'ts',
};

const fill = (template: string, cam: { id: string; region: string }): string =>
  template.replaceAll('{id}', encodeURIComponent(cam.id)).replaceAll('{region}', cam.region);

/**
 * Decides where a channel's stream comes from and obtains it: the inventory row's own URL first,
 * then the first configured rule that matches (a URL template, or wvp's play API), then the
 * built-in demo stream when that is on. The browser only ever gets what `Sessions` hands out.
 */
export class Broker {
  readonly #settings: VideoSettings;
  readonly #store: Store;
  readonly #tree: () => RegionTree;
  readonly #demo: DemoAssets | null;
  readonly #wvp = new Map<string, WvpClient>();

  constructor(settings: VideoSettings, deps: { store: Store; tree: () => RegionTree; demo: DemoAssets | null }) {
    this.#settings = settings;
    this.#store = deps.store;
    this.#tree = deps.tree;
    this.#demo = deps.demo;
    for (const r of settings.rules)
      if (r.kind === 'wvp' && !this.#wvp.has(r.conn.id)) this.#wvp.set(r.conn.id, new WvpClient(r.conn));
  }

  get demo(): DemoAssets | null {
    return this.#demo;
  }

  #matches(rule: ResolvedRule, cam: CameraRecord): boolean {
    if (rule.idRe && !rule.idRe.test(cam.id)) return false;
    const regions = rule.match?.regions;
    if (regions && !regions.some((r) => cam.region === r || isWithin(this.#tree(), cam.region, r))) return false;
    return true;
  }

  /** The plan for one channel given its inventory URL (or null). */
  plan(cam: CameraRecord, inventoryUrl: string | null): Plan | null {
    if (inventoryUrl) return { origin: 'inventory', rule: null, inventoryUrl };
    const rule = this.#settings.rules.find((r) => this.#matches(r, cam));
    if (rule) return { origin: rule.kind, rule, inventoryUrl: null };
    if (this.#settings.demo && this.#demo) return { origin: 'demo', rule: null, inventoryUrl: null };
    return null;
  }

  /** Plans for many channels with one store read of their inventory URLs. */
  async plans(cams: readonly CameraRecord[]): Promise<Map<string, Plan | null>> {
    const urls = await this.#store.playUrls(cams.map((c) => c.id));
    return new Map(cams.map((c) => [c.id, this.plan(c, urls.get(c.id) ?? null)]));
  }

  /** Whether the plan's platform offers a last snapshot of the channel. */
  hasSnapshot(plan: Plan | null): boolean {
    if (!plan) return false;
    if (plan.origin === 'demo') return this.#demo?.snapshot != null;
    const r = plan.rule;
    if (r?.kind === 'template') return r.snapshotUrl !== undefined;
    if (r?.kind === 'wvp') return r.snapshotPath !== '';
    return false;
  }

  /** Obtains a playable stream for the channel (for wvp: asks it to start pulling). */
  async open(cam: CameraRecord): Promise<PlayTarget> {
    const plan = (await this.plans([cam])).get(cam.id) ?? null;
    if (!plan)
      throw new VideoUnavailable(
        `no video source serves channel ${cam.id} (no URL on its inventory row, no matching video rule)`,
        'no-source',
      );
    if (plan.origin === 'inventory') {
      const url = plan.inventoryUrl!;
      return {
        origin: 'inventory',
        ruleId: null,
        format: formatOfUrl(url),
        deliver: 'proxy',
        upstream: url,
        release: null,
        stopDelayMs: 0,
      };
    }
    if (plan.origin === 'demo')
      return {
        origin: 'demo',
        ruleId: null,
        format: 'flv',
        deliver: 'proxy',
        upstream: null,
        release: null,
        stopDelayMs: 0,
      };
    const rule = plan.rule!;
    if (rule.kind === 'template') {
      return {
        origin: 'template',
        ruleId: rule.id,
        format: rule.format,
        deliver: rule.deliver,
        upstream: fill(rule.url, cam),
        release: null,
        stopDelayMs: 0,
      };
    }
    const client = this.#wvp.get(rule.conn.id)!;
    const deviceId = rule.deviceId === 'lookup' ? await client.deviceOf(cam.id) : fill(rule.deviceId, cam);
    if (!deviceId) throw new VideoUnavailable(`wvp ${rule.conn.id} lists no device with channel ${cam.id}`);
    const content = await client.start(deviceId, cam.id);
    const release = () => client.stop(deviceId, cam.id);
    const pick = pickWvpUrl(content, rule.prefer);
    if (!pick) {
      // wvp started the stream, but nothing it offers plays here: free it again at once.
      await release().catch(() => undefined);
      throw new VideoUnavailable(`wvp ${rule.conn.id} offers none of ${rule.prefer.join(', ')} for channel ${cam.id}`);
    }
    return {
      origin: 'wvp',
      ruleId: rule.id,
      format: pick.format,
      deliver: rule.deliver,
      upstream: pick.url,
      release,
      stopDelayMs: rule.stopDelayMs,
    };
  }

  /** The channel's last snapshot from its platform; null when it offers none. */
  async snapshot(cam: CameraRecord, signal: AbortSignal): Promise<{ type: string; body: Buffer } | null> {
    const plan = (await this.plans([cam])).get(cam.id) ?? null;
    if (!plan || !this.hasSnapshot(plan)) return null;
    if (plan.origin === 'demo') return { type: 'image/jpeg', body: this.#demo!.snapshot! };
    const rule = plan.rule!;
    let res: Response;
    if (rule.kind === 'template') res = await openUpstream(fill(rule.snapshotUrl!, cam), signal);
    else {
      const client = this.#wvp.get(rule.conn.id)!;
      const deviceId = rule.deviceId === 'lookup' ? await client.deviceOf(cam.id) : fill(rule.deviceId, cam);
      if (!deviceId) return null;
      const path = rule.snapshotPath
        .replaceAll('{deviceId}', encodeURIComponent(deviceId))
        .replaceAll('{channelId}', encodeURIComponent(cam.id));
      res = await openUpstream(client.url(path), signal, client.headers());
    }
    const type = res.headers.get('content-type') ?? '';
    if (!type.startsWith('image/')) {
      await res.body?.cancel().catch(() => undefined);
      return null;
    }
    return { type, body: await readImage(res) };
  }
}

/** The first of wvp's URLs in the preferred order that is present. */
export function pickWvpUrl(
  content: WvpStreamContent,
  prefer: readonly string[],
): { url: string; format: VideoFormat } | null {
  for (const key of prefer) {
    const url = (content as Record<string, unknown>)[key];
    if (typeof url === 'string' && /^https?:\/\//.test(url))
      return { url, format: WVP_FORMAT[key] ?? formatOfUrl(url) };
  }
  return null;
}
