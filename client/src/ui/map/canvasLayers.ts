import { traceDisc, type Stamper } from './stamp';
import type { CanvasLayer, CanvasLook, CircleLook, MapImage } from './types';

/** Web Mercator of a longitude and latitude, in world units (0…1 east and south), as maplibre places them. */
export function mercator(lon: number, lat: number): [number, number] {
  const x = (lon + 180) / 360;
  const s = Math.sin((lat * Math.PI) / 180);
  const y = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  return [x, y];
}

export type Columns = { x: Float64Array; y: Float64Array };
export type Screen = { x: Float32Array; y: Float32Array };

/** Mercator positions of a layer's points (NaN where a position is missing). */
export function mercatorColumns(lon: ArrayLike<number>, lat: ArrayLike<number>): Columns {
  const n = Math.min(lon.length, lat.length);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = lon[i]!;
    const la = lat[i]!;
    if (!Number.isFinite(lo) || !Number.isFinite(la)) {
      x[i] = y[i] = NaN;
      continue;
    }
    [x[i], y[i]] = mercator(lo, la);
  }
  return { x, y };
}

/**
 * The view as an affine map from Mercator to CSS pixels: a north-up map without pitch (the wall's)
 * places a point at `origin + (m − center) · k`, the same `k` on both axes.
 */
export interface FlatView {
  cx: number;
  cy: number;
  ox: number;
  oy: number;
  k: number;
}

/** Screen positions (CSS px) of Mercator columns in a flat view. */
export function toScreen(m: Columns, v: FlatView): Screen {
  const n = m.x.length;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = v.ox + (m.x[i]! - v.cx) * v.k;
    y[i] = v.oy + (m.y[i]! - v.cy) * v.k;
  }
  return { x, y };
}

/** A point's look index when it is not drawn. */
export const NO_LOOK = 255;

/**
 * A layer as the canvas draws it, plain data (it crosses to the drawing worker): screen positions
 * in CSS px and each point's look as an index into `looks`.
 */
export interface PreparedLayer {
  id: string;
  x: Float32Array;
  y: Float32Array;
  looks: CanvasLook[];
  index: Uint8Array;
}

/** A layer's looks as a palette and an index per point (at most 255 distinct looks; more are not drawn). */
export function prepare(layer: CanvasLayer, at: Screen): PreparedLayer {
  const looks: CanvasLook[] = [];
  const slot = new Map<CanvasLook, number>();
  const n = at.x.length;
  const index = new Uint8Array(n).fill(NO_LOOK);
  for (let i = 0; i < n; i++) {
    const look = layer.look(i);
    if (!look) continue;
    let k = slot.get(look);
    if (k === undefined) {
      if (looks.length >= NO_LOOK) continue;
      k = looks.push(look) - 1;
      slot.set(look, k);
    }
    index[i] = k;
  }
  return { id: layer.id, x: at.x, y: at.y, looks, index };
}

/** How far a look reaches from its point (CSS px): what a draw must keep and a pick may hit. */
export const reach = (l: CanvasLook): number =>
  l.kind === 'circle' ? l.radius + (l.strokeWidth ?? 0) / 2 : l.size / 2;

/** Whether a point at (x, y) reaching `r` shows at all in a `w`×`h` view (CSS px). */
export const inView = (x: number, y: number, r: number, w: number, h: number): boolean =>
  x >= -r && y >= -r && x <= w + r && y <= h + r;

/** For each look of a layer, its place in the drawing order (by `z`, ties in palette order). */
export function drawRanks(looks: readonly CanvasLook[]): number[] {
  const order = looks.map((l, k) => k).sort((a, b) => looks[a]!.z - looks[b]!.z);
  const rank: number[] = [];
  order.forEach((k, r) => (rank[k] = r));
  return rank;
}

/**
 * A layer's points to draw, grouped by look (one path each) in the looks' `z` order, points
 * outside the `w`×`h` view left out.
 */
export function groupsOf(p: PreparedLayer, w: number, h: number): [CanvasLook, number[]][] {
  const groups: number[][] = p.looks.map(() => []);
  const reaches = p.looks.map(reach);
  for (let i = 0; i < p.index.length; i++) {
    const k = p.index[i]!;
    if (k === NO_LOOK) continue;
    const x = p.x[i]!;
    const y = p.y[i]!;
    if (!inView(x, y, reaches[k]!, w, h)) continue;
    groups[k]!.push(i);
  }
  return p.looks
    .map((look, k) => [look, groups[k]!] as [CanvasLook, number[]])
    .filter(([, idx]) => idx.length > 0)
    .sort((a, b) => a[0].z - b[0].z);
}

