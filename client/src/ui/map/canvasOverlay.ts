import type { Map as MapLibre } from 'maplibre-gl';
import {
  drawLayers,
  imageCanvas,
  mercator,
  mercatorColumns,
  pickPoints,
  prepare,
  toScreen,
  type Columns,
  type FlatView,
  type PreparedLayer,
  type Screen,
} from './canvasLayers';
import type { OverlayMessage, OverlayReply } from './overlayWorker';
import type { CanvasLayer, MapImage, MapPickHit } from './types';

/** Where the overlay's pixels are made: a worker owning the canvas, or this thread where that is not offered. */
type Painter =
  | { kind: 'worker'; worker: Worker; busy: boolean; again: boolean }
  | { kind: 'here'; ctx: CanvasRenderingContext2D | null; images: Map<string, CanvasImageSource> };

/**
 * The map's canvas layers (see CanvasLayer) on a 2D canvas laid over maplibre's own, under its
 * HTML markers. A WebGL map under software GL (a wall PC without a graphics driver) costs 100 ms
 * or more of the page's main thread for every frame it draws, however little changed; here a new
 * state of 10,000 channels redraws only this canvas, in a worker (OffscreenCanvas), and the map
 * is not drawn again. Positions are projected here (an affine map of their Mercator columns for
 * the wall's flat view) and sent with each point's look as plain data.
 *
 * `changed` is called when the overlay needs drawing: `now` for a new view (the map moved or
 * resized), new positions, or anything when a worker draws; otherwise (drawn on this thread) at
 * the caller's pace. `draw` draws what is wanted.
 */
export class CanvasOverlay {
  readonly #map: MapLibre;
  readonly #element: HTMLCanvasElement;
  readonly #painter: Painter;
  readonly #changed: (now: boolean) => void;
  #layers: readonly CanvasLayer[] = [];
  #drawn: readonly CanvasLayer[] | null = null;
  /** What was last drawn, as drawn: for picking. */
  #shown: { prepared: PreparedLayer; layer: CanvasLayer }[] = [];
  /** Per layer: its columns (by identity), their Mercator and screen positions. */
  #placed: { lon: ArrayLike<number>; lat: ArrayLike<number>; merc: Columns; at: Screen | null }[] = [];
  readonly #imagesSent = new Map<string, MapImage>();
  #viewMoved = true;
  /** The tag (see LayerFeed) of the wanted layers, and of those handed to the painter. */
  #wantedTag = '';
  #shownTag = '';

  constructor(map: MapLibre, changed: (now: boolean) => void) {
    this.#map = map;
    this.#changed = changed;
    const c = document.createElement('canvas');
    c.className = 'map-overlay';
    c.setAttribute('aria-hidden', 'true');
    Object.assign(c.style, { position: 'absolute', left: '0', top: '0', pointerEvents: 'none' });
    map.getCanvas().after(c);
    this.#element = c;
    this.#painter = this.#makePainter(c);
    map.on('move', this.#onView);
    map.on('resize', this.#onView);
  }

  #makePainter(c: HTMLCanvasElement): Painter {
    if (typeof c.transferControlToOffscreen === 'function' && typeof Worker === 'function') {
      try {
        const worker = new Worker(new URL('./overlayWorker.ts', import.meta.url), { type: 'module' });
        const offscreen = c.transferControlToOffscreen();
        worker.postMessage({ type: 'canvas', canvas: offscreen } satisfies OverlayMessage, [offscreen]);
        const p: Painter = { kind: 'worker', worker, busy: false, again: false };
        worker.onmessage = (e: MessageEvent<OverlayReply>) => {
          if (e.data.type !== 'drawn') return;
          p.busy = false;
          // Nothing newer handed over meanwhile: what is on the canvas is also what a newer tag shows.
          this.#markDrawn(p.again ? e.data.tag : this.#shownTag);
          if (p.again) {
            p.again = false;
            this.#paint();
          }
        };
        return p;
      } catch {
        // Fall through: drawn on this thread.
      }
    }
    return { kind: 'here', ctx: c.getContext('2d'), images: new Map() };
  }

  readonly #onView = () => {
    this.#viewMoved = true;
    this.#changed(true);
  };

