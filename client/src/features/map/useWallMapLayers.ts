import { useMemo } from 'react';
import type { RegionGeo, RegionSnapshot } from '@zhihui/shared';
import { drawClueIcons } from './clueIcons';
import { areasToGeoJson, boundsOf, codeOf, outlineToGeoJson, regionLabels } from './mapData';
import { pointsShownAtFit, SOURCES, wallStyle } from './mapStyle';

/** Above this many channel points on a township wall, the map is drawn without multisampling. */
const MANY_POINTS = 2000;

/**
 * What the wall map draws from a snapshot, each part rebuilt only when its own inputs change
 * (a delta that moves a clue leaves the areas alone): the style, the clue icons, the GeoJSON of
 * the areas and the outline, the region labels and the bounds to fit. The points drawn over them
 * follow the store directly (pointFeed.ts).
 */
export function useWallMapLayers(
  snapshot: RegionSnapshot,
  geo: RegionGeo | null,
  scene: number | null,
  tileUrl: string | null,
) {
  const { region, children, childFigures, figures, cameras: cameraList } = snapshot;
  const level = region.level;
  const style = useMemo(() => wallStyle({ tileUrl }), [tileUrl]);
  const images = useMemo(() => drawClueIcons(), []);
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
  const data = useMemo(() => ({ [SOURCES.areas]: areas, [SOURCES.outline]: outline }), [areas, outline]);
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

  // A township wall with thousands of channels is one under many changes: its map is drawn without
  // multisampling, which with software GL quadruples the cost of a map frame (the points are on
  // their own canvas, but an urgent clue's flight draws the map every frame). Fixed for the map's life.
  const antialias = !(pointsShownAtFit(level) && cameraList.lon.length > MANY_POINTS);

  return { style, images, data, dataKeys, labels, regionBounds, sceneBounds, antialias };
}
