import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { NO_LOOK, type PreparedLayer } from './canvasLayers';
import { changedPoints, PointGrid, repaintChanged } from './repaint';
import { stampSprite, type Sprite } from './stamp';
import type { CircleLook } from './types';

const look = (radius: number, fill: string, z: number): CircleLook => ({ kind: 'circle', radius, fill, z });
/** Three looks as the wall has them: small translucent online, ringed unknown and offline on top. */
const LOOKS = [look(3, 'g', 0), look(5.6, 'y', 1), look(5.6, 'r', 2)];

/** A made-up sprite per look: a square of its colour, translucent towards the edge, so order shows. */
function spriteOf(l: CircleLook): Sprite {
  const size = 2 * Math.ceil(l.radius + 1);
  const data = new Uint8ClampedArray(size * size * 4);
  const c = l.fill === 'g' ? [40, 230, 160] : l.fill === 'y' ? [245, 165, 36] : [255, 77, 94];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const d = Math.max(Math.abs(x + 0.5 - size / 2), Math.abs(y + 0.5 - size / 2));
      const a = d > l.radius ? 0 : d > l.radius - 1.5 ? 120 : l.fill === 'g' ? 190 : 255;
      data.set([...c, a], (y * size + x) * 4);
    }
  return { size, data };
}

/** The layer with point i drawn as `states[i]` (an index into LOOKS, or -1: not drawn), in a palette of the given order. */
function layer(xs: number[], ys: number[], states: number[], palette: readonly number[]): PreparedLayer {
  const looks = palette.map((k) => LOOKS[k]!);
  const index = new Uint8Array(states.map((s) => (s < 0 ? NO_LOOK : palette.indexOf(s))));
  return { id: 'cams', x: Float32Array.from(xs), y: Float32Array.from(ys), looks, index };
}

/** A full stamp, recomputed here: by z, then point order, every drawn point, clipped to the buffer. */
function fullStamp(l: PreparedLayer, w: number, h: number, ratio: number): Uint8ClampedArray {
  const buf = new Uint8ClampedArray(w * h * 4);
  const byZ = l.looks.map((_, k) => k).sort((a, b) => l.looks[a]!.z - l.looks[b]!.z);
  for (const k of byZ) {
    const sp = spriteOf(l.looks[k] as CircleLook);
    for (let i = 0; i < l.index.length; i++) {
      if (l.index[i] !== k) continue;
      const ox = Math.round(l.x[i]! * ratio - sp.size / 2);
      const oy = Math.round(l.y[i]! * ratio - sp.size / 2);
      stampSprite(buf, w, h, sp, ox, oy);
    }
  }
  return buf;
}

describe('repainting changed points', () => {
  test('the points whose look changed, across palettes in another order; other positions: none can be said', () => {
    const a = layer([1, 2, 3, 4], [1, 1, 1, 1], [0, 2, -1, 1], [0, 1, 2]);
    const b = layer([1, 2, 3, 4], [1, 1, 1, 1], [0, 0, 1, 1], [2, 1, 0]);
    expect(changedPoints(a, b)).toEqual([1, 2]);
    expect(changedPoints(a, a)).toEqual([]);
    expect(changedPoints(a, layer([1, 2, 3, 5], [1, 1, 1, 1], [0, 2, -1, 1], [0, 1, 2]))).toBeNull();
    expect(changedPoints(a, layer([1, 2, 3], [1, 1, 1], [0, 2, -1], [0, 1, 2]))).toBeNull();
  });

  test('the grid finds the points near a square, and no point far from it', () => {
    const l = layer([5, 40, 100, 300], [5, 40, 100, 300], [0, 0, 0, 0], [0]);
    const near = new PointGrid(l, 1, 16).near({ x0: 30, y0: 30, x1: 50, y1: 50 }, 8);
    expect(near).toContain(1);
    expect(near).not.toContain(3);
  });

  test('a repaint leaves the buffer exactly as a full stamp of the new looks would (property)', () => {
    const W = 48;
    const H = 32;
    const arb = fc.record({
      ratio: fc.constantFrom(1, 1.5, 2),
      points: fc.array(
        fc.record({
          x: fc.double({ min: -6, max: W + 6, noNaN: true }),
          y: fc.double({ min: -6, max: H + 6, noNaN: true }),
          from: fc.integer({ min: -1, max: 2 }),
          to: fc.integer({ min: -1, max: 2 }),
          flips: fc.boolean(),
        }),
        { minLength: 1, maxLength: 60 },
      ),
      palette: fc.constantFrom([0, 1, 2], [2, 0, 1], [1, 2, 0]),
    });
    fc.assert(
      fc.property(arb, ({ ratio, points, palette }) => {
        const w = Math.round(W * ratio);
        const h = Math.round(H * ratio);
        const xs = points.map((p) => p.x);
        const ys = points.map((p) => p.y);
        const before = layer(
          xs,
          ys,
          points.map((p) => p.from),
          [0, 1, 2],
        );
        const after = layer(
          xs,
          ys,
          points.map((p) => (p.flips ? p.to : p.from)),
          palette,
        );
        const buf = fullStamp(before, w, h, ratio);
        const changed = changedPoints(before, after)!;
        // The view is wide enough that no point is left out as off screen (the property is about the squares).
        const size = { w, h, ratio, view: { w: W + 20, h: H + 20 } };
        repaintChanged(buf, size, before, after, changed, new PointGrid(before, ratio, 8), spriteOf);
        const want = fullStamp(after, w, h, ratio);
        const differs = buf.findIndex((v, i) => v !== want[i]);
        expect(differs, `first differing byte ${differs}`).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });
});
