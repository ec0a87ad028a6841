import { useEffect, useRef } from 'react';
import { Map as MapLibre, Marker, setWorkerUrl, type GeoJSONSource, type LngLatBoundsLike, type StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useCanvas } from './ScaledCanvas';

// maplibre 6 runs its worker from a separate file, which Vite ships as an asset of our own.
setWorkerUrl(workerUrl);

/** An HTML label on the map (region names: no glyph server needed, the browser's fonts draw them). */
export interface HtmlMarker {
  id: string;
  lngLat: [number, number];
  className: string;
  lines: { text: string; className?: string }[];
  /** Pixel offset of the anchor. */
  offset?: [number, number];
  /** Move it a little when it would cover another such label (region labels). */
  declutter?: boolean;
}

interface MarkerEntry {
  marker: Marker;
  el: HTMLDivElement;
  key: string;
  declutter: boolean;
  lngLat: [number, number];
}

/**
 * Nudges labels that would overlap an earlier one (north first) to the nearest free spot: a
 * city's small neighbouring counties keep readable names and numbers.
 */
function declutter(m: MapLibre, entries: MarkerEntry[]): void {
  const placed: { x0: number; y0: number; x1: number; y1: number }[] = [];
  const sorted = entries.filter((e) => e.declutter).sort((a, b) => b.lngLat[1] - a.lngLat[1]);
  for (const e of sorted) {
    const p = m.project(e.lngLat);
    const w = e.el.offsetWidth + 4;
    const h = e.el.offsetHeight + 2;
    const steps: [number, number][] = [[0, 0]];
    for (const k of [0.55, 1.1, 1.65]) steps.push([0, h * k], [0, -h * k], [w * k, 0], [-w * k, 0], [w * k * 0.7, h * k * 0.7], [-w * k * 0.7, h * k * 0.7]);
    let chosen: [number, number] = [0, 0];
    for (const [dx, dy] of steps) {
      const box = { x0: p.x + dx - w / 2, y0: p.y + dy - h / 2, x1: p.x + dx + w / 2, y1: p.y + dy + h / 2 };
      if (!placed.some((b) => box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1)) {
        chosen = [dx, dy];
        break;
      }
    }
    e.marker.setOffset(chosen);
    placed.push({ x0: p.x + chosen[0] - w / 2, y0: p.y + chosen[1] - h / 2, x1: p.x + chosen[0] + w / 2, y1: p.y + chosen[1] + h / 2 });
  }
}

/** A raster image for icon layers, drawn by us (no sprite server). */
export interface MapImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  pixelRatio: number;
}

export interface MapFocus {
  center: [number, number];
  zoom: number;
  /** Changes when the same place is focused again. */
  key: string;
}

export interface MapViewProps {
  /** Used once, when the map is created. Sources are then updated in place from `data`. */
  style: StyleSpecification;
  data: Record<string, GeoJSON.FeatureCollection>;
  /** Bounds the map shows when nothing is focused; re-fitted on resize. */
  fit: LngLatBoundsLike | null;
  fitPadding?: number;
  /** Fly here; back to `fit` when it becomes null. */
  focus?: MapFocus | null;
  markers?: HtmlMarker[];
  images?: Record<string, MapImage>;
  className?: string;
  testId?: string;
}

/**
 * maplibre, created once per mounted view and removed on unmount. New data goes into the
 * existing sources with `setData`, markers are updated by id, and nothing remounts on a tick.
 */
