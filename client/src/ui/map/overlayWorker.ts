// The map's canvas overlay drawn off the page's main thread: the overlay (canvasOverlay.ts) hands
// this worker its canvas once and then, for each draw, the layers as plain data; rasterizing
// 10,000 discs on the main thread would cost the wall's frames tens of ms under software rendering.
import { drawLayers, type PreparedLayer } from './canvasLayers';
import { Stamper } from './stamp';
import type { MapImage } from './types';

export type OverlayMessage =
  | { type: 'canvas'; canvas: OffscreenCanvas }
  | { type: 'images'; images: Record<string, MapImage> }
  | { type: 'draw'; w: number; h: number; ratio: number; layers: PreparedLayer[]; wantedAt: number };

/** A draw is on the canvas (its frame handed to the compositor); `wantedAt` is the draw message's. */
export interface OverlayReply {
  type: 'drawn';
  wantedAt: number;
}

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<OverlayMessage>) => void) | null;
  postMessage(m: OverlayReply): void;
};

let canvas: OffscreenCanvas | null = null;
let ctx: OffscreenCanvasRenderingContext2D | null = null;
const images = new Map<string, OffscreenCanvas>();
const stamper = new Stamper();

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'canvas') {
    canvas = m.canvas;
    ctx = canvas.getContext('2d');
    return;
  }
  if (m.type === 'images') {
    for (const [id, img] of Object.entries(m.images)) {
      const c = new OffscreenCanvas(img.width, img.height);
      c.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
      images.set(id, c);
    }
    return;
  }
  if (canvas && ctx) {
    const cw = Math.round(m.w * m.ratio);
    const ch = Math.round(m.h * m.ratio);
    if (canvas.width !== cw || canvas.height !== ch) {
      canvas.width = cw;
      canvas.height = ch;
    }
    drawLayers(ctx, m.layers, m, images, stamper);
  }
  scope.postMessage({ type: 'drawn', wantedAt: m.wantedAt });
};
