import { useEffect, useRef, useState } from 'react';
import { setWorkerUrl, type GeoJSONSource, type Map as MapLibre } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useLatest } from '../lib/useLatest';
import { createMap } from './map/createMap';
import { declutter, type MarkerEntry } from './map/declutter';
import type { CanvasOverlay } from './map/canvasOverlay';
import { createStatePacer, type PacerScheduler, type StatePacer } from './map/statePacer';
import { syncMarkers } from './map/htmlMarkers';
import type { MapViewProps } from './map/types';
import { useCanvas } from './ScaledCanvas';

export type {
  CanvasLayer,
  CanvasLook,
  CircleLook,
  HtmlMarker,
  IconLook,
  LayerFeed,
  MapFocus,
  MapImage,
  MapPickHit,
  MapViewProps,
} from './map/types';

// maplibre 6 runs its worker from a separate file, which Vite ships as an asset of our own.
setWorkerUrl(workerUrl);

/**
 * maplibre, created once per mounted view and removed on unmount. New data goes into the
 * existing sources with `setData`, canvas layers (points whose looks change with channel states)
 * onto a 2D canvas over the map (see CanvasOverlay), markers are updated by id, and nothing
 * remounts on a tick.
 * `style` is read once, when the map is created.
 */
export function MapView(props: MapViewProps) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibre | null>(null);
  const loaded = useRef(false);
  const markers = useRef(new Map<string, MarkerEntry>());
  const latest = useLatest(props);
  const { scale } = useCanvas();
  const ratio = Math.max(1, (window.devicePixelRatio || 1) * scale);
  const ratioRef = useLatest(ratio);

  const overlay = useRef<CanvasOverlay | null>(null);
  const drawOverlay = useLatest((): number => {
    const o = overlay.current;
    if (!o || !loaded.current || !o.pending()) return 0;
    o.draw();
    return 1;
  });
  const pacer = usePacer(drawOverlay);

  useEffect(() => {
    const made = createMap(
      el.current!,
      latest,
      ratioRef.current,
      markers.current,
      () => {
        loaded.current = true;
        made.overlay?.setImages(latest.current.images ?? {});
        const feed = latest.current.canvasLayers;
        if (feed) made.overlay?.setLayers(feed.layers(), feed.tag());
        drawOverlay.current();
      },
      (now) => pacer.request(now),
    );
    map.current = made.map;
    overlay.current = made.overlay;
    return () => {
      loaded.current = false;
      made.remove();
      map.current = null;
      overlay.current = null;
    };
  }, [latest, ratioRef, drawOverlay, pacer]);

  useEffect(() => {
    map.current?.setPixelRatio(ratio);
  }, [ratio]);

  useSourceData(map, loaded, props.data, props.dataKeys);
  useEffect(() => {
    if (loaded.current) overlay.current?.setImages(props.images ?? {});
  });
  useLayerFeed(overlay, loaded, props.canvasLayers);
  useFitAndFocus(map, loaded, latest, props);
  useHtmlMarkers(map, loaded, markers, props.markers);

  return <div ref={el} className={props.className ?? 'map'} data-testid={props.testId} />;
}

const browserScheduler: PacerScheduler = {
  now: () => performance.now(),
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
  frame(fn) {
    const f = requestAnimationFrame(fn);
    return () => cancelAnimationFrame(f);
  },
};

/**
 * The pacer of the overlay's draws, fed with what each cost: from the draw to the second frame
 * after it (the browser rasterizes the canvas in the next frame and shows it by the one after),
 * less the two frames' own time.
 */
function usePacer(draw: { readonly current: () => number }): StatePacer {
  const [pacer] = useState(() => pacedWriter(draw));
  useEffect(() => () => pacer.stop(), [pacer]);
  return pacer;
}

function pacedWriter(draw: { readonly current: () => number }): StatePacer {
  const p = createStatePacer({
    scheduler: browserScheduler,
    write: () => {
      const t0 = performance.now();
      // Nothing drawn: no cost to learn from.
      if (draw.current() === 0) return;
      requestAnimationFrame(() =>
        requestAnimationFrame(() => p.reportCost(Math.max(0, performance.now() - t0 - 2 * FRAME_MS))),
      );
    },
  });
  return p;
}

const FRAME_MS = 1000 / 60;

type MapRef = { readonly current: MapLibre | null };
type FlagRef = { readonly current: boolean };

/**
 * The canvas layers as their feed changes, outside React's renders; the overlay asks for the
 * draw (at once for new positions, or for anything when a worker draws). Before the map has
 * loaded, its load hands over what the feed has then.
 */
function useLayerFeed(
  overlay: { readonly current: CanvasOverlay | null },
  loaded: FlagRef,
  feed: MapViewProps['canvasLayers'],
): void {
  useEffect(() => {
    if (!feed) return;
    const push = () => {
      if (loaded.current) overlay.current?.setLayers(feed.layers(), feed.tag());
    };
    push();
    return feed.subscribe(push);
  }, [overlay, loaded, feed]);
}

/** Source data, in place: only the sources whose collection (or, where given, key) changed are written. */
function useSourceData(map: MapRef, loaded: FlagRef, data: MapViewProps['data'], keys: MapViewProps['dataKeys']): void {
  const prev = useRef<{ data: MapViewProps['data']; keys: Record<string, string> }>({ data: {}, keys: {} });
  useEffect(() => {
    const m = map.current;
    if (!m || !loaded.current) return;
    for (const [id, fc] of Object.entries(data)) {
      const key = keys?.[id];
      if (key !== undefined ? prev.current.keys[id] === key && id in prev.current.data : prev.current.data[id] === fc)
        continue;
      (m.getSource(id) as GeoJSONSource | undefined)?.setData(fc);
    }
    prev.current = { data, keys: keys ?? {} };
  });
}

/** Flies to `focus` while there is one, and back to `fit` (animated once loaded) when it goes. */
function useFitAndFocus(map: MapRef, loaded: FlagRef, latest: { readonly current: MapViewProps }, props: MapViewProps) {
  const fitKey = JSON.stringify(props.fit);
  const focusKey = props.focus ? props.focus.key : '';
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const p = latest.current;
    if (p.focus) m.flyTo({ center: p.focus.center, zoom: p.focus.zoom, speed: 0.8, curve: 1.3, essential: true });
    else if (p.fit) m.fitBounds(p.fit, { padding: p.fitPadding ?? 40, duration: loaded.current ? 1800 : 0 });
  }, [fitKey, focusKey, map, loaded, latest]);
}

/** HTML markers by id: moved and re-labelled in place, never rebuilt on a tick; labels re-placed when they change. */
function useHtmlMarkers(
  map: MapRef,
  loaded: FlagRef,
  markers: { readonly current: Map<string, MarkerEntry> },
  wanted: MapViewProps['markers'],
): void {
  const labelsKey = useRef('');
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const key = syncMarkers(m, markers.current, wanted ?? []);
    if (key !== labelsKey.current && loaded.current) {
      labelsKey.current = key;
      declutter(m, [...markers.current.values()]);
    }
  });
}
