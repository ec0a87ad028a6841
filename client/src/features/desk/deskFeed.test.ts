import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import { ErrorCode, PROTOCOL_VERSION, type Ack, type Clue, type RegionSnapshot } from '@zhihui/shared';
import { clue, snapshot } from '../../test-support/fakeSnapshot';
import { FakeTransport } from '../../test-support/fakeTransport';
import { DESK_BATCH_MS, startDeskFeed, type LinkState } from './deskFeed';

/** What the feed told the desk, in order. */
function recorder() {
  const log: (['adopt', string[]] | ['upsert', string[]] | ['link', LinkState])[] = [];
  const ids = (cs: readonly Clue[]) => cs.map((c) => `${c.id}:${c.status}`);
  return {
    log,
    sink: {
      adopt: (s: RegionSnapshot) => log.push(['adopt', ids(s.clues)]),
      upsert: (cs: readonly Clue[]) => log.push(['upsert', ids(cs)]),
      link: (l: LinkState) => log.push(['link', l]),
    },
  };
}

const pack = (s: RegionSnapshot) => ({ packed: deflateSync(strToU8(JSON.stringify(s))) });
const cluesDelta = (seq: number, clues: Clue[]) => ({
  v: PROTOCOL_VERSION,
  seq,
  at: '2026-11-27T10:00:05+08:00',
  clues,
});

describe('the desk feed', () => {
  let tr: FakeTransport;
  beforeEach(() => {
    vi.useFakeTimers();
    tr = new FakeTransport();
  });
  afterEach(() => vi.useRealTimers());

  test('subscribes packed on connect and adopts the unpacked snapshot; clue changes come gathered', () => {
    const r = recorder();
    startDeskFeed(tr, '130111', r.sink);
    expect(tr.subscribes.map((s) => s.req)).toEqual([{ region: '130111', packed: true }]);
    tr.subscribes[0]!.ack({ ok: true, data: pack(snapshot({ clues: [clue('a')] })) } as unknown as Ack<RegionSnapshot>);
    tr.fire('delta', cluesDelta(11, [clue('b')]));
    tr.fire('delta', cluesDelta(12, [clue('c', { status: 'dispatched' })]));
    expect(r.log).toEqual([
      ['adopt', ['a:reported']],
      ['link', 'live'],
    ]);
    vi.advanceTimersByTime(DESK_BATCH_MS);
    expect(r.log.at(-1)).toEqual(['upsert', ['b:reported', 'c:dispatched']]);
  });

  test('a pushed snapshot (after the socket fell behind) replaces the clues, and changes gathered before it are dropped', () => {
    const r = recorder();
    startDeskFeed(tr, '130111', r.sink);
    tr.answer(snapshot({ clues: [clue('a')] }));
    // A change heard before the push, still gathered when the push comes: older than the snapshot.
    tr.fire('delta', cluesDelta(11, [clue('a', { status: 'verified' })]));
    tr.fire('snapshot', pack(snapshot({ seq: 30, clues: [clue('a', { status: 'dispatched' }), clue('n')] })));
    vi.advanceTimersByTime(DESK_BATCH_MS * 2);
    expect(r.log.slice(2)).toEqual([['adopt', ['a:dispatched', 'n:reported']]]);
    // Changes after it apply on top.
    tr.fire('delta', cluesDelta(31, [clue('n', { status: 'verified' })]));
    vi.advanceTimersByTime(DESK_BATCH_MS);
    expect(r.log.at(-1)).toEqual(['upsert', ['n:verified']]);
  });

  test('a refused subscribe or a server disconnect ends the link; a dropped transport loses it; a midnight delta asks again', () => {
    const r = recorder();
    const stop = startDeskFeed(tr, '130111', r.sink);
    tr.subscribes[0]!.ack({ ok: false, error: { code: ErrorCode.forbidden, message: 'no' } });
    expect(r.log.at(-1)).toEqual(['link', 'ended']);
    tr.fire('connect');
    tr.answer(snapshot());
    tr.drop();
    expect(r.log.at(-1)).toEqual(['link', 'lost']);
    tr.fire('disconnect', 'io server disconnect');
    expect(r.log.at(-1)).toEqual(['link', 'ended']);
    const asked = tr.subscribes.length;
    tr.fire('delta', { ...cluesDelta(40, []), periods: snapshot().periods });
    expect(tr.subscribes.length).toBe(asked + 1);
    // Stopped: nothing more reaches the desk.
    stop();
    const before = r.log.length;
    tr.fire('snapshot', snapshot());
    tr.fire('delta', cluesDelta(41, [clue('z')]));
    vi.advanceTimersByTime(DESK_BATCH_MS);
    expect(r.log.length).toBe(before);
  });
});
