import { useCallback, useEffect, useRef, useState } from 'react';
import type { PlaySession, VideoChannel } from '@zhihui/shared';
import { backoffMs, platformDown } from './tileModel';
import type { PlayerSource } from './usePlayer';
import { videoApi } from './videoApi';

const RENEW_MS = 20_000;
const INFO_REFRESH_MS = 30_000;

export interface StreamFailure {
  message: string;
  since: number;
  retryAt: number | null;
}

/** The channel as the server sees it now, refreshed every 30 s (an offline channel may come back). */
export function useChannelInfo(initial: VideoChannel | string): VideoChannel | null {
  const id = typeof initial === 'string' ? initial : initial.id;
  const [ch, setCh] = useState<VideoChannel | null>(typeof initial === 'string' ? null : initial);
  useEffect(() => {
    if (typeof initial !== 'string') setCh(initial);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [typeof initial === 'string' ? initial : initial.id]);
  useEffect(() => {
    const ctl = new AbortController();
    const load = () => videoApi.channel(id, ctl.signal).then(setCh, () => undefined);
    if (typeof initial === 'string') void load();
    const timer = setInterval(load, INFO_REFRESH_MS);
    return () => {
      ctl.abort();
      clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);
  return ch;
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
  const attemptRef = useRef(0);
  attemptRef.current = attempt;
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
          videoApi.renew(s.id).catch(() => retryLater('session expired'));
        }, RENEW_MS);
      },
      (err: unknown) => {
        if (!ctl.signal.aborted) retryLater(err instanceof Error ? err.message : String(err));
      },
    );
    function retryLater(message: string) {
      const delay = backoffMs(attemptRef.current);
      setFailure((f) => ({ message, since: f?.since ?? Date.now(), retryAt: Date.now() + delay }));
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
  }, [play, channelId, retryTick]);

  /** The player failed: close this session and reconnect after the back-off. */
  const onPlayerFailed = useCallback((reason: string) => {
    const delay = backoffMs(attemptRef.current);
    setFailure((f) => ({ message: reason, since: f?.since ?? Date.now(), retryAt: Date.now() + delay }));
    setAttempt((a) => a + 1);
    setSession(null);
    setTimeout(() => setRetryTick((t) => t + 1), delay);
  }, []);

  /** The picture is live: forget past failures. */
  const onLive = useCallback(() => {
    setFailure(null);
    setAttempt(0);
  }, []);

  const source: PlayerSource | null = session ? { url: session.url, format: session.format, key: session.id } : null;
  return { session, source, failure: play ? failure : null, onPlayerFailed, onLive };
}
