import {
  countedChannels,
  CLUE_CATEGORIES,
  formatRate,
  type ClueCategory,
  type GeoCollection,
  type GeoFeature,
  type RegionSnapshot,
} from '@zhihui/shared';
import { rateBandKey, rateColor } from '../../lib/rateBands';

export { NO_DATA_COLOR, RATE_BANDS, rateBandKey, rateColor } from '../../lib/rateBands';

/** Look of each clue category on the map: colour and a one-character mark (not colour alone). */
export const CATEGORY_STYLE: Record<ClueCategory, { color: string; mark: string; markEn: string }> = {
  environment: { color: '#3ddc84', mark: '环', markEn: 'E' },
  crowd: { color: '#ff8a3d', mark: '聚', markEn: 'C' },
  epidemic: { color: '#b57bff', mark: '疫', markEn: 'P' },
  dispute: { color: '#ffd23f', mark: '纠', markEn: 'D' },
  hazard: { color: '#ff5c5c', mark: '险', markEn: 'H' },
  public_opinion: { color: '#4cc9f0', mark: '情', markEn: 'O' },
  security: { color: '#5b8cff', mark: '治', markEn: 'S' },
  other: { color: '#a0aec0', mark: '他', markEn: '?' },
};

const EMPTY: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

export const codeOf = (f: GeoFeature): string => String(f.properties?.code ?? f.properties?.adcode ?? '');

type Bounds = [[number, number], [number, number]];

/** Bounding box of any GeoJSON geometry; null when it has no coordinates. */
export function boundsOf(geoms: readonly (GeoJSON.Geometry | null | undefined)[]): Bounds | null {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      s = Math.min(s, c[1]);
      n = Math.max(n, c[1]);
      return;
    }
    for (const x of c) visit(x);
  };
  for (const g of geoms) {
    if (!g) continue;
    if (g.type === 'GeometryCollection') {
      const b = boundsOf(g.geometries);
      if (b) visit(b);
    } else visit(g.coordinates);
  }
  return Number.isFinite(w)
    ? [
        [w, s],
        [e, n],
      ]
    : null;
}

/** Area-weighted centroid of a ring (shoelace); null for a degenerate ring. */
function ringCentroid(ring: readonly GeoJSON.Position[]): { x: number; y: number; area: number } | null {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j]!;
    const [x1, y1] = ring[i]!;
    const f = x0! * y1! - x1! * y0!;
    a += f;
    cx += (x0! + x1!) * f;
    cy += (y0! + y1!) * f;
  }
  if (Math.abs(a) < 1e-12) return null;
  return { x: cx / (3 * a), y: cy / (3 * a), area: Math.abs(a / 2) };
}

/**
 * Where a region's label goes: the centroid of its (largest) polygon, which spreads labels
 * better than seats near a shared border; the seat when there is no polygon.
 */
export function labelPoint(
  center: [number, number] | null,
  geometry: GeoJSON.Geometry | null | undefined,
): [number, number] | null {
  const polys =
    geometry?.type === 'Polygon'
      ? [geometry.coordinates]
      : geometry?.type === 'MultiPolygon'
        ? geometry.coordinates
        : [];
  let best: { x: number; y: number; area: number } | null = null;
  for (const p of polys) {
    const c = p[0] ? ringCentroid(p[0]) : null;
    if (c && (!best || c.area > best.area)) best = c;
  }
  if (best) return [best.x, best.y];
  if (center) return center;
  const b = boundsOf([geometry]);
  return b ? [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2] : null;
}

/** Area of a polygon's outer rings in square degrees (enough to tell large regions from small). */
export function areaOf(geometry: GeoJSON.Geometry | null | undefined): number {
  const polys =
    geometry?.type === 'Polygon'
      ? [geometry.coordinates]
      : geometry?.type === 'MultiPolygon'
        ? geometry.coordinates
        : [];
  let sum = 0;
  for (const p of polys) sum += (p[0] ? ringCentroid(p[0])?.area : 0) ?? 0;
  return sum;
}

export interface AreaInput {
  snapshot: Pick<RegionSnapshot, 'region' | 'children' | 'childFigures' | 'figures'>;
  children: GeoCollection | null;
  outline: GeoFeature | null;
  /** Index of the child shown by the rotation, or null. */
  selected: number | null;
}

