import { describe, expect, test } from 'vitest';
import { stampSprite, type Sprite } from './stamp';

/** A 2×2 sprite: opaque red, half-transparent green, transparent, opaque blue. */
const sprite: Sprite = {
  size: 2,
  data: new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 128, 9, 9, 9, 0, 0, 0, 255, 255]),
};

describe('stampSprite', () => {
  test('onto transparent pixels: copied; transparent source pixels leave the buffer alone', () => {
    const dst = new Uint8ClampedArray(3 * 3 * 4);
    dst.set([1, 2, 3, 4], (1 * 3 + 1) * 4); // a pixel under the sprite's transparent one
    stampSprite(dst, 3, 3, sprite, 1, 0);
    const px = (x: number, y: number) => [...dst.slice((y * 3 + x) * 4, (y * 3 + x) * 4 + 4)];
    expect(px(1, 0)).toEqual([255, 0, 0, 255]);
    expect(px(2, 0)).toEqual([0, 255, 0, 128]);
    expect(px(1, 1)).toEqual([1, 2, 3, 4]);
    expect(px(2, 1)).toEqual([0, 0, 255, 255]);
    expect(px(0, 0)).toEqual([0, 0, 0, 0]);
  });

  test('over a coloured pixel: source over, recomputed from straight alpha', () => {
    const dst = new Uint8ClampedArray([200, 100, 50, 200]);
    stampSprite(dst, 1, 1, sprite, -1, 0); // only the sprite's green pixel lands
    const sa = 128 / 255;
    const da = 200 / 255;
    const oa = sa + da * (1 - sa);
    const c = (s: number, d: number) => Math.round((s * sa + d * da * (1 - sa)) / oa);
    expect(Math.abs(dst[0]! - c(0, 200))).toBeLessThanOrEqual(1);
    expect(Math.abs(dst[1]! - c(255, 100))).toBeLessThanOrEqual(1);
    expect(Math.abs(dst[2]! - c(0, 50))).toBeLessThanOrEqual(1);
    expect(Math.abs(dst[3]! - Math.round(oa * 255))).toBeLessThanOrEqual(1);
  });

  test('clipped at every edge: pixels outside the sprite’s square are never written, nor wrapped to the next row', () => {
    for (const [ox, oy] of [
      [-1, -1],
      [2, 2],
      [2, 0],
      [-1, 1],
      [-5, 0],
      [0, 9],
    ] as const) {
      const dst = new Uint8ClampedArray(3 * 3 * 4).fill(7);
      stampSprite(dst, 3, 3, sprite, ox, oy);
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 3; x++) {
          const under = x >= ox && x < ox + 2 && y >= oy && y < oy + 2;
          if (!under)
            expect([...dst.slice((y * 3 + x) * 4, (y * 3 + x) * 4 + 4)], `${ox},${oy}: ${x},${y}`).toEqual([
              7, 7, 7, 7,
            ]);
        }
    }
  });
});
