/** A GeoJSON feature as /regions/:code/geo serves it. */
export interface MapFeature {
  properties: Record<string, unknown> | null;
  geometry: GeoJSON.Geometry;
}

export interface MapShape {
  code: string;
  name: string;
  d: string;
  /** Label point: the polygon's centroid, else the region's seat. */
  label: [number, number];
}

export interface ProjectedMap {
  width: number;
  height: number;
  shapes: MapShape[];
  outline: string | null;
}

type Ring = GeoJSON.Position[];

function ringsOf(g: GeoJSON.Geometry): Ring[][] {
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  if (g.type === 'GeometryCollection') return g.geometries.flatMap(ringsOf);
  return [];
}

/**
 * Child regions as SVG paths fitted into width × height: an equirectangular projection scaled by
 * cos(latitude), which at county scale is indistinguishable from the web map and needs no library.
 */
export function projectRegions(
  children: readonly MapFeature[],
  outline: MapFeature | null,
  centers: ReadonlyMap<string, [number, number]>,
  width: number,
  height: number,
  pad = 24,
): ProjectedMap {
  const all = [...children, ...(outline ? [outline] : [])].flatMap((f) => ringsOf(f.geometry));
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const poly of all)
    for (const ring of poly)
      for (const [x, y] of ring) {
        if (x! < minX) minX = x!;
        if (x! > maxX) maxX = x!;
        if (y! < minY) minY = y!;
        if (y! > maxY) maxY = y!;
      }
  if (!Number.isFinite(minX)) return { width, height, shapes: [], outline: null };
  const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const spanX = Math.max(1e-9, (maxX - minX) * k);
  const spanY = Math.max(1e-9, maxY - minY);
  const s = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  const ox = (width - spanX * s) / 2;
  const oy = (height - spanY * s) / 2;
  const px = (lon: number, lat: number): [number, number] => [ox + (lon - minX) * k * s, oy + (maxY - lat) * s];
  const pathOf = (g: GeoJSON.Geometry) =>
    ringsOf(g)
      .flatMap((poly) =>
        poly.map(
          (ring) =>
            ring
              .map(
                ([x, y], i) =>
                  `${i === 0 ? 'M' : 'L'}${px(x!, y!)
                    .map((v) => v.toFixed(1))
                    .join(' ')}`,
              )
              .join('') + 'Z',
        ),
      )
      .join('');
  const shapes = children.map((f) => {
    const code = String(f.properties?.code ?? '');
    // The polygon's own centroid keeps labels apart where two seats lie close together; the seat
    // is the fallback for a degenerate shape.
    const c = centroidOf(f.geometry) ?? centers.get(code) ?? null;
    const label: [number, number] = c ? px(c[0], c[1]) : [width / 2, height / 2];
    return { code, name: String(f.properties?.name ?? code), d: pathOf(f.geometry), label };
  });
  return { width, height, shapes, outline: outline ? pathOf(outline.geometry) : null };
}

/** Area-weighted centroid of a geometry's outer rings (lon/lat; fine at county scale). */
export function centroidOf(g: GeoJSON.Geometry): [number, number] | null {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (const poly of ringsOf(g)) {
    const ring = poly[0] ?? [];
    for (let i = 0; i + 1 < ring.length; i++) {
      const [x0, y0] = ring[i] as [number, number];
      const [x1, y1] = ring[i + 1] as [number, number];
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
  }
  if (Math.abs(a) < 1e-12) return null;
  return [cx / (3 * a), cy / (3 * a)];
}
