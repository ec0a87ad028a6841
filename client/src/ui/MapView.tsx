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
  /** Among decluttered labels, higher ones keep their place and lower ones move (e.g. area). */
  priority?: number;
}

interface MarkerEntry {
  marker: Marker;
  /** maplibre's element (it owns the position); `el` is ours, inside it, with the label. */
  node: HTMLDivElement;
  el: HTMLDivElement;
  key: string;
  declutter: boolean;
  priority: number;
  lngLat: [number, number];
  leader: SVGSVGElement | null;
}

type Box = { x0: number; y0: number; x1: number; y1: number };

const SVG_NS = 'http://www.w3.org/2000/svg';
const LABEL_GAP = 6;
const EDGE = 6;

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
const boxAt = (x: number, y: number, w: number, h: number): Box => ({ x0: x - w / 2, y0: y - h / 2, x1: x + w / 2, y1: y + h / 2 });

/**
 * Offsets to try for a label, nearest first: on its point, then beside it (left and right
 * read best with the short Chinese names), then above and below, then further out.
 */
function candidates(w: number, h: number): [number, number][] {
  const out: [number, number][] = [[0, 0]];
  const side = w / 2 + 18;
  for (const k of [0, 1, 2, 3]) {
    const dx = side + k * (w * 0.45);
    for (const dy of [0, h * 0.5, -h * 0.5, h, -h, h * 1.6, -h * 1.6]) out.push([dx, dy], [-dx, dy]);
    if (k < 3) out.push([0, h * (1.1 + k * 0.9)], [0, -h * (1.1 + k * 0.9)]);
  }
  for (const dy of [h * 2.4, -h * 2.4]) for (const dx of [side, -side, side + w * 0.9, -(side + w * 0.9)]) out.push([dx, dy]);
  return out.sort((a, b) => Math.hypot(a[0], a[1] * 1.3) - Math.hypot(b[0], b[1] * 1.3));
}

/**
 * Places region labels so none covers another, nor another region's point: the largest areas
 * keep their label on their point, smaller neighbours (a city's three northern counties) move
 * beside it, inside the map, with a leader line back to their point.
 */
function declutter(m: MapLibre, entries: MarkerEntry[]): void {
  const width = m.getContainer().clientWidth;
  const height = m.getContainer().clientHeight;
  const labels = entries
    .filter((e) => e.declutter)
    .map((e) => ({ e, p: m.project(e.lngLat), w: e.el.offsetWidth + LABEL_GAP, h: e.el.offsetHeight + LABEL_GAP }));
  labels.sort((a, b) => b.e.priority - a.e.priority || b.e.lngLat[1] - a.e.lngLat[1]);
  const placed: Box[] = [];
  const points = labels.map((l) => l.p);
  for (const l of labels) {
    const inside = (b: Box) => b.x0 >= EDGE && b.y0 >= EDGE && b.x1 <= width - EDGE && b.y1 <= height - EDGE;
    const free = (b: Box) => !placed.some((q) => overlaps(b, q));
    // Another region's point under a label would hide where that region's own label points.
    const clearOfPoints = (b: Box) => points.every((q) => q === l.p || q.x < b.x0 - 4 || q.x > b.x1 + 4 || q.y < b.y0 - 4 || q.y > b.y1 + 4);
    const tries = candidates(l.w, l.h);
    const fits = (strict: boolean) =>
      tries.find(([dx, dy]) => {
        const b = boxAt(l.p.x + dx, l.p.y + dy, l.w, l.h);
        return free(b) && (!strict || (inside(b) && clearOfPoints(b)));
      });
    const chosen = fits(true) ?? fits(false) ?? [0, 0];
    l.e.marker.setOffset(chosen);
    placed.push(boxAt(l.p.x + chosen[0], l.p.y + chosen[1], l.w, l.h));
    drawLeader(l.e, chosen, l.w - LABEL_GAP, l.h - LABEL_GAP);
  }
}

/** A thin line from the moved label's edge back to its region's point, with a dot there. */
function drawLeader(e: MarkerEntry, [dx, dy]: [number, number], w: number, h: number): void {
  const far = Math.abs(dx) > w / 2 || Math.abs(dy) > h / 2;
  if (!far) {
    e.leader?.remove();
    e.leader = null;
    return;
  }
  if (!e.leader) {
    e.leader = document.createElementNS(SVG_NS, 'svg');
    e.leader.setAttribute('class', 'map-leader');
    e.leader.append(document.createElementNS(SVG_NS, 'line'), document.createElementNS(SVG_NS, 'circle'));
    e.node.prepend(e.leader);
  }
  // From the centre towards the point, leave the label's box where the line crosses its edge.
  const t = Math.min(dx === 0 ? Infinity : w / 2 / Math.abs(dx), dy === 0 ? Infinity : h / 2 / Math.abs(dy));
  const [line, dot] = e.leader.children as unknown as [SVGLineElement, SVGCircleElement];
  line.setAttribute('x1', String(-dx * t));
  line.setAttribute('y1', String(-dy * t));
  line.setAttribute('x2', String(-dx));
  line.setAttribute('y2', String(-dy));
  dot.setAttribute('cx', String(-dx));
  dot.setAttribute('cy', String(-dy));
  dot.setAttribute('r', '4');
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
  /** A click on the map: the features of `pickLayers` under it (nearest first) and where it was. */
  onPick?: (hits: MapPickHit[], lngLat: [number, number]) => void;
  pickLayers?: string[];
}

/** A rendered feature under a click. */
export interface MapPickHit {
  layer: string;
  id: string | number | undefined;
  properties: Record<string, unknown>;
}

/** Pixels around a click that still hit a point (a finger or a big-screen pointer is not precise). */
const PICK_RADIUS = 10;

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
    // The map is not interactive (a wall has no mouse); a click, where there is one, picks what is under it.
    const onClick = (ev: MouseEvent) => {
      const p = latest.current;
      if (!p.onPick || !loaded.current) return;
      const r = container.getBoundingClientRect();
      // The wall's canvas is scaled by CSS: back to the map's own pixels.
      const k = container.clientWidth > 0 ? r.width / container.clientWidth : 1;
      const x = (ev.clientX - r.left) / k;
      const y = (ev.clientY - r.top) / k;
      const layers = (p.pickLayers ?? []).filter((l) => m.getLayer(l));
      const feats = layers.length ? m.queryRenderedFeatures([[x - PICK_RADIUS, y - PICK_RADIUS], [x + PICK_RADIUS, y + PICK_RADIUS]], { layers }) : [];
      const ll = m.unproject([x, y]);
      p.onPick(feats.map((f) => ({ layer: f.layer.id, id: f.id, properties: (f.properties ?? {}) as Record<string, unknown> })), [ll.lng, ll.lat]);
    };
    container.addEventListener('click', onClick);
    const ownMarkers = markers.current;
    return () => {
      container.removeEventListener('click', onClick);
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
        entry = { marker, node, el: inner, key: '', declutter: mk.declutter ?? false, priority: mk.priority ?? 0, lngLat: mk.lngLat, leader: null };
        markers.current.set(mk.id, entry);
      } else {
        entry.marker.setLngLat(mk.lngLat);
        entry.lngLat = mk.lngLat;
        entry.priority = mk.priority ?? 0;
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
