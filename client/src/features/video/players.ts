import type { VideoFormat } from '@zhihui/shared';
import { dropTornDownPlayerErrors } from './lateErrors';

/** What a player reports while it runs. */
export interface PlayerEvents {
  /** Bytes per second arriving, as the player measures them. */
  onBitrate(bytesPerSec: number): void;
  /** A fatal error: the player is done; the tile decides when to try again. */
  onFatal(reason: string): void;
}

/** A running player on one <video>. `destroy` frees everything it holds (MSE, workers, sockets). */
export interface PlayerHandle {
  readonly kind: 'mpegts' | 'hls.js' | 'native';
  destroy(): void;
}

/**
 * Starts the right player for a stream, loading its library on demand (each is hundreds of KB,
 * and about 10 MiB in use: the wall's first load carries neither):
 * - FLV and MPEG-TS, over HTTP or WebSocket: mpegts.js (low latency, H.264 and H.265 where the browser decodes it);
 * - HLS: hls.js where the browser has Media Source Extensions, else the browser's own HLS.
 */
export async function startPlayer(
  video: HTMLVideoElement,
  url: string,
  format: VideoFormat,
  ev: PlayerEvents,
): Promise<PlayerHandle> {
  if (format === 'hls') return startHls(video, url, ev);
  return startMpegts(video, url, format, ev);
}

async function startMpegts(
  video: HTMLVideoElement,
  url: string,
  format: 'flv' | 'ts',
  ev: PlayerEvents,
): Promise<PlayerHandle> {
  const mpegts = (await import('mpegts.js')).default;
  if (!mpegts.isSupported()) throw new Error('MSE unsupported');
  dropTornDownPlayerErrors();
  mpegts.LoggingControl.applyConfig({
    enableAll: false,
    enableError: false,
    enableWarn: false,
    enableInfo: false,
    enableDebug: false,
    enableVerbose: false,
  });
  const player = mpegts.createPlayer(
    { type: format === 'flv' ? 'flv' : 'mpegts', isLive: true, url, withCredentials: false },
    {
      enableWorker: false,
      enableStashBuffer: false,
      stashInitialSize: 128 * 1024,
      liveBufferLatencyChasing: true,
      liveBufferLatencyMaxLatency: 3,
      liveBufferLatencyMinRemain: 0.6,
      // A live tile never seeks back: keep the source buffer short so memory stays flat for weeks.
      autoCleanupSourceBuffer: true,
      autoCleanupMaxBackwardDuration: 20,
      autoCleanupMinBackwardDuration: 10,
      lazyLoad: false,
    },
  );
  let dead = false;
  player.on(mpegts.Events.ERROR, (type: string, detail: string, info?: { code?: number; msg?: string }) => {
    if (dead) return;
    dead = true;
    ev.onFatal(info?.code ? `${detail} ${info.code}` : `${type}: ${detail}`);
  });
  player.on(mpegts.Events.LOADING_COMPLETE, () => {
    if (dead) return;
    dead = true;
    ev.onFatal('stream ended');
  });
  player.on(mpegts.Events.STATISTICS_INFO, (s: { speed?: number }) => {
    if (typeof s.speed === 'number') ev.onBitrate(s.speed * 1024);
  });
  player.attachMediaElement(video);
  player.load();
  void Promise.resolve(player.play()).catch(() => undefined);
  return {
    kind: 'mpegts',
    destroy() {
      dead = true;
      try {
        player.pause();
        player.unload();
        player.detachMediaElement();
      } finally {
        player.destroy();
      }
    },
  };
}

async function startHls(video: HTMLVideoElement, url: string, ev: PlayerEvents): Promise<PlayerHandle> {
  const Hls = (await import('hls.js/light')).default;
  if (!Hls.isSupported()) {
    if (!video.canPlayType('application/vnd.apple.mpegurl')) throw new Error('HLS unsupported');
    return startNativeHls(video, url, ev);
  }
  const hls = new Hls({
    liveSyncDurationCount: 2,
    maxBufferLength: 8,
    backBufferLength: 10,
    enableWorker: true,
    lowLatencyMode: false,
  });
  let dead = false;
  hls.on(Hls.Events.ERROR, (_e, data) => {
    if (dead || !data.fatal) return;
    dead = true;
    ev.onFatal(`${data.type}: ${data.details}`);
  });
  hls.on(Hls.Events.FRAG_LOADED, (_e, data) => {
    const st = data.frag.stats;
    const ms = st.loading.end - st.loading.start;
    const sec = data.frag.duration;
    if (sec > 0 && st.loaded > 0 && ms >= 0) ev.onBitrate(st.loaded / sec);
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  void video.play().catch(() => undefined);
  return {
    kind: 'hls.js',
    destroy() {
      dead = true;
      hls.destroy();
    },
  };
}

function startNativeHls(video: HTMLVideoElement, url: string, ev: PlayerEvents): PlayerHandle {
  const onError = () => ev.onFatal(`media error ${video.error?.code ?? ''}`.trim());
  video.addEventListener('error', onError);
  video.src = url;
  void video.play().catch(() => undefined);
  return {
    kind: 'native',
    destroy() {
      video.removeEventListener('error', onError);
      video.removeAttribute('src');
      video.load();
    },
  };
}
