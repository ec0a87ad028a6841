import { useEffect, useRef, useState } from 'react';
import type { VideoChannel } from '@zhihui/shared';
import { useNow } from '../../lib/clock';
import { t, wallLabel } from '../../lib/i18n';
import { formatDuration } from '../../lib/time';
import { formatBitrate, formatFrameAge, tileView, type Outage } from './tileModel';
import { usePlayer } from './usePlayer';
import { useChannelInfo, useTileStream } from './useTileStream';
import { videoApi } from './videoApi';
import './video-tiles.css';

const PILL_TEXT = {
  live: 'tile.live',
  buffering: 'tile.buffering',
  connecting: 'tile.connecting',
  offline: 'tile.offline',
} as const;

export interface VideoTileProps {
  /** The channel, or its id (then the tile asks the server about it). */
  channel: VideoChannel | string;
  /** A line above the name: why this tile is open (spotlight, distance to a clue …). */
  caption?: string;
  /** False stops the player (a tile kept but not shown). */
  active?: boolean;
  onClose?: () => void;
  className?: string;
  testId?: string;
}

/** True while the element is on screen: a tile scrolled out of view stops its player. */
function useInView(ref: React.RefObject<HTMLElement | null>): boolean {
  const [inView, setInView] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => setInView(entries.some((e) => e.isIntersecting)), {
      threshold: 0.05,
    });
    io.observe(el);
    return () => io.disconnect();
  }, [ref]);
  return inView;
}

/**
 * One live channel with its status overlay: live / buffering / offline, the last frame's age and
 * the bitrate, the channel's name and township. Offline, it shows why and for how long, over the
 * platform's last snapshot where there is one. It reconnects by itself with back-off, and never
 * throws: a dead stream is something the tile shows.
 */
export function VideoTile(props: VideoTileProps) {
  const root = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const inView = useInView(root);
  const ch = useChannelInfo(props.channel);
  const stream = useTileStream(ch, (props.active ?? true) && inView);
  const player = usePlayer(video, stream.source, stream.onPlayerFailed);
  const { onLive } = stream;
  useEffect(() => {
    if (player.phase === 'live') onLive();
  }, [player.phase, onLive]);
  const view = tileView(ch, player, stream.failure);
  const demo = stream.session?.demo ?? ch?.origin === 'demo';

  return (
    <div
      ref={root}
      className={`vtile vtile--${view.pill} ${props.className ?? ''}`}
      data-testid={props.testId ?? 'video-tile'}
      data-channel={ch?.id ?? (typeof props.channel === 'string' ? props.channel : props.channel.id)}
      data-state={view.pill}
      data-player={player.phase}
    >
      <video
        ref={video}
        className="vtile__video"
        muted
        playsInline
        autoPlay
        disablePictureInPicture
        data-testid="tile-video"
      />
      {view.outage && <OutagePanel outage={view.outage} channel={ch} />}
      <div className="vtile__top">
        <div className="vtile__names">
          {props.caption && (
            <div className="vtile__caption" title={props.caption}>
              {props.caption}
            </div>
          )}
          <div className="vtile__name" data-testid="tile-name" title={ch?.name}>
            {ch?.name ?? '…'}
          </div>
          {ch && <Place channel={ch} />}
        </div>
        <span className={`vtile__pill vtile__pill--${view.pill}`} data-testid="tile-pill">
          {t(PILL_TEXT[view.pill])}
        </span>
        {props.onClose && (
          <button
            type="button"
            className="vtile__close"
            aria-label={t('tile.close')}
            title={t('tile.close')}
            onClick={props.onClose}
            data-testid="tile-close"
          >
            ×
          </button>
        )}
      </div>
      <div className="vtile__bottom">
        {demo && (
          <span className="vtile__demo" data-testid="tile-demo">
            {t('tile.demo')}
          </span>
        )}
        {!view.outage && (
          <span className="vtile__stats" data-testid="tile-stats">
            {player.frameAgeMs === null
              ? t('tile.noFrame')
              : t('tile.frameAge', { age: formatFrameAge(player.frameAgeMs) })}
            {player.kbps !== null && <b>{formatBitrate(player.kbps)}</b>}
          </span>
        )}
      </div>
    </div>
  );
}

function Place(props: { channel: VideoChannel }) {
  const c = props.channel;
  const text = c.township === c.regionName ? c.township : `${c.township} · ${c.regionName}`;
  return (
    <div className="vtile__place" title={text}>
      {text}
    </div>
  );
}

function OutagePanel(props: { outage: Outage; channel: VideoChannel | null }) {
  const now = useNow();
  const { outage, channel } = props;
  const snapshot = channel?.snapshot && outage.kind !== 'no-source' ? videoApi.snapshotUrl(channel.id) : null;
  let reason: string;
  let detail: string | null = null;
  let tooltip: string | undefined;
  if (outage.kind === 'platform') {
    reason = outage.reason
      ? wallLabel('reason', outage.reason)
      : wallLabel('state', outage.state === 'out_of_service' ? 'offline' : outage.state);
    detail = t('tile.down', { duration: formatDuration(now - outage.since) });
  } else if (outage.kind === 'stream') {
    reason = t('tile.streamFailed', { reason: outage.message });
    tooltip = outage.detail;
    const left = outage.retryAt === null ? 0 : Math.ceil((outage.retryAt - now) / 1000);
    detail = `${t('tile.down', { duration: formatDuration(now - outage.since) })}${left > 0 ? ` · ${t('tile.retryIn', { n: left })}` : ''}`;
  } else reason = t('tile.noSource');
  return (
    <div className="vtile__outage" data-testid="tile-outage" data-kind={outage.kind}>
      {snapshot && <SnapshotImage src={snapshot} />}
      <div className="vtile__outage-card">
        <div className="vtile__outage-reason" data-testid="tile-reason" title={tooltip ?? reason}>
          {reason}
        </div>
        {detail && <div className="vtile__outage-detail">{detail}</div>}
      </div>
    </div>
  );
}

/** The platform's last snapshot behind the outage card; gone quietly when the image fails. */
function SnapshotImage(props: { src: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return null;
  return (
    <figure className="vtile__snapshot" data-testid="tile-snapshot">
      <img src={props.src} alt="" onError={() => setFailed(true)} />
      <figcaption>{t('tile.lastSnapshot')}</figcaption>
    </figure>
  );
}
