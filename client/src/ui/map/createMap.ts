import { Map as MapLibre, type GeoJSONSource } from 'maplibre-gl';
import { CanvasOverlay } from './canvasOverlay';
import { declutter, type MarkerEntry } from './declutter';
import type { MapViewProps } from './types';

/** Pixels around a click that still hit a point (a finger or a big-screen pointer is not precise). */
const PICK_RADIUS = 10;

/**
 * Creates the map in `container` with the props as they are now (read through `latest`, so the
 * handlers always see the newest), with an overlay for its canvas layers if it has any; wires loading, resizing and
 * picking, and returns the teardown. `onLoad` tells the view that sources may now be written;
 * `overlayChanged` that the overlay wants drawing (`now`: at once, else at the view's pace).
 */
export function createMap(
  container: HTMLDivElement,
  latest: { readonly current: MapViewProps },
  pixelRatio: number,
  markers: Map<string, MarkerEntry>,
  onLoad: () => void,
  overlayChanged: (now: boolean) => void,
): { map: MapLibre; overlay: CanvasOverlay | null; remove: () => void } {
  const initial = latest.current;
  const m = new MapLibre({
    container,
    style: initial.style,
    attributionControl: false,
    interactive: false,
    pixelRatio,
    fadeDuration: 0,
    bounds: initial.fit ?? undefined,
    fitBoundsOptions: { padding: initial.fitPadding ?? 40 },
    canvasContextAttributes: { antialias: initial.antialias ?? true, preserveDrawingBuffer: false },
  });
  // A view without canvas layers (the desk's) gets no overlay, nor its worker.
  const overlay = initial.canvasLayers ? new CanvasOverlay(m, overlayChanged) : null;
  let loaded = false;
  m.on('load', () => {
    loaded = true;
    const p = latest.current;
    for (const [id, fc] of Object.entries(p.data)) (m.getSource(id) as GeoJSONSource | undefined)?.setData(fc);
    if (p.fit) m.fitBounds(p.fit, { padding: p.fitPadding ?? 40, duration: 0 });
    container.dataset.zoom = m.getZoom().toFixed(2);
    container.dataset.loaded = 'true';
    declutter(m, [...markers.values()]);
    onLoad();
  });
  m.on('moveend', () => {
    declutter(m, [...markers.values()]);
    container.dataset.zoom = m.getZoom().toFixed(2);
  });
  const ro = new ResizeObserver(() => {
    m.resize();
    const p = latest.current;
    if (p.fit && !p.focus) m.fitBounds(p.fit, { padding: p.fitPadding ?? 40, duration: 0 });
  });
  ro.observe(container);
  // The map is not interactive (a wall has no mouse); a click, where there is one, picks what is under it.
  const onClick = (ev: MouseEvent) => {
    const p = latest.current;
    if (p.onPick && loaded) pick(m, overlay, container, ev, p);
  };
  container.addEventListener('click', onClick);
  return {
    map: m,
    overlay,
    remove() {
      container.removeEventListener('click', onClick);
      ro.disconnect();
      overlay?.remove();
      for (const { marker } of markers.values()) marker.remove();
      markers.clear();
      m.remove();
    },
  };
}

function pick(
  m: MapLibre,
  overlay: CanvasOverlay | null,
  container: HTMLDivElement,
  ev: MouseEvent,
  p: MapViewProps,
): void {
  const r = container.getBoundingClientRect();
  // The wall's canvas is scaled by CSS: back to the map's own pixels.
  const k = container.clientWidth > 0 ? r.width / container.clientWidth : 1;
  const x = (ev.clientX - r.left) / k;
  const y = (ev.clientY - r.top) / k;
  const layers = (p.pickLayers ?? []).filter((l) => m.getLayer(l));
  const box: [[number, number], [number, number]] = [
    [x - PICK_RADIUS, y - PICK_RADIUS],
    [x + PICK_RADIUS, y + PICK_RADIUS],
  ];
  const feats = layers.length ? m.queryRenderedFeatures(box, { layers }) : [];
  const ll = m.unproject([x, y]);
  p.onPick?.(
    [
      ...(overlay?.pick(x, y, PICK_RADIUS) ?? []),
      ...feats.map((f) => ({
        layer: f.layer.id,
        id: f.id,
        properties: (f.properties ?? {}) as Record<string, unknown>,
      })),
    ],
    [ll.lng, ll.lat],
  );
}
