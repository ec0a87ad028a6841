import { describe, expect, test } from 'vitest';
import { applyDelta, CAMERA_STATES, PROTOCOL_VERSION, type RegionSnapshot } from '@zhihui/shared';
import { clue, snapshot } from '../../test-support/fakeSnapshot';
import { wallPointFeed } from './pointFeed';
import { CAMERA_LAYER, CLUE_LAYER } from './pointLayers';

/** A store stand-in: the state the feed reads and the watchers it is told through. */
function fakeStore(s: RegionSnapshot) {
  let state = { snapshot: s };
  const watchers = new Set<() => void>();
  return {
    getState: () => state,
    watch(fn: () => void) {
      watchers.add(fn);
      return () => watchers.delete(fn);
    },
    apply(d: Parameters<typeof applyDelta>[1]) {
      const next = applyDelta(state.snapshot!, d);
      if (!next.ok) throw new Error(next.reason);
      state = { ...state, snapshot: next.snapshot };
      for (const w of watchers) w();
    },
  };
}

const OFFLINE = CAMERA_STATES.indexOf('offline');
const ONLINE = CAMERA_STATES.indexOf('online');

describe('the wall map’s point feed', () => {
  test('follows each delta: a new channel state is a new layer over the same positions, the clues kept', () => {
    const store = fakeStore(snapshot({ clues: [clue('a')] }));
    const feed = wallPointFeed(store, Math.floor(Date.parse('2026-11-27T12:00:00+08:00') / 60_000));
    let told = 0;
    const off = feed.subscribe(() => told++);
    const first = feed.layers();
    expect(first.map((l) => l.id)).toEqual([CAMERA_LAYER, CLUE_LAYER]);
    expect(feed.tag()).toBe('10');
    // Asked again without a change: the same array (the overlay draws nothing).
    expect(feed.layers()).toBe(first);

    // Row 0 goes offline (it was online, not drawn on a county wall).
    expect(first[0]!.look(0)).toBeNull();
    store.apply({
      v: PROTOCOL_VERSION,
      seq: 11,
      at: '2026-11-27T10:00:05+08:00',
      cams: { i: [0], s: [OFFLINE], r: [0], ago: [0] },
    });
    expect(told).toBe(1);
    const next = feed.layers();
    expect(next).not.toBe(first);
    expect(next[0]!.look(0)).toMatchObject({ kind: 'circle', fill: '#ff4d5e' });
    expect(next[0]!.lon).toBe(first[0]!.lon);
    expect(next[1]).toBe(first[1]);
    expect(feed.tag()).toBe('11');
    // A pick names the channel, not a row of whatever snapshot React shows.
    expect(next[0]!.properties!(0)).toEqual({ id: store.getState().snapshot!.cameras.id[0] });

    // Back online: the layer changes again; a clue delta changes only the clue layer.
    store.apply({
      v: PROTOCOL_VERSION,
      seq: 12,
      at: '2026-11-27T10:00:06+08:00',
      cams: { i: [0], s: [ONLINE], r: [0], ago: [0] },
    });
    const back = feed.layers();
    expect(back[0]!.look(0)).toBeNull();
    store.apply({
      v: PROTOCOL_VERSION,
      seq: 13,
      at: '2026-11-27T10:00:07+08:00',
      clues: [clue('b', { category: 'hazard' })],
    });
    const withClue = feed.layers();
    expect(withClue[0]).toBe(back[0]);
    expect(withClue[1]).not.toBe(back[1]);
    expect(withClue[1]!.lon).toHaveLength(2);
    off();
    store.apply({ v: PROTOCOL_VERSION, seq: 14, at: '2026-11-27T10:00:08+08:00' });
    expect(told).toBe(3);
  });

  test('a township wall draws its online channels too; no snapshot, no layers', () => {
    const town = snapshot({ children: [], childFigures: [] });
    const feed = wallPointFeed(fakeStore(town), 0);
    expect(feed.layers()[0]!.look(0)).toMatchObject({
      kind: 'circle',
      fill: expect.stringMatching(/^rgba\(46, 230, 166/),
    });
    const empty = wallPointFeed({ getState: () => ({ snapshot: null }), watch: () => () => {} }, 0);
    expect(empty.layers()).toEqual([]);
    expect(empty.tag()).toBe('-1');
  });
});
