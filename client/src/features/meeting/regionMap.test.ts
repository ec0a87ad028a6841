import { describe, expect, test } from 'vitest';
import { projectRegions } from './regionMap';

const square = (code: string, x: number, y: number) => ({
  properties: { code, name: `R${code}` },
  geometry: {
    type: 'Polygon' as const,
    coordinates: [
      [
        [x, y],
        [x + 1, y],
        [x + 1, y + 1],
        [x, y + 1],
        [x, y],
      ],
    ],
  },
});

describe('projectRegions', () => {
  test('fits the regions into the box, north up, and labels at each polygon centroid, not at the seat', () => {
    const m = projectRegions([square('1', 0, 0), square('2', 1, 0)], null, new Map([['2', [1.9, 0.9]]]), 420, 220, 10);
    expect(m.shapes.map((s) => s.code)).toEqual(['1', '2']);
    // Two unit squares side by side at the equator: 2 × 1, scaled to 200 px per degree inside the padding.
    expect(m.shapes[0]!.d).toMatch(/^M10\.0 210\.0L210\.0 210\.0L210\.0 10\.0L10\.0 10\.0L10\.0 210\.0Z$/);
    // cos(0.5°) ≈ 0.99996: the x scale is a hair under 200 px per degree.
    expect(m.shapes[1]!.label[0]).toBeCloseTo(310, 1);
    expect(m.shapes[1]!.label[1]).toBeCloseTo(110, 6);
    expect(m.shapes[0]!.label[0]).toBeCloseTo(110, 1);
  });
  test('nothing to draw without geometry', () => {
    expect(projectRegions([], null, new Map(), 100, 100).shapes).toEqual([]);
  });
});
