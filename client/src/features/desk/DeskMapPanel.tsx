import { useMemo } from 'react';
import type { Clue, RegionGeo } from '@zhihui/shared';
import { MapView, type MapPickHit } from '../../ui/MapView';
import type { ClueDraft } from './ClueForm';
import { CAMERA_LAYER, CLUE_LAYER, camerasToGeoJson, cluesToGeoJson, deskStyle, pinToGeoJson } from './deskMap';
import { dt } from './deskText';

/** Bounds of a region's geometry, for the map to fit. */
function boundsOf(geo: RegionGeo | null): [[number, number], [number, number]] | null {
  if (!geo) return null;
  let x0 = 180,
    y0 = 90,
    x1 = -180,
    y1 = -90;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      x0 = Math.min(x0, c[0]);
      x1 = Math.max(x1, c[0]);
      y0 = Math.min(y0, c[1] as number);
      y1 = Math.max(y1, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of [geo.outline, ...geo.children.features])
    if (f && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  return x1 > x0
    ? [
        [x0, y0],
        [x1, y1],
      ]
    : null;
}

/** What the desk's map shows: the region's areas, its channels, its clues and the new clue's pin. */
function useDeskMapData(
  geo: RegionGeo | null,
  snapshot: Parameters<typeof camerasToGeoJson>[0],
  clues: Map<string, Clue>,
  selected: string | null,
  now: number,
  draft: ClueDraft | null,
) {
  return useMemo(
    () => ({
      areas: {
        type: 'FeatureCollection' as const,
        features: (geo
          ? [...geo.children.features, ...(geo.children.features.length === 0 && geo.outline ? [geo.outline] : [])]
          : []) as GeoJSON.Feature[],
      },
      cameras: camerasToGeoJson(snapshot),
      clues: cluesToGeoJson(clues.values(), selected, now),
      pin: pinToGeoJson(draft?.lngLat ?? null),
    }),
    [geo, snapshot, clues, selected, now, draft],
  );
}

/** The map of the desk's region: click a clue to open it, anywhere else to start one. */
export function DeskMapPanel(props: {
  geo: RegionGeo | null;
  snapshot: Parameters<typeof camerasToGeoJson>[0];
  clues: Map<string, Clue>;
  selected: string | null;
  now: number;
  draft: ClueDraft | null;
  onPick: (hits: MapPickHit[], lngLat: [number, number]) => void;
}) {
  const { geo, snapshot, clues, selected, now, draft, onPick } = props;
  const style = useMemo(() => deskStyle(null), []);
  const mapData = useDeskMapData(geo, snapshot, clues, selected, now, draft);
  const fit = useMemo(() => boundsOf(geo), [geo]);
  return (
    <section className="desk-map">
      <MapView
        style={style}
        data={mapData}
        fit={fit}
        fitPadding={40}
        onPick={onPick}
        pickLayers={[CLUE_LAYER, CAMERA_LAYER]}
        className="desk-map__view"
        testId="desk-map"
      />
      <div className="desk-map__hint">{dt('newHint')}</div>
    </section>
  );
}
