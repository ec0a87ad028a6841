import { useMemo } from 'react';
import type { RegionGeo, RegionSnapshot } from '@zhihui/shared';
import { useMinute } from '../../lib/clock';
import { drawClueIcons } from './clueIcons';
import {
  areasToGeoJson,
  boundsOf,
  cameraPointsToGeoJson,
  cameraState,
  cluesToGeoJson,
  codeOf,
  outlineToGeoJson,
  regionLabels,
} from './mapData';
import { pointsShownAtFit, SOURCES, wallStyle } from './mapStyle';

/** Above this many channel points on the map, the map is drawn without multisampling. */
const MANY_POINTS = 2000;

/**
 * What the wall map draws from a snapshot, each part rebuilt only when its own inputs change
 * (a delta that moves a clue leaves the areas alone): the style, the icons, the GeoJSON of every
 * source, the region labels and the bounds to fit.
 */
export function useWallMapLayers(
  snapshot: RegionSnapshot,
  geo: RegionGeo | null,
  scene: number | null,
  tileUrl: string | null,
) {
  const { region, children, childFigures, figures, cameras: cameraList, clues: clueList } = snapshot;
  const level = region.level;
  const style = useMemo(() => wallStyle({ level, tileUrl }), [level, tileUrl]);
  const images = useMemo(() => drawClueIcons(), []);
  const todayFrom = Date.parse(snapshot.periods.today.from);
  // Overdue marks move at most once a minute; the clue layer is rebuilt no more often than that.
  const minute = useMinute();
  const geoChildren = geo?.children ?? null;
  const geoOutline = geo?.outline ?? null;

  const areas = useMemo(
    () =>
      areasToGeoJson({
        snapshot: { region, children, childFigures, figures },
        children: geoChildren,
        outline: geoOutline,
        selected: scene,
      }),
    [region, children, childFigures, figures, geoChildren, geoOutline, scene],
  );
  // What the map draws of the areas: a new rate in the same colour band is not written to the map.
  const areasKey = useMemo(
    () =>
      areas.features
        .map((f) => `${f.properties?.code}:${f.properties?.name}:${f.properties?.color}:${f.properties?.selected}`)
        .join('|'),
    [areas],
  );
  const dataKeys = useMemo(
    () => ({ [SOURCES.areas]: `${areasKey}#${geoChildren ? 'g' : ''}${geoOutline ? 'o' : ''}` }),
    [areasKey, geoChildren, geoOutline],
  );
  const outline = useMemo(() => outlineToGeoJson(geoOutline), [geoOutline]);
  const isLeaf = children.length === 0;
  // Positions change only with a new snapshot's rows (a delta keeps these columns): the points are
  // built then, and a delta only moves the state column the map reads as feature state.
  const { lon, lat, state } = cameraList;
  const cameras = useMemo(() => cameraPointsToGeoJson({ lon, lat }), [lon, lat]);
  const featureStates = useMemo(
    () => ({ [SOURCES.cameras]: { values: state, toState: (v: number) => cameraState(v, isLeaf) } }),
    [state, isLeaf],
  );
  const clues = useMemo(() => cluesToGeoJson(clueList, minute * 60_000, todayFrom), [clueList, minute, todayFrom]);
  const data = useMemo(
    () => ({ [SOURCES.areas]: areas, [SOURCES.outline]: outline, [SOURCES.cameras]: cameras, [SOURCES.clues]: clues }),
    [areas, outline, cameras, clues],
  );
  const labels = useMemo(
    () => regionLabels({ region, children, childFigures, figures }, geoChildren, geoOutline),
    [region, children, childFigures, figures, geoChildren, geoOutline],
  );

  const regionBounds = useMemo(() => {
    if (geoOutline) return boundsOf([geoOutline.geometry]);
    if (geoChildren && geoChildren.features.length) return boundsOf(geoChildren.features.map((f) => f.geometry));
    const pts: GeoJSON.Point[] = children.flatMap((c) =>
      c.center ? [{ type: 'Point' as const, coordinates: c.center }] : [],
    );
    return boundsOf(pts);
  }, [geoOutline, geoChildren, children]);
  const sceneBounds = useMemo(() => {
    if (scene === null || !geoChildren) return null;
    const code = children[scene]?.code;
    const f = geoChildren.features.find((x) => codeOf(x) === code);
    return f ? boundsOf([f.geometry]) : null;
  }, [scene, geoChildren, children]);

  // Thousands of points drawn at once (a township wall shows its online channels too): without
  // multisampling. Their edges are soft already (circles are antialiased in their shader); with
  // software GL multisampling quadruples the cost of every map frame. Fixed for the map's life.
  const antialias = !(pointsShownAtFit(level) && cameraList.lon.length > MANY_POINTS);

  return { style, images, data, dataKeys, featureStates, labels, regionBounds, sceneBounds, antialias };
}
