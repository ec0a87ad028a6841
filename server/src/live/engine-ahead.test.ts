import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { buildRegionTree, isWithin } from '@zhihui/shared';
import { LiveEngine } from './engine.js';
import { readFixtureLiveData } from '../test-support/fixtureData.js';
import type { CameraRecord } from '../store/types.js';

const fixturesDir = fileURLToPath(new URL('../../../fixtures', import.meta.url));
const fx = await readFixtureLiveData(fixturesDir);
const tree = buildRegionTree(fx.regions);
const anchor = Date.parse(fx.anchor);
const COUNTY = '130111';
const TOWNSHIP = tree.childrenOf.get(COUNTY)![0]!.code;

/** An engine on the fixtures with a clock the test sets. */
function setup(start: number) {
  let now = start;
  const clock = { now: () => now, set: (t: number) => (now = t) };
  return { engine: new LiveEngine(tree, fx.data, clock.now), clock };
}

/** A channel of the township online and counted now. */
function countedOnline(engine: LiveEngine): CameraRecord {
  const c = [...engine.cameras()].find(
    (x) => isWithin(tree, x.region, TOWNSHIP) && x.status === 'online' && x.inService && !x.maintenance,
  );
  if (!c) throw new Error('no online channel in the township');
  return c;
}

describe('LiveEngine: a report dated a little ahead of the server clock (allowed skew)', () => {
  test("the channel's time counts as it was until the report's own instant, as the rows say, once the clock passes it", () => {
    const start = anchor + 10 * 3600_000;
    const AHEAD = 1000;
    const LATER = 5000;
    const { engine, clock } = setup(start);
    const { engine: steady, clock: steadyClock } = setup(start);
    const cam = countedOnline(engine);
    const at = new Date(start + AHEAD).toISOString();
    engine.applyCameras(
      [{ ...cam, status: 'offline', reason: 'power', since: at, lastSeen: at }],
      [{ cameraId: cam.id, from: 'online', to: 'offline', reason: 'power', at, actor: 'test' }],
    );
    // The wall reads its figures at once, before the report's instant: the figures' cache is built now.
    engine.figures(COUNTY);
    clock.set(start + LATER);
    steadyClock.set(start + LATER);
    for (const code of [COUNTY, TOWNSHIP]) {
      const got = engine.figures(code);
      const base = steady.figures(code);
      for (const which of ['today', 'recent'] as const) {
        // From the raw facts: online until start + AHEAD, offline (still counted) after it.
        expect(got[which].cameras.onlineMs).toBe(base[which].cameras.onlineMs - (LATER - AHEAD));
        expect(got[which].cameras.countedMs).toBe(base[which].cameras.countedMs);
        expect(got[which].cameras.offline).toBe(base[which].cameras.offline + 1);
      }
    }
  });
});
