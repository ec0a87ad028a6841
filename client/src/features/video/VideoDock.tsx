import { useState } from 'react';
import type { NearChannel } from '@zhihui/shared';
import { t } from '../../lib/i18n';
import type { DockTile } from './dockModel';
import { useVideo } from './VideoProvider';
import { VideoTile } from './VideoTile';
import { videoApi } from './videoApi';
import { useFetch } from '../../lib/useFetch';

/** How many channels near a place are offered to switch to. */
const NEAR_CHOICES = 4;

/**
 * The tiles opened on demand, newest first. On the wall it sits over the map's right side; in the
 * meeting view at the screen's bottom right.
 */
export function VideoDock(props: { variant: 'wall' | 'meeting' }) {
  const { tiles, close } = useVideo();
  if (tiles.length === 0) return null;
  return (
    <div className={`vdock vdock--${props.variant} ${tiles.length === 1 ? 'vdock--one' : ''}`} data-testid="video-dock">
      {tiles.map((tile) => (
        <DockEntry key={tile.key} tile={tile} onClose={() => close(tile.key)} />
      ))}
    </div>
  );
}

function DockEntry(props: { tile: DockTile; onClose: () => void }) {
  const { pick } = props.tile;
  if (pick.channelId) return <VideoTile channel={pick.channelId} onClose={props.onClose} testId="dock-tile" />;
  return <NearTile tile={props.tile} onClose={props.onClose} />;
}

/** A tile for a place: the nearest live channel, with the next nearest ones to switch to. */
function NearTile(props: { tile: DockTile; onClose: () => void }) {
  const { region } = useVideo();
  const near = props.tile.pick.near!;
  const [chosen, setChosen] = useState(0);
  const near$ = useFetch(`${region}|${near.lon}|${near.lat}`, (signal) =>
    videoApi.nearest(region, near.lon, near.lat, NEAR_CHOICES, true, signal),
  );
  // No answer (an error) is no channel near: the tile says so instead of waiting forever.
  const choices: NearChannel[] | null = near$.error ? [] : near$.loading ? null : (near$.data?.channels ?? []);
  if (choices === null) return <div className="vdock__empty">…</div>;
  const ch = choices[chosen];
  if (!ch) {
    return (
      <div className="vdock__empty" data-testid="dock-empty" onClick={props.onClose}>
        {t('tile.noNear')}
      </div>
    );
  }
  const caption = `${props.tile.pick.from === 'spotlight' ? t('tile.spotlight') : (near.title ?? t('tile.nearby'))} · ${t('tile.near', { m: ch.distanceM })}`;
  return (
    <div className="vdock__near-tile">
      <VideoTile key={ch.id} channel={ch} caption={caption} onClose={props.onClose} testId="dock-tile" />
      {choices.length > 1 && (
        <div className="vdock__near" data-testid="dock-near">
          {t('tile.nearby')}:
          {choices.map((c, i) =>
            i === chosen ? null : (
              <button key={c.id} type="button" onClick={() => setChosen(i)}>
                {c.name.split('·').pop()} {c.distanceM} m
              </button>
            ),
          )}
        </div>
      )}
    </div>
  );
}
