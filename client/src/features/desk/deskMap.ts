import type { StyleSpecification } from 'maplibre-gl';
import type { Clue, RegionSnapshot } from '@zhihui/shared';

/** Sources of the desk's map. */
export const DESK_SOURCES = { areas: 'areas', cameras: 'cameras', clues: 'clues', pin: 'pin' } as const;
export const CLUE_LAYER = 'desk-clues';
export const CAMERA_LAYER = 'desk-cameras';

/** The desk's map: the wall's dark ground and dashed area lines, channels and clues as points, the pin of a new report. No text layers. */
export function deskStyle(tileUrl: string | null): StyleSpecification {
  const empty = { type: 'geojson' as const, data: { type: 'FeatureCollection' as const, features: [] } };
  const style: StyleSpecification = {
    version: 8,
    sources: { areas: empty, cameras: empty, clues: empty, pin: empty },
    layers: [{ id: 'bg', type: 'background', paint: { 'background-color': '#030b1a' } }],
  };
  if (tileUrl) {
    style.sources.tiles = { type: 'raster', tiles: [tileUrl], tileSize: 256 };
    style.layers.push({
      id: 'tiles',
      type: 'raster',
      source: 'tiles',
      paint: { 'raster-opacity': 0.35, 'raster-saturation': -0.8 },
    });
  }
  style.layers.push(
    { id: 'area-fill', type: 'fill', source: 'areas', paint: { 'fill-color': '#0d2b5c', 'fill-opacity': 0.55 } },
    {
      id: 'area-line',
      type: 'line',
      source: 'areas',
      paint: { 'line-color': '#9fd8ff', 'line-opacity': 0.55, 'line-width': 1.2, 'line-dasharray': [3, 2] },
    },
    {
      id: CAMERA_LAYER,
      type: 'circle',
      source: 'cameras',
      paint: {
        'circle-radius': 3,
        'circle-color': ['match', ['get', 'state'], 1, '#ff4d5e', 2, '#f5a524', '#2ee6a6'],
        'circle-opacity': 0.6,
      },
    },
    {
      id: CLUE_LAYER,
      type: 'circle',
      source: 'clues',
      paint: {
        'circle-radius': ['case', ['get', 'selected'], 11, 7],
        'circle-color': [
          'match',
          ['get', 'tone'],
          'overdue',
          '#ef4d5a',
          'urgent',
          '#f5a524',
          'done',
          '#5b6b82',
          '#38d6ff',
        ],
        'circle-stroke-color': ['case', ['get', 'selected'], '#ffd56b', '#05101f'],
        'circle-stroke-width': ['case', ['get', 'selected'], 3, 1.5],
      },
    },
    {
      id: 'pin',
      type: 'circle',
      source: 'pin',
      paint: {
        'circle-radius': 10,
        'circle-color': 'rgba(255,213,107,0.25)',
        'circle-stroke-color': '#ffd56b',
        'circle-stroke-width': 3,
      },
    },
  );
  return style;
}

const fc = (features: GeoJSON.Feature[]): GeoJSON.FeatureCollection => ({ type: 'FeatureCollection', features });

/** Clues with a location as points, coloured by urgency and due time. */
export function cluesToGeoJson(clues: Iterable<Clue>, selected: string | null, now: number): GeoJSON.FeatureCollection {
  const out: GeoJSON.Feature[] = [];
  for (const c of clues) {
    if (c.lon === null || c.lat === null) continue;
    const open = c.status === 'reported' || c.status === 'verified' || c.status === 'dispatched';
    const tone = !open ? 'done' : c.dueAt && Date.parse(c.dueAt) < now ? 'overdue' : c.urgent ? 'urgent' : 'open';
    out.push({
      type: 'Feature',
      id: c.id,
      geometry: { type: 'Point', coordinates: [c.lon, c.lat] },
      properties: { id: c.id, tone, selected: c.id === selected },
    });
  }
  return fc(out);
}

/** The region's channels as points (state index as the wall's snapshot gives it). */
export function camerasToGeoJson(s: RegionSnapshot | null): GeoJSON.FeatureCollection {
  if (!s) return fc([]);
  const c = s.cameras;
  return fc(
    c.id.map((id, i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [c.lon[i]!, c.lat[i]!] },
      properties: { id, name: c.name[i], state: c.state[i] },
    })),
  );
}

export const pinToGeoJson = (at: [number, number] | null): GeoJSON.FeatureCollection =>
  fc(at ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties: {} }] : []);
