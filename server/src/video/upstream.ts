import { VideoUnavailable } from './errors.js';

/** How long the media server may take to start answering (a GB stream's first bytes can take a while). */
const CONNECT_TIMEOUT_MS = 15_000;
const MAX_PLAYLIST_BYTES = 1024 * 1024;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/**
 * A URL split into what fetch may see and the Authorization header its user info becomes (fetch
 * refuses URLs with credentials; a camera's `http://user:pass@…` is common in inventories).
 */
export function withoutUserInfo(raw: string): { url: string; headers: Record<string, string> } {
  const u = new URL(raw);
  if (!u.username && !u.password) return { url: raw, headers: {} };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return {
    url: u.toString(),
    headers: { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` },
  };
}

/**
 * Opens an upstream media URL. The request is aborted when `signal` fires (the viewer went away),
 * and a media server that never answers is given up after CONNECT_TIMEOUT_MS.
 */
export async function openUpstream(
  raw: string,
  signal: AbortSignal,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const { url, headers } = withoutUserInfo(raw);
  const connect = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
  const ctl = new AbortController();
  const abort = () => ctl.abort();
  signal.addEventListener('abort', abort, { once: true });
  connect.addEventListener('abort', abort, { once: true });
  try {
    const res = await fetch(url, { headers: { ...extraHeaders, ...headers }, signal: ctl.signal, redirect: 'follow' });
    connect.removeEventListener('abort', abort);
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new VideoUnavailable(`the media server answered HTTP ${res.status}`, 'media');
    }
    return res;
  } catch (err) {
    connect.removeEventListener('abort', abort);
    if (err instanceof VideoUnavailable) throw err;
    const e = err as Error;
    // The error's code only: its message would name the media server's address.
    const why = connect.aborted
      ? `no answer in ${CONNECT_TIMEOUT_MS / 1000} s`
      : ((e.cause as { code?: string } | undefined)?.code ?? e.name);
    throw new VideoUnavailable(`the media server is unreachable (${why})`, 'media');
  }
}

/** Reads a small upstream body (playlist, image) with a size cap. */
export async function readCapped(res: Response, max: number): Promise<Buffer> {
  const reader = res.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) {
      await reader.cancel().catch(() => undefined);
      throw new VideoUnavailable(
        `the media server sent more than ${max} bytes where a playlist or image was expected`,
        'media',
      );
    }
    parts.push(Buffer.from(value));
  }
  return Buffer.concat(parts);
}

export const readPlaylist = (res: Response) => readCapped(res, MAX_PLAYLIST_BYTES);
export const readImage = (res: Response) => readCapped(res, MAX_IMAGE_BYTES);

/** The directory URL an HLS playlist's relative entries resolve against. */
export function hlsBase(playlistUrl: string): URL {
  return new URL('.', playlistUrl);
}

/**
 * Where a proxied HLS path (`<file>` under the session, e.g. `seg-12.ts` or `720p/index.m3u8`)
 * points upstream: resolved against the playlist's directory, kept on the same origin and under
 * that directory (the proxy is no open relay), with the playlist's query (where media servers put
 * a play signature) carried along when the entry has none of its own.
 */
export function hlsUpstream(playlistUrl: string, rel: string): string | null {
  const base = hlsBase(playlistUrl);
  const target = underBase(base, rel);
  if (!target) return null;
  if (!target.search) target.search = new URL(playlistUrl).search;
  target.username = base.username;
  target.password = base.password;
  return target.toString();
}

/** `uri` resolved against `base`, when it stays on its origin and under its folder; else null. */
function underBase(base: URL, uri: string): URL | null {
  let u: URL;
  try {
    u = new URL(uri, base);
  } catch {
    return null;
  }
  return u.origin === base.origin && u.pathname.startsWith(base.pathname) ? u : null;
}

/**
 * Rewrites an HLS playlist so every entry stays relative to the proxied playlist: absolute URLs
 * under the upstream directory become relative, others are dropped (they could only fail, or
 * reach a host the browser must not see). Tags' URI attributes (keys, maps) get the same.
 */
export function rewritePlaylist(text: string, playlistUrl: string): string {
  const base = hlsBase(playlistUrl);
  const own = new URL(playlistUrl).search;
  const rel = (uri: string): string | null => {
    const u = underBase(base, uri);
    return u ? u.pathname.slice(base.pathname.length) + (u.search && u.search !== own ? u.search : '') : null;
  };
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#')) {
      const m = /URI="([^"]*)"/.exec(line);
      if (m) {
        const r = rel(m[1]!);
        if (r === null) continue;
        out.push(line.replace(m[0], `URI="${r}"`));
      } else out.push(line);
    } else if (line.trim() === '') out.push(line);
    else {
      const r = rel(line.trim());
      if (r !== null) out.push(r);
      else if (out.length > 0 && out[out.length - 1]!.startsWith('#EXTINF')) out.pop();
    }
  }
  return out.join('\n');
}
