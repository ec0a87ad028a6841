import { describe, expect, test } from 'vitest';
import { Type } from 'typebox';
import { CAMERA_REASONS, CameraInputSchema, StatusReportSchema } from './camera.js';
import { CLUE_CATEGORIES, ClueCreateSchema, CluePatchSchema } from './clue.js';
import { GridReportCreateSchema } from './grid.js';
import { RegionSchema } from './region.js';
import { SubscribeRequestSchema } from '../protocol/events.js';
import { checker, isRealTime, type FieldError } from './validate.js';

const fields = (r: { ok: boolean; errors?: FieldError[] }) => (r.ok ? [] : [...new Set(r.errors!.map((e) => e.field))]);

describe('checker: StatusReport', () => {
  const check = checker(StatusReportSchema);
  const good = { cameraId: '13011100001320000001', status: 'online', at: '2026-11-27T08:00:00+08:00' };

  test('a valid report passes and is returned as is', () => {
    const r = check(good);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toBe(good);
    expect(check({ cameraId: 'x', status: 'offline', reason: 'power' }).ok).toBe(true);
  });

  test('a missing status is named', () => {
    const r = check({ cameraId: 'x' });
    expect(r.ok).toBe(false);
    expect(fields(r)).toEqual(['status']);
  });

  test('a missing cameraId is named', () => {
    expect(fields(check({ status: 'online' }))).toEqual(['cameraId']);
  });

  test('`at` in the wrong format is named', () => {
    for (const at of ['yesterday', '2026-11-27', '2026-11-27 08:00', '2026-02-30T10:00:00+08:00', 1764201600000]) {
      const r = check({ ...good, at });
      expect(r.ok, String(at)).toBe(false);
      expect(fields(r)).toEqual(['at']);
    }
  });

  test('`at` with any offset or Z passes', () => {
    for (const at of ['2026-11-27T00:00:00Z', '2026-11-27T08:00:00+08:00', '2026-11-27T08:00:00.123+08:00'])
      expect(check({ ...good, at }).ok).toBe(true);
  });

  test('status outside online/offline is refused under `status`, and reported once per message', () => {
    const r = check({ ...good, status: 'unknown' });
    expect(fields(r)).toEqual(['status']);
    if (!r.ok) {
      const keys = r.errors.map((e) => `${e.field}|${e.message}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  test('Type.Enum reasons: every listed value passes, others fail', () => {
    for (const reason of CAMERA_REASONS) expect(check({ ...good, reason }).ok).toBe(true);
    for (const reason of ['POWER', 'offline', '', null, 3])
      expect(fields(check({ ...good, reason }))).toEqual(['reason']);
  });

  test('not an object at all', () => {
    for (const v of [null, 'online', 42, []]) {
      const r = check(v);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0]!.field).toBe('(body)');
    }
  });

  test('at most 10 errors', () => {
    const wide = checker(
      Type.Object(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, Type.Number()]))),
    );
    const r = wide(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, 'x'])));
    expect(r.ok).toBe(false);
    // TypeBox itself stops after a few (8 in 1.x); the checker never passes on more than 10.
    if (!r.ok) {
      expect(r.errors.length).toBeGreaterThan(1);
      expect(r.errors.length).toBeLessThanOrEqual(10);
      for (const e of r.errors) expect(e.field).toMatch(/^f\d+$/);
    }
  });
});

describe('checker: nested paths', () => {
  test('a missing nested property is named with its full path', () => {
    const r = checker(GridReportCreateSchema)({
      workerId: 'w1',
      text: '巡查',
      clue: { title: '井盖缺失', source: 'grid' },
    });
    expect(r.ok).toBe(false);
    const f = fields(r);
    expect(f).toContain('clue/category');
  });

  test('a bad array item is named by index', () => {
    const batch = checker(Type.Object({ reports: Type.Array(StatusReportSchema) }));
    const r = batch({
      reports: [
        { cameraId: 'a', status: 'online' },
        { cameraId: 'b', status: 'online' },
        { cameraId: 'c', status: 'online', at: 'now' },
      ],
    });
    expect(fields(r)).toEqual(['reports/2/at']);
    expect(fields(batch({ reports: [{ cameraId: 'a' }] }))).toEqual(['reports/0/status']);
  });
});

describe('checker: other schemas', () => {
  test('ClueCreate: categories from the enum pass; unknown category, bad region code are named', () => {
    const check = checker(ClueCreateSchema);
    const base = { category: 'dispute', source: 'appeal_day', region: '130321104', title: '邻里纠纷' };
    expect(check(base).ok).toBe(true);
    for (const category of CLUE_CATEGORIES) expect(check({ ...base, category }).ok).toBe(true);
    expect(fields(check({ ...base, category: 'fire' }))).toEqual(['category']);
    expect(fields(check({ ...base, region: '13032' }))).toEqual(['region']);
    expect(fields(check({ ...base, title: '' }))).toEqual(['title']);
  });

  test('CluePatch: status enum and outcome enum', () => {
    const check = checker(CluePatchSchema);
    expect(check({ status: 'resolved', outcome: 'court' }).ok).toBe(true);
    expect(fields(check({ status: 'done' }))).toEqual(['status']);
    expect(fields(check({ status: 'resolved', outcome: 'won' }))).toEqual(['outcome']);
    expect(fields(check({}))).toEqual(['status']);
  });

  test('CameraInput: coordinates in range', () => {
    const check = checker(CameraInputSchema);
    const cam = { id: '13011100001320000001', name: '路口', region: '130111100', lon: 114.6, lat: 37.9 };
    expect(check(cam).ok).toBe(true);
    expect(fields(check({ ...cam, lon: 181 }))).toEqual(['lon']);
    expect(fields(check({ ...cam, lat: -91 }))).toEqual(['lat']);
    expect(fields(check({ ...cam, id: 'has space' }))).toEqual(['id']);
  });

  test('Region level enum and subscribe payload', () => {
    expect(
      checker(RegionSchema)({ code: '130111', name: '栾城区', level: 'county', parent: '130100', center: null }).ok,
    ).toBe(true);
    expect(
      fields(checker(RegionSchema)({ code: '130111', name: '栾城区', level: 'district', parent: null, center: null })),
    ).toEqual(['level']);
    const sub = checker(SubscribeRequestSchema);
    expect(sub({ region: '130111100' }).ok).toBe(true);
    expect(fields(sub({ region: '1301111' }))).toEqual(['region']);
  });
});

describe('isRealTime', () => {
  test('parses to an instant', () => {
    expect(isRealTime('2026-11-27T08:00:00+08:00')).toBe(true);
    expect(isRealTime('not a time')).toBe(false);
  });
});