export function MapView(props: MapViewProps) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibre | null>(null);
  const loaded = useRef(false);
  const markers = useRef(new Map<string, MarkerEntry>());
  const labelsKey = useRef('');
  const latest = useRef(props);
  latest.current = props;
  const { scale } = useCanvas();
  const ratio = Math.max(1, (window.devicePixelRatio || 1) * scale);

  useEffect(() => {
    const container = el.current!;
    const m = new MapLibre({
      container,
      style: latest.current.style,
      attributionControl: false,
      interactive: false,
      pixelRatio: ratio,
      fadeDuration: 0,
      bounds: latest.current.fit ?? undefined,
      fitBoundsOptions: { padding: latest.current.fitPadding ?? 40 },
      canvasContextAttributes: { antialias: true, preserveDrawingBuffer: false },
    });
    map.current = m;
    m.on('load', () => {
      loaded.current = true;
      const p = latest.current;
      for (const [id, img] of Object.entries(p.images ?? {})) {
        if (!m.hasImage(id)) m.addImage(id, { width: img.width, height: img.height, data: img.data }, { pixelRatio: img.pixelRatio });
      }
      for (const [id, fc] of Object.entries(p.data)) (m.getSource(id) as GeoJSONSource | undefined)?.setData(fc);
      if (p.fit) m.fitBounds(p.fit, { padding: p.fitPadding ?? 40, duration: 0 });
      container.dataset.zoom = m.getZoom().toFixed(2);
      container.dataset.loaded = 'true';
      declutter(m, [...markers.current.values()]);
    });
    m.on('moveend', () => {
      declutter(m, [...markers.current.values()]);
      container.dataset.zoom = m.getZoom().toFixed(2);
    });
    const ro = new ResizeObserver(() => {
      m.resize();
      const p = latest.current;
      if (p.fit && !p.focus) m.fitBounds(p.fit, { padding: p.fitPadding ?? 40, duration: 0 });
    });
    ro.observe(container);
    const ownMarkers = markers.current;
    return () => {
      ro.disconnect();
      for (const { marker } of ownMarkers.values()) marker.remove();
      ownMarkers.clear();
      loaded.current = false;
      m.remove();
      map.current = null;
    };
    // Created once; `style` is initial-only by contract.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    map.current?.setPixelRatio(ratio);
  }, [ratio]);

  // Source data, in place.
  const prevData = useRef<Record<string, GeoJSON.FeatureCollection>>({});
  useEffect(() => {
    const m = map.current;
    if (!m || !loaded.current) return;
    for (const [id, fc] of Object.entries(props.data)) {
      if (prevData.current[id] === fc) continue;
      (m.getSource(id) as GeoJSONSource | undefined)?.setData(fc);
    }
    prevData.current = props.data;
  });

  // Fit and focus.
  const fitKey = JSON.stringify(props.fit);
  const focusKey = props.focus ? props.focus.key : '';
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const p = latest.current;
    if (p.focus) m.flyTo({ center: p.focus.center, zoom: p.focus.zoom, speed: 0.8, curve: 1.3, essential: true });
    else if (p.fit) m.fitBounds(p.fit, { padding: p.fitPadding ?? 40, duration: loaded.current ? 1800 : 0 });
  }, [fitKey, focusKey]);

  // HTML markers by id: moved and re-labelled in place, never rebuilt on a tick.
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const want = new Set<string>();
    for (const mk of props.markers ?? []) {
      want.add(mk.id);
      const key = mk.className + '|' + mk.lines.map((l) => `${l.className ?? ''}:${l.text}`).join('|');
      let entry = markers.current.get(mk.id);
      if (!entry) {
        // maplibre owns the outer element's classes; our look lives on an inner one.
        const node = document.createElement('div');
        const inner = document.createElement('div');
        node.appendChild(inner);
        const marker = new Marker({ element: node, anchor: 'center', offset: mk.offset }).setLngLat(mk.lngLat).addTo(m);
        entry = { marker, el: inner, key: '', declutter: mk.declutter ?? false, lngLat: mk.lngLat };
        markers.current.set(mk.id, entry);
      } else {
        entry.marker.setLngLat(mk.lngLat);
        entry.lngLat = mk.lngLat;
      }
      if (entry.key !== key) {
        entry.el.className = mk.className;
        entry.el.replaceChildren(
          ...mk.lines.map((l) => {
            const span = document.createElement('span');
            if (l.className) span.className = l.className;
            span.textContent = l.text;
            return span;
          }),
        );
        entry.key = key;
      }
    }
    for (const [id, entry] of markers.current) {
      if (!want.has(id)) {
        entry.marker.remove();
        markers.current.delete(id);
      }
    }
    const key = [...markers.current.entries()].filter(([, e]) => e.declutter).map(([id, e]) => id + e.key).join('|');
    if (key !== labelsKey.current && loaded.current) {
      labelsKey.current = key;
      declutter(m, [...markers.current.values()]);
    }
  });

  return <div ref={el} className={props.className ?? 'map'} data-testid={props.testId} />;
}
