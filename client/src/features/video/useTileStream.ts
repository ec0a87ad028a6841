import { useCallback, useEffect, useState } from 'react';
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
 * The play session of a tile: opened while the tile wants to play (visible, channel not known
 * down), renewed every 20 s, closed when it no longer does. A failed open or a failed player
 * closes the session and tries again after a growing delay; a success resets the delay.
 */
export function useTileStream(ch: VideoChannel | null, wanted: boolean) {
  const [session, setSession] = useState<PlaySession | null>(null);
  const [failure, setFailure] = useState<StreamFailure | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [retryTick, setRetryTick] = useState(0);
  const attemptRef = useLatest(attempt);
  const play = wanted && ch !== null && ch.origin !== null && !platformDown(ch);
  const channelId = ch?.id ?? null;

  useEffect(() => {
    if (!play || channelId === null) return;
    const ctl = new AbortController();
    let opened: PlaySession | null = null;
    let renew: ReturnType<typeof setInterval> | undefined;
    videoApi.open(channelId, ctl.signal).then(
      (s) => {
        if (ctl.signal.aborted) return void videoApi.close(s.id).catch(() => undefined);
        opened = s;
        setSession(s);
        renew = setInterval(() => {
          videoApi.renew(s.id).catch((err: unknown) => retryLater(describe(err)));
        }, RENEW_MS);
      },
      (err: unknown) => {
        if (!ctl.signal.aborted) retryLater(describe(err));
      },
    );
    function retryLater(why: { message: string; detail: string }) {
      const delay = backoffMs(attemptRef.current);
      setFailure((f) => ({ ...why, since: f?.since ?? Date.now(), retryAt: Date.now() + delay }));
      setSession(null);
      setAttempt((a) => a + 1);
      setTimeout(() => {
        if (!ctl.signal.aborted) setRetryTick((t) => t + 1);
      }, delay);
      clearInterval(renew);
    }
    return () => {
      ctl.abort();
      clearInterval(renew);
      setSession(null);
      if (opened) void videoApi.close(opened.id).catch(() => undefined);
    };
  }, [play, channelId, retryTick, attemptRef]);

  /** The player failed: say why (the server knows better than the player), reconnect after the back-off. */
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
      if (url && !url.startsWith('blob:')) {
        void videoApi.explain(url).then((e) => {
          if (e) setFailure((f) => (f ? { ...f, ...describe(e) } : f));
        });
      }
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
