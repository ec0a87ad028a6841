import { useEffect, useMemo, useState } from 'react';
import { CLUE_CATEGORIES, formatRate, type RegionSnapshot } from '@zhihui/shared';
import { api, type RegionGeo } from '../../lib/api';
import { useChannelPlayer } from '../../lib/channelPlayer';
import { useNow } from '../../lib/clock';
import { getLocale, t, wallLabel } from '../../lib/i18n';
import type { Arrival } from '../../lib/wallStore';
import { MapView, type HtmlMarker, type MapFocus, type MapPickHit } from '../../ui/MapView';
import { Panel } from '../../ui/Panel';
import { drawClueIcons } from './clueIcons';
import {
  areasToGeoJson,
  boundsOf,
  camerasToGeoJson,
  CATEGORY_STYLE,
  cluesToGeoJson,
  codeOf,
  hasApproximate,
  NO_DATA_COLOR,
  outlineToGeoJson,
  RATE_BANDS,
  regionLabels,
} from './mapData';
import { SOURCES, wallStyle } from './mapStyle';

export interface WallMapProps {
  snapshot: RegionSnapshot;
  arrivals: readonly Arrival[];
  /** Child shown by the scene rotation, or null for the whole region. */
  scene: number | null;
  urgentSec: number;
  tileUrl: string | null;
  stale: boolean;
  changedAt: number | null;
  currentAt: number | null;
}

const PULSE_MS = 12_000;

function useRegionGeo(code: string): RegionGeo | null {
  const [geo, setGeo] = useState<RegionGeo | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      api.regionGeo(code, ctl.signal).then(setGeo, (err: unknown) => {
        // The map keeps its labels and points meanwhile; the boundaries come when the server answers.
        if (!ctl.signal.aborted && !(err instanceof Error && 'status' in err && err.status === 404)) timer = setTimeout(load, 10_000);
      });
    void load();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [code]);
  return geo;
}

