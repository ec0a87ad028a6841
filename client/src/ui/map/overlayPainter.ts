import { drawGroup, drawLayers, groupsOf, type CanvasView, type Context2D, type PreparedLayer } from './canvasLayers';
import { changedPoints, PointGrid, repaintChanged } from './repaint';
import { Stamper } from './stamp';

/** Above this share of a layer's points changed, a full draw is cheaper than repainting around each. */
const MOST = 0.2;

/**
 * What the drawing worker keeps between draws: the canvas, the icons, the stamper with the discs'
 * pixels, and what it drew last. When the new layers differ from the last only in the looks of
 * some discs of the first layer (a delta of channel states; the wall's first layer is its
 * channels, all discs, its others icons), it repaints the squares around those points and puts
 * just those back, with the icons over them drawn again inside; anything else is a full draw.
 */
export class OverlayPainter {
  readonly #ctx: Context2D;
  readonly #images: ReadonlyMap<string, CanvasImageSource>;
  readonly #stamper = new Stamper();
  #last: { view: CanvasView; layers: PreparedLayer[]; grid: PointGrid } | null = null;

  constructor(ctx: Context2D, images: ReadonlyMap<string, CanvasImageSource>) {
    this.#ctx = ctx;
    this.#images = images;
  }

  /** Draws `layers`; returns whether only parts were repainted. */
  draw(layers: PreparedLayer[], view: CanvasView): 'parts' | 'full' {
    if (this.#repaint(layers, view)) return 'parts';
    // Parts can be repainted later only if the stamper's pixels are the first layer's discs alone.
    const stamped = drawLayers(this.#ctx, layers, view, this.#images, this.#stamper);
    const first = layers[0];
    const discs = stamped && first !== undefined && first.looks.every((l) => l.kind === 'circle');
    this.#last = discs ? { view, layers, grid: new PointGrid(first, view.ratio) } : null;
    return 'full';
  }

  /** Forgets what was drawn (new icons: the next draw is a full one). */
  reset(): void {
    this.#last = null;
  }

  #repaint(layers: PreparedLayer[], view: CanvasView): boolean {
    const last = this.#last;
    const buf = this.#stamper.buffer;
    if (!last || !buf || layers.length !== last.layers.length || layers.length === 0) return false;
    if (last.view.w !== view.w || last.view.h !== view.h || last.view.ratio !== view.ratio) return false;
    const [prev, next] = [last.layers[0]!, layers[0]!];
    if (!next.looks.every((l) => l.kind === 'circle')) return false;
    // The layers above must be the same icons at the same places (the cheap test first).
    for (let k = 1; k < layers.length; k++) {
      if (layers[k]!.looks.some((l) => l.kind !== 'icon')) return false;
      const c = changedPoints(last.layers[k]!, layers[k]!);
      if (c === null || c.length > 0) return false;
    }
    const changed = changedPoints(prev, next);
    if (changed === null || changed.length > next.index.length * MOST) return false;
    const size = { w: buf.width, h: buf.height, ratio: view.ratio, view };
    const rects = repaintChanged(buf.data, size, prev, next, changed, last.grid, (l) =>
      this.#stamper.sprite(l, view.ratio),
    );
    const ctx = this.#ctx;
    for (const r of rects) ctx.putImageData(buf, 0, 0, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
    if (rects.length > 0 && layers.length > 1) {
      // The icons over the repainted squares, drawn again inside them only.
      ctx.save();
      ctx.setTransform(view.ratio, 0, 0, view.ratio, 0, 0);
      ctx.beginPath();
      for (const r of rects)
        ctx.rect(r.x0 / view.ratio, r.y0 / view.ratio, (r.x1 - r.x0) / view.ratio, (r.y1 - r.y0) / view.ratio);
      ctx.clip();
      for (const p of layers.slice(1)) for (const g of groupsOf(p, view.w, view.h)) drawGroup(ctx, g, p, this.#images);
      ctx.restore();
    }
    this.#last = { ...last, layers };
    return true;
  }
}
