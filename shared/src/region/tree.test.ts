import { describe, expect, test } from 'vitest';
import type { Region } from '../schemas/region.js';
import { ancestorsOf, buildRegionTree, childOnPathTo, childrenOf, descendantsOf, isWithin } from './tree.js';

const r = (code: string, name: string, level: Region['level'], parent: string | null): Region => ({
  code,
  name,
  level,
  parent,
  center: null,
});

// Given out of order on purpose: the tree must not depend on input order.
const regions: Region[] = [
  r('130111101', '冶河镇', 'township', '130111'),
  r('130000', '河北省', 'province', null),
  r('130111', '栾城区', 'county', '130100'),
  r('130100', '石家庄市', 'city', '130000'),
  r('130111100', '栾城镇', 'township', '130111'),
  r('130300', '秦皇岛市', 'city', '130000'),
  r('130321', '青龙满族自治县', 'county', '130300'),
  r('130321104', '双山子镇', 'township', '130321'),
  r('130111100001', '一村', 'village', '130111100'),
];
const tree = buildRegionTree(regions);
const codes = (rs: readonly Region[]) => rs.map((x) => x.code);

describe('buildRegionTree', () => {
  test('indexes by code, finds the root, lists children sorted by code', () => {
    expect(tree.byCode.size).toBe(regions.length);
    expect(codes(tree.roots)).toEqual(['130000']);
    expect(codes(childrenOf(tree, '130000'))).toEqual(['130100', '130300']);
    expect(codes(childrenOf(tree, '130111'))).toEqual(['130111100', '130111101']);
    expect(childrenOf(tree, '130111101')).toEqual([]);
    expect(childrenOf(tree, '999999')).toEqual([]);
  });

  test('a region whose parent is not in the set is a root (a county-only deployment)', () => {
    const t = buildRegionTree(regions.filter((x) => x.code.startsWith('130111')));
    expect(codes(t.roots)).toEqual(['130111']);
    expect(ancestorsOf(t, '130111100')).toEqual([t.byCode.get('130111')]);
  });
});

describe('ancestorsOf', () => {
  test('root first, the region itself excluded', () => {
    expect(codes(ancestorsOf(tree, '130111100001'))).toEqual(['130000', '130100', '130111', '130111100']);
    expect(codes(ancestorsOf(tree, '130321'))).toEqual(['130000', '130300']);
  });

  test('none for a root or an unknown code', () => {
    expect(ancestorsOf(tree, '130000')).toEqual([]);
    expect(ancestorsOf(tree, '999999')).toEqual([]);
  });
});

describe('childOnPathTo', () => {
  test('the child of the ancestor that leads to the code', () => {
    expect(childOnPathTo(tree, '130000', '130111100001')).toBe('130100');
    expect(childOnPathTo(tree, '130111', '130111100001')).toBe('130111100');
    expect(childOnPathTo(tree, '130111', '130111101')).toBe('130111101');
    expect(childOnPathTo(tree, '130000', '130321104')).toBe('130300');
  });

  test('null when the code is not below the ancestor (itself, elsewhere, above, unknown)', () => {
    expect(childOnPathTo(tree, '130111', '130111')).toBeNull();
    expect(childOnPathTo(tree, '130111', '130321104')).toBeNull();
    expect(childOnPathTo(tree, '130111', '130000')).toBeNull();
    expect(childOnPathTo(tree, '130111', '999999')).toBeNull();
  });
});

describe('descendantsOf', () => {
  test('the region and everything below it, each once', () => {
    const d = codes(descendantsOf(tree, '130100'));
    expect(d[0]).toBe('130100');
    expect([...d].sort()).toEqual(['130100', '130111', '130111100', '130111100001', '130111101']);
    expect(codes(descendantsOf(tree, '130000')).sort()).toEqual(codes(regions).sort());
  });

  test('a leaf is just itself; an unknown code is empty', () => {
    expect(codes(descendantsOf(tree, '130321104'))).toEqual(['130321104']);
    expect(descendantsOf(tree, '999999')).toEqual([]);
  });
});

describe('isWithin', () => {
  test('true for the region itself and anything below', () => {
    expect(isWithin(tree, '130111', '130111')).toBe(true);
    expect(isWithin(tree, '130111100001', '130111')).toBe(true);
    expect(isWithin(tree, '130321104', '130000')).toBe(true);
  });

  test('false for siblings, ancestors and unknown codes', () => {
    expect(isWithin(tree, '130321104', '130100')).toBe(false);
    expect(isWithin(tree, '130100', '130111')).toBe(false);
    expect(isWithin(tree, '999999', '130000')).toBe(false);
    expect(isWithin(tree, '130111', '999999')).toBe(false);
  });

  test('agrees with descendantsOf for every pair', () => {
    for (const a of regions) {
      const below = new Set(codes(descendantsOf(tree, a.code)));
      for (const b of regions) expect(isWithin(tree, b.code, a.code)).toBe(below.has(b.code));
    }
  });
});

describe('bad data does not hang', () => {
  test('a region that is its own parent is a root', () => {
    const t = buildRegionTree([
      r('130111', '栾城区', 'county', '130111'),
      r('130111100', '栾城镇', 'township', '130111'),
    ]);
    expect(codes(t.roots)).toEqual(['130111']);
    expect(ancestorsOf(t, '130111100').map((x) => x.code)).toEqual(['130111']);
    expect(codes(descendantsOf(t, '130111'))).toEqual(['130111', '130111100']);
    expect(isWithin(t, '130111', '130000')).toBe(false);
  });

  test('a cycle of two regions terminates', () => {
    const t = buildRegionTree([r('130100', 'a', 'city', '130111'), r('130111', 'b', 'county', '130100')]);
    expect(t.roots).toEqual([]);
    expect(codes(descendantsOf(t, '130100')).sort()).toEqual(['130100', '130111']);
    expect(isWithin(t, '130100', '999999')).toBe(false);
    expect(ancestorsOf(t, '130100').length).toBeLessThanOrEqual(2);
    expect(childOnPathTo(t, '999999', '130100')).toBeNull();
  });
});
