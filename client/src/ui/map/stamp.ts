import type { CircleLook } from './types';

/** A look drawn once: its pixels (RGBA, not premultiplied) and its size in device px; the point is at its centre. */
export interface Sprite {
  size: number;
  data: Uint8ClampedArray;
}

/** Draws one look at (x, y) in the context's CSS px: the disc, then its ring outside it. */
export function traceDisc(
  ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D,
  look: CircleLook,
  x: number,
  y: number,
): void {
  ctx.beginPath();
  ctx.arc(x, y, look.radius, 0, Math.PI * 2);
  ctx.fillStyle = look.fill;
  ctx.fill();
  if (look.stroke && look.strokeWidth) {
    ctx.lineWidth = look.strokeWidth;
    ctx.strokeStyle = look.stroke;
    ctx.stroke();
  }
}

/** A rectangle of device pixels, ends excluded. */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Lays `sprite` over `dst` (a `w`-pixel-wide RGBA buffer, not premultiplied) with its top left at
 * (ox, oy), source over, clipped to the buffer and to `clip` if given. Most pixels land on
 * transparent ones (points rarely overlap) and are copied; the rest are blended.
 */
export function stampSprite(
  dst: Uint8ClampedArray,
  w: number,
  h: number,
  sprite: Sprite,
  ox: number,
  oy: number,
  clip?: PixelRect,
): void {
  const s = sprite.data;
  const n = sprite.size;
  const x0 = Math.max(0, -ox, clip ? clip.x0 - ox : 0);
  const y0 = Math.max(0, -oy, clip ? clip.y0 - oy : 0);
  const x1 = Math.min(n, w - ox, clip ? clip.x1 - ox : n);
  const y1 = Math.min(n, h - oy, clip ? clip.y1 - oy : n);
  for (let sy = y0; sy < y1; sy++) {
    let k = (sy * n + x0) * 4;
    let j = ((oy + sy) * w + ox + x0) * 4;
    for (let sx = x0; sx < x1; sx++, k += 4, j += 4) {
      const sa = s[k + 3]!;
      if (sa === 0) continue;
      const da = dst[j + 3]!;
      if (sa === 255 || da === 0) {
        dst[j] = s[k]!;
        dst[j + 1] = s[k + 1]!;
        dst[j + 2] = s[k + 2]!;
        dst[j + 3] = sa;
        continue;
      }
      // Source over, straight alpha: out = src·a + dst·da·(1 − a), divided by the new alpha.
      const keep = (da * (255 - sa)) / 255;
      const oa = sa + keep;
      dst[j] = (s[k]! * sa + dst[j]! * keep) / oa;
      dst[j + 1] = (s[k + 1]! * sa + dst[j + 1]! * keep) / oa;
      dst[j + 2] = (s[k + 2]! * sa + dst[j + 2]! * keep) / oa;
      dst[j + 3] = oa;
    }
  }
}

/**
 * Draws many discs by stamping each look's pixels, made once, into one buffer and putting that on
 * the canvas: a canvas path of 10,000 discs costs its rasterizer tens of ms on a CPU, stamping a
 * few ms. A disc lands on the nearest device pixel (at most half a pixel from where a path puts it).
 */
export class Stamper {
  readonly #sprites = new Map<string, Sprite>();
  #buffer: ImageData | null = null;
  #scratch: OffscreenCanvas | null = null;

  /** The pixels of the last stamp (all its discs, nothing else), kept for repainting parts of it. */
  get buffer(): ImageData | null {
    return this.#buffer;
  }

  /** A sprite of `look` at `ratio` device px per CSS px. */
  sprite(look: CircleLook, ratio: number): Sprite {
    const key = `${look.radius}|${look.fill}|${look.stroke ?? ''}|${look.strokeWidth ?? 0}|${ratio}`;
    let s = this.#sprites.get(key);
    if (s) return s;
    const reach = look.radius + (look.strokeWidth ?? 0) / 2;
    const size = 2 * Math.ceil(reach * ratio + 1);
    const c = new OffscreenCanvas(size, size);
    const ctx = c.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    traceDisc(ctx, look, size / 2 / ratio, size / 2 / ratio);
    s = { size, data: ctx.getImageData(0, 0, size, size).data };
    this.#sprites.set(key, s);
    return s;
  }

  /**
   * Draws the groups (in order) on `ctx`, whose canvas is `ratio` device px per CSS px. `first`:
   * nothing is on the canvas yet, so the pixels are put straight on it; otherwise laid over it.
   */
  stamp(
    ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D,
    groups: readonly [CircleLook, readonly number[]][],
    at: { x: Float32Array; y: Float32Array },
    ratio: number,
    first: boolean,
  ): void {
    const w = ctx.canvas.width;
    const h = ctx.canvas.height;
    if (!this.#buffer || this.#buffer.width !== w || this.#buffer.height !== h) this.#buffer = new ImageData(w, h);
    else this.#buffer.data.fill(0);
    const buf = this.#buffer;
    for (const [look, idx] of groups) {
      const sp = this.sprite(look, ratio);
      const half = sp.size / 2;
      for (const i of idx) {
        stampSprite(buf.data, w, h, sp, Math.round(at.x[i]! * ratio - half), Math.round(at.y[i]! * ratio - half));
      }
    }
    if (first) {
      ctx.putImageData(buf, 0, 0);
      return;
    }
    if (!this.#scratch || this.#scratch.width !== w || this.#scratch.height !== h)
      this.#scratch = new OffscreenCanvas(w, h);
    this.#scratch.getContext('2d')!.putImageData(buf, 0, 0);
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.#scratch, 0, 0);
    ctx.restore();
  }
}
