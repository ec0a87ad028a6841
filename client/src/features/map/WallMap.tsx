import { useMemo } from 'react';
import type { RegionSnapshot } from '@zhihui/shared';
import { useChannelPlayer } from '../../lib/channelPlayer';
import { useMinute, useTimeAt } from '../../lib/clock';
import { t } from '../../lib/i18n';
import { mapPanelTitle } from './mapPanelTitle';
import type { Arrival } from '../../lib/section';
import { MapView, type MapFocus, type MapPickHit } from '../../ui/MapView';
import { Panel } from '../../ui/Panel';
import { MapLegend } from './MapLegend';
import { hasApproximate } from './mapData';
import { wallPointFeed, type LiveSnapshot } from './pointFeed';
import { CAMERA_LAYER, CLUE_LAYER } from './pointLayers';
import { SceneCard } from './SceneCard';
import { useRegionGeo } from './useRegionGeo';
import { useWallMapLayers } from './useWallMapLayers';
import { arrivalDeadlines, latestUrgent, wallMarkers } from './wallMarkers';

export interface WallMapProps {
  snapshot: RegionSnapshot;
  /** Where the channel and clue points are read from as each delta lands (see pointFeed.ts). */
  store: LiveSnapshot;
  arrivals: readonly Arrival[];
  /** Child shown by the scene rotation, or null for the whole region. */
  scene: number | null;
  urgentSec: number;
  tileUrl: string | null;
  stale: boolean;
  changedAt: number | null;
  currentAt: number | null;
}

/**
 * The region on the map: areas coloured by rate, labels, clues, offline cameras, the urgent
 * spotlight. Renders when the snapshot changes and when a pulse or a spotlight ends, not on
 * every tick of the wall clock.
 */
export function WallMap(props: WallMapProps) {
  const { snapshot, arrivals, scene, urgentSec } = props;
  const geo = useRegionGeo(snapshot.region.code);
  const layers = useWallMapLayers(snapshot, geo, scene, props.tileUrl);
  // Overdue marks move at most once a minute: the clue layer is rebuilt no more often than that.
  const minute = useMinute();
  const points = useMemo(() => wallPointFeed(props.store, minute), [props.store, minute]);
  const deadlines = useMemo(() => arrivalDeadlines(arrivals, urgentSec), [arrivals, urgentSec]);
  const now = useTimeAt(deadlines);
  const urgent = useMemo(() => latestUrgent(arrivals, now, urgentSec), [arrivals, now, urgentSec]);
  const focus: MapFocus | null = urgent
    ? { center: [urgent.clue.lon!, urgent.clue.lat!], zoom: 13.2, key: String(urgent.n) }
    : null;
  // Many or small areas (a city's counties): name and rate only, so labels do not pile up.
  const level = snapshot.region.level;
  const compact = layers.labels.length > 8 || level === 'city' || level === 'province';
  const markers = useMemo(
    () => wallMarkers({ labels: layers.labels, compact, arrivals, urgent, now }),
    [layers.labels, compact, arrivals, urgent, now],
  );
  const onPick = usePickToPlay(snapshot);

  const approximate = hasApproximate(geo?.children ?? null, geo?.outline ?? null);
  const sceneRegion = scene === null ? null : snapshot.children[scene];
  const sceneFigs = scene === null ? null : snapshot.childFigures[scene];

  return (
    <Panel
      title={mapPanelTitle(snapshot.region.name)}
      testId="panel-map"
      className="panel--map"
      changedAt={props.changedAt}
      currentAt={props.currentAt}
      stale={props.stale}
    >
      <div className="map-wrap">
        <MapView
          style={layers.style}
          antialias={layers.antialias}
          data={layers.data}
          dataKeys={layers.dataKeys}
          canvasLayers={points}
          fit={layers.sceneBounds ?? layers.regionBounds}
          fitPadding={layers.sceneBounds ? 90 : 48}
          focus={focus}
          markers={markers}
          images={layers.images}
          className="map"
          testId="map"
          onPick={onPick}
        />
        <MapLegend />
        {sceneRegion && sceneFigs && <SceneCard region={sceneRegion} figures={sceneFigs} />}
        {approximate && (
          <div className="map-note" data-testid="map-approximate">
            {t('map.approximate')}
          </div>
        )}
      </div>
    </Panel>
  );
}

/**
 * A click on an offline point plays that channel; on a clue, the channels nearest to it. The
 * points drawn may be a delta ahead of `snapshot`: hits name their channel or clue.
 */
function usePickToPlay(snapshot: RegionSnapshot): ((hits: MapPickHit[]) => void) | undefined {
  const play = useChannelPlayer();
  if (!play) return undefined;
  return (hits) => {
    const cam = hits.find((h) => h.layer === CAMERA_LAYER);
    const camId = cam?.properties.id;
    if (typeof camId === 'string') return play({ channelId: camId, from: 'map' });
    const clue = snapshot.clues.find((c) => c.id === hits.find((h) => h.layer === CLUE_LAYER)?.properties.id);
    if (clue && clue.lon !== null && clue.lat !== null) {
      play({ near: { lon: clue.lon, lat: clue.lat, title: clue.title }, from: 'map' });
    }
  };
}
