import { useCallback, useEffect, useRef, useState } from 'react';
import { useFetch } from '../../lib/useFetch';
import { useLatest } from '../../lib/useLatest';
import type { PlaySession, VideoChannel } from '@zhihui/shared';
import { backoffMs, platformDown } from './tileModel';
import type { PlayerSource } from './usePlayer';
import { videoApi, VideoApiError } from './videoApi';
import { t } from '../../lib/i18n';

const RENEW_MS = 20_000;
const INFO_REFRESH_MS = 30_000;

export interface StreamFailure {
  /** What the tile shows, in the wall's language. */
  message: string;
  /** The server's or the player's own words (the tile's tooltip). */
  detail: string;
  since: number;
  retryAt: number | null;
}

/** A failure as a tile shows it: the cause in the wall's language, the raw words as its tooltip. */
function describe(err: unknown): { message: string; detail: string } {
  const detail = err instanceof Error ? err.message : String(err);
  if (err instanceof VideoApiError && err.kind) return { message: t(`tile.why.${err.kind}`), detail };
  return { message: detail, detail };
}

/** The channel as the server sees it now, refreshed every 30 s (an offline channel may come back). */
export function useChannelInfo(initial: VideoChannel | string): VideoChannel | null {
  const given = typeof initial === 'string' ? null : initial;
  const id = given ? given.id : (initial as string);
  // What the server says about this id, read at once and every 30 s; until it has, the channel as given (none for a bare id).
  const fetched = useFetch(id, (signal) => videoApi.channel(id, signal), { refreshMs: INFO_REFRESH_MS }).data;
  return fetched?.id === id ? fetched : given;
}

/**
 * Opens a play session for the channel and renews it every 20 s until the returned release is
 * called, which closes it (once; a session that opens after its release is closed at once).
 * `failed` hears an open or a renewal that failed; renewing stops then.
 */
function holdSession(
  channelId: string,
  signal: AbortSignal,
  opened: (s: PlaySession, release: () => void) => void,
  failed: (err: unknown) => void,
): () => void {
  let renew: ReturnType<typeof setInterval> | undefined;
  let id: string | null = null;
  let released = false;
  const release = () => {
    clearInterval(renew);
    if (released) return;
    released = true;
    if (id !== null) void videoApi.close(id).catch(() => undefined);
  };
  videoApi.open(channelId, signal).then(
    (s) => {
      if (released || signal.aborted) return void videoApi.close(s.id).catch(() => undefined);
      id = s.id;
      renew = setInterval(() => {
        videoApi.renew(s.id).catch((err: unknown) => {
          clearInterval(renew);
          failed(err);
        });
      }, RENEW_MS);
      opened(s, release);
    },
    (err: unknown) => {
      if (!signal.aborted) failed(err);
    },
  );
  return release;
}

/**
 * The play session of a tile: opened while the tile wants to play (visible, channel not known
 * down), renewed every 20 s, closed when it no longer does. A failed open or a failed player
 * closes the session and tries again after a growing delay; a success resets the delay. A
 * failed player's session is closed at once, not at the retry: the server then ends its media
 * stream (which a stalled stream would otherwise hold open in the browser) and releases the
 * channel's upstream stream through the back-off (up to a minute).
 */
export function useTileStream(ch: VideoChannel | null, wanted: boolean) {
  const [session, setSession] = useState<PlaySession | null>(null);
  const [failure, setFailure] = useState<StreamFailure | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [retryTick, setRetryTick] = useState(0);
  const attemptRef = useLatest(attempt);
  /** Stops renewing the open session and closes it (once); null while none is open. */
  const releaseRef = useRef<(() => void) | null>(null);
  const play = wanted && ch !== null && ch.origin !== null && !platformDown(ch);
  const channelId = ch?.id ?? null;

  useEffect(() => {
    if (!play || channelId === null) return;
    const ctl = new AbortController();
    const release = holdSession(
      channelId,
      ctl.signal,
      (s, held) => {
        releaseRef.current = held;
        setSession(s);
      },
      (err) => {
        const delay = backoffMs(attemptRef.current);
        setFailure((f) => ({ ...describe(err), since: f?.since ?? Date.now(), retryAt: Date.now() + delay }));
        setSession(null);
        setAttempt((a) => a + 1);
        setTimeout(() => {
          if (!ctl.signal.aborted) setRetryTick((t) => t + 1);
        }, delay);
      },
    );
    return () => {
      ctl.abort();
      setSession(null);
      if (releaseRef.current === release) releaseRef.current = null;
      release();
    };
  }, [play, channelId, retryTick, attemptRef]);

  /**
   * The player failed: say why (the server knows better than the player, and is asked while the
   * session still stands), close the session, reconnect after the back-off.
   */
  const url = session?.url ?? null;
  const onPlayerFailed = useCallback(
    (reason: string) => {
      const delay = backoffMs(attemptRef.current);
      const since = Date.now();
      setFailure((f) => ({
        message: reason === 'no picture arrived' || reason === 'the picture stopped' ? t('tile.why.stalled') : reason,
        detail: reason,
        since: f?.since ?? since,
        retryAt: since + delay,
      }));
      setAttempt((a) => a + 1);
      setTimeout(() => setRetryTick((n) => n + 1), delay);
      const release = releaseRef.current;
      releaseRef.current = null;
      if (url && !url.startsWith('blob:')) {
        void videoApi
          .explain(url)
          .then((e) => {
            if (e) setFailure((f) => (f ? { ...f, ...describe(e) } : f));
          })
          .finally(() => release?.());
      } else release?.();
      setSession(null);
    },
    [url, attemptRef],
  );

  /** The picture is live: forget past failures. */
  const onLive = useCallback(() => {
    setFailure(null);
    setAttempt(0);
  }, []);

  const source: PlayerSource | null = session ? { url: session.url, format: session.format, key: session.id } : null;
  return { session, source, failure: play ? failure : null, onPlayerFailed, onLive };
}
