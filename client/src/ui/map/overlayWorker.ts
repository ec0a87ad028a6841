// The map's canvas overlay drawn off the page's main thread: the overlay (canvasOverlay.ts) hands
// this worker its canvas once and then, for each draw, the layers as plain data; rasterizing
// 10,000 discs on the main thread would cost the wall's frames tens of ms under software rendering.
import { imageCanvas, type PreparedLayer } from './canvasLayers';
import { OverlayPainter } from './overlayPainter';
import type { MapImage } from './types';

export type OverlayMessage =
  | { type: 'canvas'; canvas: OffscreenCanvas }
  | { type: 'images'; images: Record<string, MapImage> }
  | { type: 'draw'; w: number; h: number; ratio: number; layers: PreparedLayer[]; tag: string };

/** A draw is on the canvas (its frame handed to the compositor); `tag` is the draw message's. */
export interface OverlayReply {
  type: 'drawn';
  tag: string;
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<OverlayMessage>) => void) | null;
  postMessage(m: OverlayReply): void;
};

const images = new Map<string, CanvasImageSource>();
let painter: OverlayPainter | null = null;

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'canvas') {
    const ctx = m.canvas.getContext('2d');
    painter = ctx ? new OverlayPainter(ctx, images) : null;
    return;
  }
  if (m.type === 'images') {
    for (const [id, img] of Object.entries(m.images)) images.set(id, imageCanvas(img));
    painter?.reset();
    return;
  }
  // Drawn in the worker's next animation frame, where it has one: the canvas's new frame then goes
  // to the compositor with the page's, not between two of them.
  const raf = (self as unknown as { requestAnimationFrame?: (fn: () => void) => number }).requestAnimationFrame;
  if (!raf) return draw(m);
  raf(() => draw(m));
};

function draw(m: Extract<OverlayMessage, { type: 'draw' }>): void {
  painter?.draw(m.layers, m);
  scope.postMessage({ type: 'drawn', tag: m.tag });
}
