import { describe, expect, test } from 'vitest';
import { groupsOf, mercator, mercatorColumns, NO_LOOK, pickPoints, prepare, toScreen } from './canvasLayers';
import type { CanvasLayer, CircleLook } from './types';

const disc = (radius: number, z: number): CircleLook => ({ kind: 'circle', radius, fill: '#fff', z });

describe('canvas layers', () => {
  test('Web Mercator: the equator and the date line, and the north–south stretch by the secant', () => {
    expect(mercator(0, 0)).toEqual([0.5, 0.5]);
    expect(mercator(-180, 0)[0]).toBe(0);
    expect(mercator(90, 0)[0]).toBe(0.75);
    // The y of latitude φ is ½ − ln(tan(π/4 + φ/2)) / 2π, recomputed here from that definition.
    for (const lat of [-60, -10, 0, 37.9, 85]) {
      const y = 0.5 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / (2 * Math.PI);
      expect(mercator(114.6, lat)[1]).toBeCloseTo(y, 12);
    }
    const cols = mercatorColumns([114.6, Number.NaN, 114.7], [37.9, 37.9, 37.8]);
    expect(Number.isNaN(cols.x[1])).toBe(true);
    expect(cols.x[2]).toBeCloseTo((114.7 + 180) / 360, 12);
  });

  test('a flat view places points at origin + (m − centre) · k on both axes', () => {
    const m = mercatorColumns([114.6, 114.7], [37.9, 37.8]);
    const [cx, cy] = mercator(114.6, 37.9);
    const at = toScreen(m, { cx, cy, ox: 500, oy: 300, k: 2 ** 20 });
    expect(at.x[0]).toBeCloseTo(500, 3);
    expect(at.y[0]).toBeCloseTo(300, 3);
    expect(at.x[1]).toBeCloseTo(500 + (0.1 / 360) * 2 ** 20, 2);
    expect(at.y[1]).toBeGreaterThan(300); // south is down
  });

  test('prepare: a palette of the looks, one index per point; groups in z order, off-view points left out', () => {
    const low = disc(3, 0);
    const high = disc(5, 2);
    const looks = [high, low, null, low, high, low];
    const layer: CanvasLayer = { id: 'p', lon: [], lat: [], look: (i) => looks[i] ?? null };
    const at = { x: new Float32Array([10, 20, 30, 40, 2000, 103]), y: new Float32Array([10, 20, 30, 40, 50, 50]) };
    const p = prepare(layer, at);
    expect(p.looks).toEqual([high, low]);
    expect([...p.index]).toEqual([0, 1, NO_LOOK, 1, 0, 1]);
    const groups = groupsOf(p, 100, 100);
    expect(groups.map(([l]) => l)).toEqual([low, high]);
    // 103 is outside a 100 px view but its 3 px disc still shows; 2000 is not drawn.
    expect(groups.map(([, idx]) => idx)).toEqual([[1, 3, 5], [0]]);
  });

  test('picks: within the radius of a point’s edge, the top layer first, each nearest first', () => {
    const bottom = prepare(
      { id: 'b', lon: [], lat: [], look: () => disc(3, 0) },
      { x: new Float32Array([50, 60]), y: new Float32Array([50, 50]) },
    );
    const top = prepare(
      { id: 't', lon: [], lat: [], look: (i) => (i === 1 ? null : disc(5, 0)) },
      { x: new Float32Array([58, 50, 70, 55]), y: new Float32Array([50, 50, 50, 50]) },
    );
    // Top: 55 is 3 px off, 58 is 6 px (≤ 5 + 4); 50 has no look; 70 is 18 px. Bottom: 50 is 2 px; 60 is 8 (> 3 + 4).
    expect(pickPoints([bottom, top], 52, 50, 4)).toEqual([
      { layer: 't', i: 3 },
      { layer: 't', i: 0 },
      { layer: 'b', i: 0 },
    ]);
  });
});
