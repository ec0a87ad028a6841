import type { ConfigFile } from '../config/file.js';
import type { TemplateRule, VideoSection, WvpRule } from '../config/sections/video.js';
import type { VideoFormat } from '@zhihui/shared';

/**
 * The `sources:` entry of kind `wvp` a video rule points at. Field names this capability reads
 * (the sources capability owns the section): `baseUrl` (or `url`), `apiKey` (sent as the
 * `api-key` header) or `accessToken` (the `access-token` header), `timeoutSec`.
 */
export interface WvpConnection {
  id: string;
  baseUrl: string;
  apiKey: string | null;
  accessToken: string | null;
  timeoutMs: number;
}

/** A rule with its matcher compiled and its defaults filled in. */
export type ResolvedRule =
  | (Omit<TemplateRule, 'format' | 'deliver'> & { format: VideoFormat; deliver: 'proxy' | 'direct'; idRe: RegExp | null })
  | (Omit<WvpRule, 'deliver' | 'prefer' | 'deviceId' | 'stopDelaySec' | 'snapshotPath'> & {
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
export const VIDEO_DEFAULTS = { keySec: 15, maxTiles: 4, stopDelaySec: 5, wvpTimeoutSec: 15 } as const;

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
    for (const k of u.searchParams.keys()) if (/^(token|key|secret|sign|pass(word)?|access[_-]?token|api[_-]?key|auth)$/i.test(k)) return true;
    return false;
  } catch {
    return false;
  }
}

const originOf = (url: string): string => new URL(url.replace(/\{[^}]*\}/g, 'x')).origin;

function wvpConnection(file: ConfigFile, id: string, at: string): WvpConnection {
  const src = (file.sources ?? []).find((s) => s.id === id) as Record<string, unknown> | undefined;
  if (!src) throw new Error(`${at}/source: no sources: entry has id '${id}'`);
  if (src.kind !== 'wvp') throw new Error(`${at}/source: sources: entry '${id}' is of kind ${String(src.kind)}, not wvp`);
  const base = typeof src.baseUrl === 'string' ? src.baseUrl : typeof src.url === 'string' ? src.url : null;
  if (!base || !/^https?:\/\//.test(base)) throw new Error(`sources: entry '${id}' needs baseUrl (http(s)://host:port of wvp) for video`);
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  const timeout = typeof src.timeoutSec === 'number' && src.timeoutSec > 0 ? src.timeoutSec : VIDEO_DEFAULTS.wvpTimeoutSec;
  return { id, baseUrl: base.replace(/\/+$/, ''), apiKey: str(src.apiKey), accessToken: str(src.accessToken), timeoutMs: timeout * 1000 };
}

function compileIds(pattern: string | undefined, at: string): RegExp | null {
  if (pattern === undefined) return null;
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new Error(`${at}/match/ids: not a regular expression (${(err as Error).message})`);
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
        if (hasCredentials(r.url)) throw new Error(`${at}/url: carries credentials, which would reach the browser with deliver: direct; use deliver: proxy`);
        if (!origins.includes(originOf(r.url))) throw new Error(`${at}/url: origin ${originOf(r.url)} must be listed in video/origins for deliver: direct`);
      }
      if (deliver === 'proxy' && /^wss?:/.test(r.url)) throw new Error(`${at}/url: WebSocket URLs play with deliver: direct only; give the http(s) URL of the same stream`);
      return { ...r, deliver, idRe, format: r.format ?? formatOfUrl(r.url) };
    }
    return {
      ...r,
      deliver,
      idRe,
      prefer: r.prefer ?? ['flv', 'hls', 'ts'],
      deviceId: r.deviceId ?? 'lookup',
      stopDelayMs: (r.stopDelaySec ?? VIDEO_DEFAULTS.stopDelaySec) * 1000,
      snapshotPath: r.snapshotPath ?? '/api/device/query/snap/{deviceId}/{channelId}',
      conn: wvpConnection(file, r.source, at),
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
