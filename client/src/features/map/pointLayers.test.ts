import { describe, expect, test } from 'vitest';
import { CAMERA_STATES } from '@zhihui/shared';
import { clue, snapshot } from '../../test-support/fakeSnapshot';
import { cameraLayer, cameraLook, CLUE_LAYER, clueLayer } from './pointLayers';

describe('point layers', () => {
  test('channels: point i is row i; down ones always drawn and on top, online ones only on a township wall', () => {
    const cams = snapshot().cameras; // states online, offline, unknown
    const drawn = (leaf: boolean) =>
      Array.from(cams.state, (_, i) => cameraLayer(cams, leaf, 0).look(i)).map((l) =>
        l?.kind === 'circle' ? l.fill : null,
      );
    expect(drawn(false)).toEqual([null, '#ff4d5e', '#f5a524']);
    expect(drawn(true)[0]).toMatch(/^rgba\(46, 230, 166/);
    const online = cameraLook(CAMERA_STATES.indexOf('online'), true)!;
    const offline = cameraLook(CAMERA_STATES.indexOf('offline'), false)!;
    const unknown = cameraLook(CAMERA_STATES.indexOf('unknown'), false)!;
    expect(offline.z).toBeGreaterThan(unknown.z);
    expect(unknown.z).toBeGreaterThan(online.z);
    expect(offline.radius).toBeGreaterThan(online.radius);
    // The same object for the same look: the canvas draws each look as one path.
    expect(cameraLook(CAMERA_STATES.indexOf('offline'), true)).toBe(offline);
    expect(cameraLayer(cams, true, 11.2).minZoom).toBe(11.2);
  });

  test('clues: open ones with a position and today’s closed ones; overdue by icon and on top; a pick names the clue', () => {
    const now = Date.parse('2026-11-27T12:00:00+08:00');
    const today = Date.parse('2026-11-27T00:00:00+08:00');
    const layer = clueLayer(
      [
        clue('a', { dueAt: '2026-11-27T11:00:00+08:00' }),
        clue('b', { lon: null, lat: null }),
        clue('c', { status: 'closed', reportedAt: '2026-11-20T09:00:00+08:00' }),
        clue('d', { status: 'invalid' }),
        clue('e', { category: 'hazard' }),
        clue('f', { status: 'closed', reportedAt: '2026-11-27T09:00:00+08:00' }),
      ],
      now,
      today,
      0,
    );
    expect(layer.id).toBe(CLUE_LAYER);
    expect([0, 1, 2].map((i) => layer.properties!(i).id)).toEqual(['a', 'e', 'f']);
    expect(layer.lon).toHaveLength(3);
    const looks = [0, 1, 2].map((i) => layer.look(i)!);
    expect(looks.map((l) => (l.kind === 'icon' ? l.image : ''))).toEqual([
      'clue-dispute-overdue',
      'clue-hazard',
      'clue-dispute',
    ]);
    expect(looks[0]!.z).toBeGreaterThan(looks[1]!.z);
    expect(looks[1]!.z).toBeGreaterThan(looks[2]!.z);
    const closed = looks[2]!;
    expect(closed.kind === 'icon' && closed.alpha).toBeLessThan(1);
    expect(layer.look(3)).toBeNull();
  });
});
