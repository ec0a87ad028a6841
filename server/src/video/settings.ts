import type { ConfigFile } from '../config/file.js';
import type { WvpApiConfig } from '../config/sections/sources.js';
import type { TemplateRule, VideoSection, WvpRule } from '../config/sections/video.js';
import type { VideoFormat } from '@zhihui/shared';

/** A wvp REST connection a rule plays through: the sources entry's `api`, or the rule's own. */
export interface WvpConnection {
  /** The sources entry's id, or `video:<rule id>` for a rule's own `api`. */
  id: string;
  api: WvpApiConfig;
}

/** A rule with its matcher compiled and its defaults filled in. */
export type ResolvedRule =
  | (Omit<TemplateRule, 'format' | 'deliver'> & {
      format: VideoFormat;
      deliver: 'proxy' | 'direct';
      idRe: RegExp | null;
    })
  | (Omit<WvpRule, 'deliver' | 'prefer' | 'deviceId' | 'stopDelaySec' | 'snapshotPath' | 'api'> & {
      deliver: 'proxy' | 'direct';
      prefer: NonNullable<WvpRule['prefer']>;
      deviceId: string;
      stopDelayMs: number;
      snapshotPath: string;
      idRe: RegExp | null;
      conn: WvpConnection;
    });

export interface VideoSettings {
  rules: ResolvedRule[];
  keyChannels: Record<string, string[]>;
  keySec: number;
  maxTiles: number;
  /** Whether channels no rule serves play the built-in demo stream. */
  demo: boolean;
  /** Origins the page's CSP must allow for media (direct rules). */
  origins: string[];
}

/** Defaults: a carousel step a person can take in, and four players (~10 MiB each) per screen. */
export const VIDEO_DEFAULTS = { keySec: 15, maxTiles: 4, stopDelaySec: 5 } as const;

/** The format a URL's path suggests: `.m3u8` is HLS, `.ts` MPEG-TS, anything else FLV. */
export function formatOfUrl(url: string): VideoFormat {
  const p = url.split(/[?#]/)[0]!.toLowerCase();
  if (p.endsWith('.m3u8')) return 'hls';
  if (p.endsWith('.ts')) return 'ts';
  return 'flv';
}

/** True when a URL carries credentials: user info, or a query parameter that looks like a secret. */
export function hasCredentials(url: string): boolean {
  try {
    const u = new URL(url.replace(/\{[^}]*\}/g, 'x'));
    if (u.username || u.password) return true;
    for (const k of u.searchParams.keys())
      if (/^(token|key|secret|sign|pass(word)?|access[_-]?token|api[_-]?key|auth)$/i.test(k)) return true;
    return false;
  } catch {
    return false;
  }
}

const originOf = (url: string): string => new URL(url.replace(/\{[^}]*\}/g, 'x')).origin;

function wvpConnection(file: ConfigFile, rule: WvpRule, at: string): WvpConnection {
  if (rule.api && rule.source)
    throw new Error(`${at}: give either source (a sources: entry of kind wvp) or api, not both`);
  if (rule.api) return { id: `video:${rule.id}`, api: rule.api };
  if (!rule.source)
    throw new Error(`${at}/source: is required (a sources: entry of kind wvp), or give the rule its own api`);
  const src = (file.sources ?? []).find((s) => s.id === rule.source);
  if (!src) throw new Error(`${at}/source: no sources: entry has id '${rule.source}'`);
  if (src.kind !== 'wvp')
    throw new Error(`${at}/source: sources: entry '${rule.source}' is of kind ${src.kind}, not wvp`);
  if (!src.api)
    throw new Error(
      `${at}/source: sources: entry '${rule.source}' has no api (wvp's REST URL and key), which playing needs`,
    );
  return { id: src.id, api: src.api };
}

function compileIds(pattern: string | undefined, at: string): RegExp | null {
  if (pattern === undefined) return null;
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new Error(`${at}/match/ids: not a regular expression (${(err as Error).message})`, { cause: err });
  }
}

/**
 * Reads the `video:` section with its defaults, checking what a schema cannot: rule ids are
 * unique, a wvp rule's source exists, a direct rule carries no credentials and its origin is
 * listed. Throws an Error whose message names the key (`video/rules/1/source: …`).
 */
export function resolveVideoSettings(file: ConfigFile): VideoSettings {
  const v: VideoSection = file.video ?? {};
  const origins = v.origins ?? [];
  const seen = new Set<string>();
  const rules: ResolvedRule[] = (v.rules ?? []).map((r, i) => {
    const at = `video/rules/${i}`;
    if (seen.has(r.id)) throw new Error(`${at}/id: '${r.id}' is used by another rule`);
    seen.add(r.id);
    const deliver = r.deliver ?? 'proxy';
    const idRe = compileIds(r.match?.ids, at);
    if (r.kind === 'template') {
      if (deliver === 'direct') {
        if (hasCredentials(r.url))
          throw new Error(
            `${at}/url: carries credentials, which would reach the browser with deliver: direct; use deliver: proxy`,
          );
        if (!origins.includes(originOf(r.url)))
          throw new Error(`${at}/url: origin ${originOf(r.url)} must be listed in video/origins for deliver: direct`);
      }
      if (deliver === 'proxy' && /^wss?:/.test(r.url))
        throw new Error(
          `${at}/url: WebSocket URLs play with deliver: direct only; give the http(s) URL of the same stream`,
        );
      return { ...r, deliver, idRe, format: r.format ?? formatOfUrl(r.url) };
    }
    const { api: _own, ...rest } = r;
    return {
      ...rest,
      deliver,
      idRe,
      prefer: r.prefer ?? ['flv', 'hls', 'ts'],
      deviceId: r.deviceId ?? 'lookup',
      stopDelayMs: (r.stopDelaySec ?? VIDEO_DEFAULTS.stopDelaySec) * 1000,
      snapshotPath: r.snapshotPath ?? '/api/device/query/snap/{deviceId}/{channelId}',
      conn: wvpConnection(file, r, at),
    };
  });
  const demoMode = v.demo ?? 'auto';
  return {
    rules,
    keyChannels: v.keyChannels ?? {},
    keySec: v.keySec ?? VIDEO_DEFAULTS.keySec,
    maxTiles: v.maxTiles ?? VIDEO_DEFAULTS.maxTiles,
    demo: demoMode === 'on' || (demoMode === 'auto' && rules.length === 0),
    origins,
  };
}