/**
 * The choropleth: each child region's polygon with its operational rate and colour. A region
 * without children (a township wall) shows its own outline, coloured by its own rate.
 */
export function areasToGeoJson(input: AreaInput): GeoJSON.FeatureCollection {
  const { snapshot, children, outline, selected } = input;
  const byCode = new Map(snapshot.children.map((c, i) => [c.code, i] as const));
  const features: GeoJSON.Feature[] = [];
  const src = children?.features ?? [];
  if (src.length > 0) {
    src.forEach((f, k) => {
      const i = byCode.get(codeOf(f));
      const figs = i === undefined ? undefined : snapshot.childFigures[i];
      const rate = figs?.today.cameras.operationalRate ?? null;
      features.push({
        type: 'Feature',
        id: k,
        geometry: f.geometry,
        properties: {
          code: codeOf(f),
          name: i === undefined ? String(f.properties?.name ?? '') : snapshot.children[i]!.name,
          rate,
          color: rateColor(rate),
          selected: i !== undefined && i === selected,
          approximate: f.properties?.approximate === true,
        },
      });
    });
  } else if (outline) {
    const rate = snapshot.figures.today.cameras.operationalRate;
    features.push({
      type: 'Feature',
      id: 0,
      geometry: outline.geometry,
      properties: {
        code: snapshot.region.code,
        name: snapshot.region.name,
        rate,
        color: rateColor(rate),
        selected: false,
        approximate: outline.properties?.approximate === true,
      },
    });
  }
  return features.length ? { type: 'FeatureCollection', features } : EMPTY;
}

export function outlineToGeoJson(outline: GeoFeature | null): GeoJSON.FeatureCollection {
  return outline
    ? { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: outline.geometry, properties: {} }] }
    : EMPTY;
}

/** True when any polygon drawn is approximate (synthetic township boundaries). */
export function hasApproximate(children: GeoCollection | null, outline: GeoFeature | null): boolean {
  return (
    (children?.features ?? []).some((f) => f.properties?.approximate === true) ||
    outline?.properties?.approximate === true
  );
}

export interface RegionLabel {
  code: string;
  name: string;
  lngLat: [number, number];
  rate: number | null;
  rateText: string;
  /** Channels online / counted, e.g. "212/230". */
  counts: string;
  band: string;
  alert: boolean;
  /** Area of the region's polygon (0 without one): larger regions keep their label in place. */
  area: number;
}

/** One label per child region (or the region itself on a township wall): name, rate, n/N. */
export function regionLabels(
  snapshot: AreaInput['snapshot'],
  children: GeoCollection | null,
  outline: GeoFeature | null,
): RegionLabel[] {
  const geomByCode = new Map((children?.features ?? []).map((f) => [codeOf(f), f.geometry] as const));
  const make = (
    code: string,
    name: string,
    center: [number, number] | null,
    figs: RegionSnapshot['figures'],
    geom: GeoJSON.Geometry | undefined,
  ) => {
    const at = labelPoint(center, geom);
    if (!at) return null;
    const c = figs.today.cameras;
    const rate = c.operationalRate;
    return {
      code,
      name,
      lngLat: at,
      rate,
      rateText: formatRate(rate),
      counts: `${c.online}/${countedChannels(c)}`,
      band: rateBandKey(rate),
      alert: c.offline + c.unknown > 0 && rate !== null && rate < 0.9,
      area: areaOf(geom),
    } satisfies RegionLabel;
  };
  const out: RegionLabel[] = [];
  if (snapshot.children.length > 0) {
    snapshot.children.forEach((r, i) => {
      const figs = snapshot.childFigures[i];
      if (!figs) return;
      const l = make(r.code, r.name, r.center, figs, geomByCode.get(r.code));
      if (l) out.push(l);
    });
  } else {
    const l = make(
      snapshot.region.code,
      snapshot.region.name,
      snapshot.region.center,
      snapshot.figures,
      outline?.geometry,
    );
    if (l) out.push(l);
  }
  return out;
}

/** Icon id of a clue marker: category, plus `-overdue` for an overdue one (red ring). */
export const clueIcon = (category: ClueCategory, overdue: boolean): string =>
  `clue-${category}${overdue ? '-overdue' : ''}`;

/** The icons the clue layer needs, one per category and overdue variant. */
export const CLUE_ICON_IDS = CLUE_CATEGORIES.flatMap((c) => [clueIcon(c, false), clueIcon(c, true)]);
