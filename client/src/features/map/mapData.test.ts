import { describe, expect, test } from 'vitest';
import type { GeoCollection } from '@zhihui/shared';
import { snapshot, TOWNSHIPS } from '../../test-support/fakeSnapshot';
import {
  areaOf,
  areasToGeoJson,
  boundsOf,
  hasApproximate,
  rateColor,
  RATE_BANDS,
  regionLabels,
  NO_DATA_COLOR,
} from './mapData';

const square = (x: number, y: number): GeoJSON.Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + 0.1, y],
      [x + 0.1, y + 0.1],
      [x, y + 0.1],
      [x, y],
    ],
  ],
});
const children: GeoCollection = {
  type: 'FeatureCollection',
  features: TOWNSHIPS.map((t, i) => ({
    type: 'Feature',
    geometry: square(114.5 + i * 0.1, 37.8),
    properties: { code: t.code, name: t.name, approximate: true },
  })),
};

describe('map data', () => {
  test('rate colours follow the legend bands; no rate is grey', () => {
    expect(rateColor(0.99)).toBe(RATE_BANDS[0].color);
    expect(rateColor(0.95)).toBe(RATE_BANDS[0].color);
    expect(rateColor(0.93)).toBe(RATE_BANDS[1].color);
    expect(rateColor(0.85)).toBe(RATE_BANDS[2].color);
    expect(rateColor(0.2)).toBe(RATE_BANDS[3].color);
    expect(rateColor(null)).toBe(NO_DATA_COLOR);
  });

  test('each child polygon carries its own rate and colour, and the selected one is marked', () => {
    const fc = areasToGeoJson({ snapshot: snapshot(), children, outline: null, selected: 1 });
    expect(fc.features).toHaveLength(3);
    const props = fc.features.map((f) => f.properties!);
    expect(props.map((p) => p.rate)).toEqual([1, 0.9, 0.8]);
    expect(props.map((p) => p.color)).toEqual([rateColor(1), rateColor(0.9), rateColor(0.8)]);
    expect(props.map((p) => p.selected)).toEqual([false, true, false]);
    expect(hasApproximate(children, null)).toBe(true);
  });

  test('a township wall colours its own outline', () => {
    const s = snapshot({ children: [], childFigures: [] });
    const outline = { type: 'Feature' as const, geometry: square(114, 37), properties: { code: '130111' } };
    const fc = areasToGeoJson({
      snapshot: s,
      children: { type: 'FeatureCollection', features: [] },
      outline,
      selected: null,
    });
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0]!.properties!.rate).toBe(0.9);
    expect(regionLabels(s, null, outline)[0]!.name).toBe('栾城区');
  });

  test('labels show the name, the rate as a number and n/N', () => {
    const labels = regionLabels(snapshot(), children, null);
    expect(labels.map((l) => l.name)).toEqual(['栾城镇', '冶河镇', '窦妪镇']);
    expect(labels[1]!.rateText).toBe('90.0%');
    expect(labels[1]!.counts).toBe('9/10');
    // The label sits at the polygon's centroid (0.05° in from the corner), not at the seat.
    expect(labels[0]!.lngLat[0]).toBeCloseTo(114.55, 6);
    expect(labels[0]!.lngLat[1]).toBeCloseTo(37.85, 6);
    expect(regionLabels(snapshot(), null, null)[0]!.lngLat).toEqual(TOWNSHIPS[0]!.center);
  });

  test('labels carry their area, so small regions give way to large ones; no polygon counts 0', () => {
    expect(regionLabels(snapshot(), children, null)[0]!.area).toBeCloseTo(0.01, 9);
    expect(regionLabels(snapshot(), null, null)[0]!.area).toBe(0);
    const two: GeoJSON.MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [square(0, 0).coordinates, square(1, 1).coordinates],
    };
    expect(areaOf(two)).toBeCloseTo(0.02, 9);
  });

  test('bounds cover every coordinate', () => {
    expect(boundsOf(children.features.map((f) => f.geometry))).toEqual([
      [114.5, 37.8],
      [114.8, 37.9],
    ]);
    expect(boundsOf([])).toBeNull();
  });
});
