import { useEffect, useState, type RefObject } from 'react';
import { useLatest } from '../../lib/useLatest';
import type { VideoFormat } from '@zhihui/shared';
import { startPlayer, type PlayerHandle } from './players';

/** What a tile's overlay shows about its player, refreshed once a second. */
export interface PlayerStatus {
  phase: 'idle' | 'connecting' | 'live' | 'buffering' | 'failed';
  /** Milliseconds since the last frame was shown; null before the first. */
  frameAgeMs: number | null;
  /** Kilobits per second over the last few seconds; null before data arrived. */
  kbps: number | null;
  /** Why it failed (phase `failed`). */
  error: string | null;
}

export interface PlayerSource {
  url: string;
  format: VideoFormat;
  /** Changes when the same URL must be opened again (a reconnect). */
  key: string;
}

/** A live tile whose picture stood still this long is treated as a lost stream. */
export const STALL_MS = 12_000;
const TICK_MS = 1000;
const IDLE: PlayerStatus = { phase: 'idle', frameAgeMs: null, kbps: null, error: null };
const CONNECTING: PlayerStatus = { phase: 'connecting', frameAgeMs: null, kbps: null, error: null };

/**
 * Watches when `video` last showed a picture and whether it waits for data. Frame callbacks tell
 * when a picture was really shown; without them, a moving currentTime does.
 */
function watchPicture(video: HTMLVideoElement) {
  let lastFrame: number | null = null;
  let lastTime = -1;
  let waiting = false;
  let frameCb = 0;
  const frames = typeof (video as { requestVideoFrameCallback?: unknown }).requestVideoFrameCallback === 'function';
  const onFrame = () => {
    lastFrame = Date.now();
    if (frames) frameCb = video.requestVideoFrameCallback(onFrame);
  };
  const onWaiting = () => (waiting = true);
  const onPlaying = () => (waiting = false);
  video.addEventListener('waiting', onWaiting);
  video.addEventListener('playing', onPlaying);
  if (frames) frameCb = video.requestVideoFrameCallback(onFrame);
  return {
    /** When the last picture was shown as of `now` (null: none yet), and whether the video waits. */
    sample(now: number): { lastFrame: number | null; waiting: boolean } {
      // Frame callbacks can lag in a busy or hidden page: a moving currentTime counts as frames too.
      if (video.currentTime !== lastTime) {
        lastTime = video.currentTime;
        lastFrame = now;
      }
      return { lastFrame, waiting };
    },
    stop(): void {
      video.removeEventListener('waiting', onWaiting);
      video.removeEventListener('playing', onPlaying);
      if (frameCb && frames) video.cancelVideoFrameCallback(frameCb);
    },
  };
}

/** Why the stream counts as lost at `now`, or null while it is not. */
function stallReason(now: number, started: number, lastFrame: number | null): string | null {
  if (now - (lastFrame ?? started) <= STALL_MS) return null;
  return lastFrame === null ? 'no picture arrived' : 'the picture stopped';
}

/** What a tick shows of a player that has not failed. */
function tickStatus(now: number, lastFrame: number | null, waiting: boolean, bytesPerSec: number | null): PlayerStatus {
  return {
    phase: lastFrame === null ? 'connecting' : waiting || now - lastFrame > 2500 ? 'buffering' : 'live',
    frameAgeMs: lastFrame === null ? null : now - lastFrame,
    kbps: bytesPerSec === null ? null : (bytesPerSec * 8) / 1000,
    error: null,
  };
}

/**
 * Runs one player on `videoRef` for `source` (none: nothing plays) and reports its status. The
 * player is destroyed when the source changes, when `source` becomes null and on unmount, so a
 * tile that scrolls away, rotates out or closes holds no decoder, buffer or connection.
 */
export function usePlayer(
  videoRef: RefObject<HTMLVideoElement | null>,
  source: PlayerSource | null,
  onFailed: (reason: string) => void,
): PlayerStatus {
  const failedRef = useLatest(onFailed);
  const url = source?.url ?? null;
  const format = source?.format ?? null;
  const key = source?.key ?? null;
  // A status belongs to one source: a new source starts from 'connecting' (none: 'idle') without
  // an effect having to reset it.
  const playing = url === null || format === null ? null : `${key} ${format} ${url}`;
  const [reported, setReported] = useState<{ playing: string | null; status: PlayerStatus }>({
    playing: null,
    status: IDLE,
  });
  const initial = playing === null ? IDLE : CONNECTING;
  const status = reported.playing === playing ? reported.status : initial;

  useEffect(() => {
    const video = videoRef.current;
    if (!video || url === null || format === null) return;
    const setStatus = (next: PlayerStatus | ((s: PlayerStatus) => PlayerStatus)) =>
      setReported((r) => ({
        playing,
        status: typeof next === 'function' ? next(r.playing === playing ? r.status : CONNECTING) : next,
      }));
    let handle: PlayerHandle | null = null;
    let over = false;
    let bytesPerSec: number | null = null;
    const started = Date.now();
    const picture = watchPicture(video);

    const fail = (reason: string) => {
      if (over) return;
      over = true;
      stop();
      setStatus((s) => ({ ...s, phase: 'failed', error: reason }));
      failedRef.current(reason);
    };
    const tick = setInterval(() => {
      const now = Date.now();
      const { lastFrame, waiting } = picture.sample(now);
      const stalled = stallReason(now, started, lastFrame);
      if (stalled !== null) return fail(stalled);
      setStatus(tickStatus(now, lastFrame, waiting, bytesPerSec));
    }, TICK_MS);

    function stop() {
      clearInterval(tick);
      picture.stop();
      try {
        handle?.destroy();
      } catch {
        /* a player that fails to tear down must not break the tile */
      }
      handle = null;
    }

    startPlayer(video, url, format, { onBitrate: (b) => (bytesPerSec = b), onFatal: fail }).then(
      (h) => {
        if (over) h.destroy();
        else handle = h;
      },
      (err: unknown) => fail(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      over = true;
      stop();
    };
  }, [videoRef, url, format, playing, failedRef]);

  return status;
}