  /** The icons of icon looks (each image object sent to the painter once). */
  setImages(images: Record<string, MapImage>): void {
    const fresh = Object.entries(images).filter(([id, img]) => this.#imagesSent.get(id) !== img);
    if (fresh.length === 0) return;
    for (const [id, img] of fresh) this.#imagesSent.set(id, img);
    const p = this.#painter;
    if (p.kind === 'worker') {
      p.worker.postMessage({ type: 'images', images: Object.fromEntries(fresh) } satisfies OverlayMessage);
      return;
    }
    for (const [id, img] of fresh) p.images.set(id, imageCanvas(img));
  }

  /**
   * The layers wanted now, showing the state `tag` names; asks for a draw when they differ from
   * what is drawn. The same layers under a newer tag only move the tag: the canvas shows that state too.
   */
  setLayers(layers: readonly CanvasLayer[], tag: string): void {
    const d = this.#drawn;
    this.#wantedTag = tag;
    this.#layers = layers;
    if (d && d.length === layers.length && d.every((l, i) => l === layers[i])) {
      this.#layers = d;
      this.#shownTag = tag;
      const p = this.#painter;
      if (p.kind === 'here' || !p.busy) this.#markDrawn(tag);
      return;
    }
    const moved = layers.some((l, i) => {
      const p = this.#placed[i];
      return !p || p.lon !== l.lon || p.lat !== l.lat;
    });
    // A worker paces itself (one draw at a time, the newest next): the page's frames are not at stake.
    this.#changed(moved || this.#painter.kind === 'worker');
  }

  /** Whether what is wanted differs from what is drawn. */
  pending(): boolean {
    return this.#viewMoved || this.#drawn !== this.#layers;
  }

  /** Draws the wanted layers at the map's present view. */
  draw(): void {
    const view = this.#viewMoved ? this.#flatView() : undefined;
    this.#place(view);
    this.#viewMoved = false;
    this.#drawn = this.#layers;
    this.#shownTag = this.#wantedTag;
    const zoom = this.#map.getZoom();
    this.#shown = this.#layers.flatMap((layer, i) =>
      layer.minZoom !== undefined && zoom < layer.minZoom
        ? []
        : [{ prepared: prepare(layer, this.#placed[i]!.at!), layer }],
    );
    this.#paint();
  }

  /** Hands what is shown to the painter (a worker still drawing the last gets the newest when done). */
  #paint(): void {
    const container = this.#map.getContainer();
    const w = container.clientWidth;
    const h = container.clientHeight;
    const ratio = this.#map.getPixelRatio();
    const css = { width: `${w}px`, height: `${h}px` };
    if (this.#element.style.width !== css.width || this.#element.style.height !== css.height)
      Object.assign(this.#element.style, css);
    const layers = this.#shown.map((s) => s.prepared);
    const p = this.#painter;
    if (p.kind === 'here') {
      if (p.ctx) drawLayers(p.ctx, layers, { w, h, ratio }, p.images, null);
      this.#markDrawn(this.#shownTag);
      return;
    }
    if (p.busy) {
      p.again = true;
      return;
    }
    p.busy = true;
    p.worker.postMessage({ type: 'draw', w, h, ratio, layers, tag: this.#shownTag } satisfies OverlayMessage);
  }

  /**
   * `data-drawn-for` on the canvas: the tag of the state now on it (see LayerFeed), so a test or
   * benchmark can tell a state change reached the map.
   */
  #markDrawn(tag: string): void {
    if (this.#element.dataset.drawnFor !== tag) this.#element.dataset.drawnFor = tag;
  }

  /** What is drawn under (x, y) (CSS px of the map), within `radius` of a point's edge. */
  pick(x: number, y: number, radius: number): MapPickHit[] {
    const byId = new Map(this.#shown.map((s) => [s.prepared.id, s.layer]));
    return pickPoints(
      this.#shown.map((s) => s.prepared),
      x,
      y,
      radius,
    ).map(({ layer, i }) => ({ layer, id: i, properties: byId.get(layer)?.properties?.(i) ?? {} }));
  }

  remove(): void {
    this.#map.off('move', this.#onView);
    this.#map.off('resize', this.#onView);
    if (this.#painter.kind === 'worker') this.#painter.worker.terminate();
    this.#element.remove();
  }

  /** Screen positions for every layer: all again for a new view, else only for new columns. */
  #place(view: FlatView | null | undefined): void {
    this.#placed.length = this.#layers.length;
    this.#layers.forEach((l, i) => {
      let p = this.#placed[i];
      if (!p || p.lon !== l.lon || p.lat !== l.lat) {
        p = { lon: l.lon, lat: l.lat, merc: mercatorColumns(l.lon, l.lat), at: null };
        this.#placed[i] = p;
      } else if (view === undefined) return;
      p.at = this.#screen(p, view === undefined ? this.#flatView() : view);
    });
  }

  #screen(p: { lon: ArrayLike<number>; lat: ArrayLike<number>; merc: Columns }, view: FlatView | null): Screen {
    if (view) return toScreen(p.merc, view);
    // A rotated or pitched view is not affine in Mercator: each point through maplibre.
    const n = p.merc.x.length;
    const out = { x: new Float32Array(n), y: new Float32Array(n) };
    for (let i = 0; i < n; i++) {
      const s = this.#map.project([p.lon[i]!, p.lat[i]!]);
      out.x[i] = s.x;
      out.y[i] = s.y;
    }
    return out;
  }

  /** The present view as an affine map from Mercator (null when rotated or pitched). */
  #flatView(): FlatView | null {
    const m = this.#map;
    if (m.getBearing() !== 0 || m.getPitch() !== 0) return null;
    const c = m.getCenter();
    const o = m.project(c);
    const e = m.project([c.lng + 1, c.lat]);
    const [cx, cy] = mercator(c.lng, c.lat);
    return { cx, cy, ox: o.x, oy: o.y, k: (e.x - o.x) * 360 };
  }
}