export type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
/** A canvas's size in CSS px and its device px per CSS px. */
export type CanvasView = { w: number; h: number; ratio: number };

/** An icon's pixels as something a canvas draws: an OffscreenCanvas where there is one (a worker has no document). */
export function imageCanvas(img: MapImage): OffscreenCanvas | HTMLCanvasElement {
  const c =
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(img.width, img.height)
      : document.createElement('canvas');
  c.width = img.width;
  c.height = img.height;
  const ctx = c.getContext('2d') as Context2D | null;
  ctx?.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
  return c;
}

/**
 * Sizes the canvas to `w`×`h` CSS px at `ratio` device pixels per CSS px, clears it and draws the layers in
 * order: discs by a `stamper` where there is one (OffscreenCanvas), else as canvas paths; icons as
 * images. Returns whether the stamper's pixels are now the first layer's discs and nothing else
 * (one stamp, of the first layer, onto the cleared canvas): what a later repaint builds on.
 */
export function drawLayers(
  ctx: Context2D,
  layers: readonly PreparedLayer[],
  view: CanvasView,
  images: ReadonlyMap<string, CanvasImageSource>,
  stamper: Stamper | null,
): boolean {
  const cw = Math.round(view.w * view.ratio);
  const ch = Math.round(view.h * view.ratio);
  if (ctx.canvas.width !== cw || ctx.canvas.height !== ch) {
    ctx.canvas.width = cw;
    ctx.canvas.height = ch;
  }
  ctx.setTransform(view.ratio, 0, 0, view.ratio, 0, 0);
  ctx.clearRect(0, 0, view.w, view.h);
  let first = true;
  let stamps = 0;
  let firstLayerStamped = false;
  for (const p of layers) {
    const groups = groupsOf(p, view.w, view.h);
    for (let k = 0; k < groups.length;) {
      // A run of disc looks is stamped at once; anything else is drawn one look at a time.
      let e = k;
      while (stamper && e < groups.length && groups[e]![0].kind === 'circle') e++;
      if (e > k) {
        stamper!.stamp(ctx, groups.slice(k, e) as [CircleLook, number[]][], p, view.ratio, first);
        stamps++;
        firstLayerStamped = first && p === layers[0];
      } else drawGroup(ctx, groups[e++]!, p, images);
      k = e;
      first = false;
    }
  }
  return stamps === 1 && firstLayerStamped;
}

export function drawGroup(
  ctx: Context2D,
  [look, idx]: [CanvasLook, number[]],
  at: { x: Float32Array; y: Float32Array },
  images: ReadonlyMap<string, CanvasImageSource>,
): void {
  if (look.kind === 'circle') {
    for (const i of idx) traceDisc(ctx, look, at.x[i]!, at.y[i]!);
    return;
  }
  const img = images.get(look.image);
  if (!img) return;
  const s = look.size;
  ctx.globalAlpha = look.alpha;
  for (const i of idx) ctx.drawImage(img, at.x[i]! - s / 2, at.y[i]! - s / 2, s, s);
  ctx.globalAlpha = 1;
}

/**
 * What a click at (x, y) hits among drawn points, within `radius` px of their edge: the top layer's
 * hits first, each layer's nearest first.
 */
export function pickPoints(
  layers: readonly PreparedLayer[],
  x: number,
  y: number,
  radius: number,
): { layer: string; i: number }[] {
  const out: { layer: string; i: number }[] = [];
  for (const p of [...layers].reverse()) {
    const reaches = p.looks.map(reach);
    const hits: { i: number; d: number }[] = [];
    for (let i = 0; i < p.index.length; i++) {
      const k = p.index[i]!;
      if (k === NO_LOOK) continue;
      const d = Math.hypot(p.x[i]! - x, p.y[i]! - y);
      if (d <= reaches[k]! + radius) hits.push({ i, d });
    }
    hits.sort((a, b) => a.d - b.d);
    for (const { i } of hits) out.push({ layer: p.id, i });
  }
  return out;
}
