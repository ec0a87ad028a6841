import { drawRanks, inView, NO_LOOK, reach, type PreparedLayer } from './canvasLayers';
import { stampSprite, type PixelRect, type Sprite } from './stamp';
import type { CanvasLook, CircleLook } from './types';

/**
 * Repainting only what changed: a delta turns a few hundred of a township's 10,000 channel points
 * another colour, and stamping all of them again (with the whole canvas put back) cost the drawing
 * worker 20–50 ms a delta, a core's share the page's compositor then lacks. Here the squares
 * around the changed points are cleared and their discs, and the neighbours' parts inside, are
 * stamped again in the full draw's order, so the buffer ends exactly as a full stamp would leave it.
 */

/** A look as a string, to tell the same look apart across two palettes (each draw sends its own). */
const lookKey = (l: CanvasLook): string => JSON.stringify(l);

/**
 * The points of `next` drawn differently from `prev` (another look, or now drawn or not), or null
 * when the two are not the same points at the same positions (then only a full draw will do).
 */
export function changedPoints(prev: PreparedLayer, next: PreparedLayer): number[] | null {
  const n = next.index.length;
  if (prev.index.length !== n || prev.x.length !== n || next.x.length !== n) return null;
  for (let i = 0; i < n; i++) if (prev.x[i] !== next.x[i] || prev.y[i] !== next.y[i]) return null;
  // Old palette slot → new slot of the same look; -1 when the look is gone, which equals no new
  // slot and not NO_LOOK either, so a point drawn in it counts as changed even if now not drawn.
  const slot = new Map(next.looks.map((l, k) => [lookKey(l), k]));
  const remap = new Int16Array(256).fill(NO_LOOK);
  prev.looks.forEach((l, k) => (remap[k] = slot.get(lookKey(l)) ?? -1));
  const changed: number[] = [];
  for (let i = 0; i < n; i++) {
    const was = prev.index[i]!;
    if ((was === NO_LOOK ? NO_LOOK : remap[was]!) !== next.index[i]!) changed.push(i);
  }
  return changed;
}

/** Cells per row of a PointGrid's key space, centred on 0 (far more than any canvas needs). */
const GRID_COLS = 1 << 14;

/** The points of a layer by square cells of device pixels, for finding those near a spot. */
export class PointGrid {
  readonly #cell: number;
  readonly #cells = new Map<number, number[]>();

  constructor(layer: PreparedLayer, ratio: number, cell = 16) {
    this.#cell = cell;
    for (let i = 0; i < layer.x.length; i++) {
      const x = layer.x[i]! * ratio;
      const y = layer.y[i]! * ratio;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const k = this.#key(Math.floor(x / cell), Math.floor(y / cell));
      const list = this.#cells.get(k);
      if (list) list.push(i);
      else this.#cells.set(k, [i]);
    }
  }

  #key(cx: number, cy: number): number {
    return (cy + (GRID_COLS >> 1)) * GRID_COLS + (cx + (GRID_COLS >> 1));
  }

  /** Points whose position lies within `pad` device px of `r`. */
  near(r: PixelRect, pad: number): number[] {
    const c = this.#cell;
    const out: number[] = [];
    for (let cy = Math.floor((r.y0 - pad) / c); cy <= Math.floor((r.y1 + pad) / c); cy++)
      for (let cx = Math.floor((r.x0 - pad) / c); cx <= Math.floor((r.x1 + pad) / c); cx++) {
        const list = this.#cells.get(this.#key(cx, cy));
        if (list) for (const i of list) out.push(i);
      }
    return out;
  }
}

/** Where a point's sprite lands: its top left in device px (as the full stamp places it). */
const spriteAt = (v: number, ratio: number, sp: Sprite): number => Math.round(v * ratio - sp.size / 2);

/**
 * Repaints the squares of `buf` (`w`×`h` device px) that the `changed` points of `next` (a layer of
 * disc looks only) cover now or covered in `prev`, and returns those squares. `view` is the CSS size
 * the full draw kept points within.
 */
export function repaintChanged(
  buf: Uint8ClampedArray,
  size: { w: number; h: number; ratio: number; view: { w: number; h: number } },
  prev: PreparedLayer,
  next: PreparedLayer,
  changed: readonly number[],
  grid: PointGrid,
  spriteOf: (look: CircleLook) => Sprite,
): PixelRect[] {
  const { w, h, ratio, view } = size;
  const sprites = (l: PreparedLayer) => l.looks.map((look) => spriteOf(look as CircleLook));
  const before = sprites(prev);
  const now = sprites(next);
  const reaches = next.looks.map(reach);
  const rank = drawRanks(next.looks);
  const widest = Math.max(0, ...now.map((s) => s.size), ...before.map((s) => s.size));
  const rects: PixelRect[] = [];
  for (const i of changed) {
    const r: PixelRect = { x0: w, y0: h, x1: 0, y1: 0 };
    for (const sp of [before[prev.index[i]!], now[next.index[i]!]]) {
      if (!sp) continue;
      const ox = spriteAt(next.x[i]!, ratio, sp);
      const oy = spriteAt(next.y[i]!, ratio, sp);
      r.x0 = Math.min(r.x0, ox);
      r.y0 = Math.min(r.y0, oy);
      r.x1 = Math.max(r.x1, ox + sp.size);
      r.y1 = Math.max(r.y1, oy + sp.size);
    }
    r.x0 = Math.max(0, r.x0);
    r.y0 = Math.max(0, r.y0);
    r.x1 = Math.min(w, r.x1);
    r.y1 = Math.min(h, r.y1);
    if (r.x0 >= r.x1 || r.y0 >= r.y1) continue;
    clear(buf, w, r);
    // The points whose sprite reaches into the square (a handful), in the full draw's order.
    const drawn: { j: number; sp: Sprite; ox: number; oy: number }[] = [];
    for (const j of grid.near(r, widest)) {
      const k = next.index[j]!;
      if (k === NO_LOOK || !inView(next.x[j]!, next.y[j]!, reaches[k]!, view.w, view.h)) continue;
      const sp = now[k]!;
      const ox = spriteAt(next.x[j]!, ratio, sp);
      const oy = spriteAt(next.y[j]!, ratio, sp);
      if (ox < r.x1 && oy < r.y1 && ox + sp.size > r.x0 && oy + sp.size > r.y0) drawn.push({ j, sp, ox, oy });
    }
    drawn.sort((a, b) => rank[next.index[a.j]!]! - rank[next.index[b.j]!]! || a.j - b.j);
    for (const d of drawn) stampSprite(buf, w, h, d.sp, d.ox, d.oy, r);
    rects.push(r);
  }
  return rects;
}

function clear(buf: Uint8ClampedArray, w: number, r: PixelRect): void {
  for (let y = r.y0; y < r.y1; y++) buf.fill(0, (y * w + r.x0) * 4, (y * w + r.x1) * 4);
}