export function WallMap(props: WallMapProps) {
  const { snapshot, arrivals, scene } = props;
  const geo = useRegionGeo(snapshot.region.code);
  const now = useNow();
  const level = snapshot.region.level;
  const style = useMemo(() => wallStyle({ level, tileUrl: props.tileUrl }), [level, props.tileUrl]);
  const images = useMemo(() => drawClueIcons(), []);
  const todayFrom = Date.parse(snapshot.periods.today.from);
  // Overdue marks move at most once a minute; no need to rebuild the clue layer every second.
  const minute = Math.floor(now / 60_000);

  const areas = useMemo(
    () => areasToGeoJson({ snapshot, children: geo?.children ?? null, outline: geo?.outline ?? null, selected: scene }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [snapshot.childFigures, snapshot.figures, geo, scene],
  );
  const outline = useMemo(() => outlineToGeoJson(geo?.outline ?? null), [geo]);
  const isLeaf = snapshot.children.length === 0;
  const cameras = useMemo(() => camerasToGeoJson(snapshot.cameras, isLeaf), [snapshot.cameras, isLeaf]);
  const clues = useMemo(() => cluesToGeoJson(snapshot.clues, minute * 60_000, todayFrom), [snapshot.clues, minute, todayFrom]);
  const data = useMemo(
    () => ({ [SOURCES.areas]: areas, [SOURCES.outline]: outline, [SOURCES.cameras]: cameras, [SOURCES.clues]: clues }),
    [areas, outline, cameras, clues],
  );
  const labels = useMemo(
    () => regionLabels(snapshot, geo?.children ?? null, geo?.outline ?? null),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [snapshot.childFigures, snapshot.figures, geo],
  );

  const regionBounds = useMemo(() => {
    if (geo?.outline) return boundsOf([geo.outline.geometry]);
    if (geo && geo.children.features.length) return boundsOf(geo.children.features.map((f) => f.geometry));
    const pts: GeoJSON.Point[] = snapshot.children.flatMap((c) => (c.center ? [{ type: 'Point' as const, coordinates: c.center }] : []));
    return boundsOf(pts);
  }, [geo, snapshot.children]);
  const sceneBounds = useMemo(() => {
    if (scene === null || !geo) return null;
    const code = snapshot.children[scene]?.code;
    const f = geo.children.features.find((x) => codeOf(x) === code);
    return f ? boundsOf([f.geometry]) : null;
  }, [scene, geo, snapshot.children]);

  const urgent = useMemo(() => {
    for (let i = arrivals.length - 1; i >= 0; i--) {
      const a = arrivals[i]!;
      if (now - a.at > props.urgentSec * 1000) break;
      if (a.clue.urgent && a.clue.lon !== null && a.clue.lat !== null) return a;
    }
    return null;
  }, [arrivals, now, props.urgentSec]);
  const focus: MapFocus | null = urgent ? { center: [urgent.clue.lon!, urgent.clue.lat!], zoom: 13.2, key: String(urgent.n) } : null;

  const markers: HtmlMarker[] = [];
  // Many or small areas (a city's counties): name and rate only, so labels do not pile up.
  const compact = labels.length > 8 || level === 'city' || level === 'province';
  for (const l of labels) {
    markers.push({
      id: `label-${l.code}`,
      lngLat: l.lngLat,
      className: `region-label region-label--${l.band}${l.alert ? ' region-label--alert' : ''}${compact ? ' region-label--compact' : ''}`,
      declutter: true,
      priority: l.area,
      lines: [
        { text: l.name, className: 'region-label__name' },
        { text: l.rateText, className: 'region-label__rate' },
        ...(compact ? [] : [{ text: l.counts, className: 'region-label__counts' }]),
      ],
    });
  }
  for (const a of arrivals) {
    if (now - a.at > PULSE_MS || a.clue.lon === null || a.clue.lat === null) continue;
    markers.push({ id: `pulse-${a.n}`, lngLat: [a.clue.lon, a.clue.lat], className: `pulse pulse--${a.clue.category}`, lines: [] });
  }
  if (urgent) {
    markers.push({
      id: `urgent-${urgent.n}`,
      lngLat: [urgent.clue.lon!, urgent.clue.lat!],
      className: 'urgent-callout',
      offset: [0, -64],
      lines: [
        { text: `${t('clues.urgent')} · ${wallLabel('category', urgent.clue.category)}`, className: 'urgent-callout__tag' },
        { text: urgent.clue.title, className: 'urgent-callout__title' },
      ],
    });
  }

  // A click on an offline point plays that channel; on a clue, the channels nearest to it.
  const play = useChannelPlayer();
  const onPick = (hits: MapPickHit[]) => {
    const cam = hits.find((h) => h.layer === 'camera-points');
    const camId = typeof cam?.id === 'number' ? snapshot.cameras.id[cam.id] : undefined;
    if (camId) return play?.({ channelId: camId, from: 'map' });
    const clue = snapshot.clues.find((c) => c.id === hits.find((h) => h.layer === 'clue-icons')?.properties.id);
    if (clue && clue.lon !== null && clue.lat !== null) play?.({ near: { lon: clue.lon, lat: clue.lat, title: clue.title }, from: 'map' });
  };

  const approximate = hasApproximate(geo?.children ?? null, geo?.outline ?? null);
  const sceneRegion = scene === null ? null : snapshot.children[scene];
  const sceneFigs = scene === null ? null : snapshot.childFigures[scene];

  return (
    <Panel
      title={`${snapshot.region.name} · ${t('panel.map')}`}
      testId="panel-map"
      className="panel--map"
      changedAt={props.changedAt}
      currentAt={props.currentAt}
      stale={props.stale}
    >
      <div className="map-wrap">
        <MapView
          style={style}
          data={data}
          fit={sceneBounds ?? regionBounds}
          fitPadding={sceneBounds ? 90 : 48}
          focus={focus}
          markers={markers}
          images={images}
          className="map"
          testId="map"
          onPick={play ? onPick : undefined}
          pickLayers={['camera-points', 'clue-icons']}
        />
        <div className="map-legend" data-testid="map-legend">
          <div className="map-legend__title">{t('map.legend')}</div>
          {RATE_BANDS.map((b, i) => (
            <div className="map-legend__row" key={b.key}>
              <span className="map-legend__swatch" style={{ background: b.color }} />
              <span>{i === 0 ? `≥ ${formatRate(b.min, 0)}` : `${formatRate(b.min, 0)} – ${formatRate(RATE_BANDS[i - 1]!.min, 0)}`}</span>
            </div>
          ))}
          <div className="map-legend__row">
            <span className="map-legend__swatch" style={{ background: NO_DATA_COLOR }} />
            <span>{t('map.noData')}</span>
          </div>
          <div className="map-legend__cats">
            {CLUE_CATEGORIES.filter((c) => c !== 'other').map((c) => (
              <span className="map-legend__cat" key={c}>
                <span className="map-legend__mark" style={{ background: CATEGORY_STYLE[c].color }}>
                  {getLocale() === 'en' ? CATEGORY_STYLE[c].markEn : CATEGORY_STYLE[c].mark}
                </span>
                {wallLabel('category', c)}
              </span>
            ))}
            <span className="map-legend__cat">
              <span className="map-legend__mark map-legend__mark--overdue" />
              {t('map.overdue')}
            </span>
            <span className="map-legend__cat">
              <span className="map-legend__dot" />
              {t('map.cameraOffline')}
            </span>
          </div>
        </div>
        {sceneRegion && sceneFigs && (
          <div className="scene-card" data-testid="scene-card">
            <div className="scene-card__name">{sceneRegion.name}</div>
            <div className="scene-card__rate">{formatRate(sceneFigs.today.cameras.operationalRate)}</div>
            <div className="scene-card__row">
              {t('video.rate')} · {sceneFigs.today.cameras.online}/{sceneFigs.today.cameras.inService - sceneFigs.today.cameras.maintenance}
            </div>
            <div className="scene-card__row">
              {t('clues.today')} {sceneFigs.today.clues.total} · {t('clues.overdue')} {sceneFigs.today.clues.overdue}
            </div>
          </div>
        )}
        {approximate && (
          <div className="map-note" data-testid="map-approximate">
            {t('map.approximate')}
          </div>
        )}
      </div>
    </Panel>
  );
}
