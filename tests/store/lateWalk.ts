// Random walks of status batches on three channels, for the late-report tests of the stores:
// seeded, so a failure repeats; each batch is drawn against the channels' state in one store.
import type { StatusInput, Store } from '../../server/src/store/types.js';

export const BASE = Date.parse('2026-11-27T00:00:00+08:00');
export const M = (m: number) => new Date(BASE + m * 60_000).toISOString();
export const ALL = { from: M(-60 * 24 * 365), to: M(60 * 24 * 365) };
export const REGION = {
  code: '130111100',
  name: '栾城镇',
  level: 'township' as const,
  parent: null,
  center: [114.64, 37.89] as [number, number],
};

export type Rep = [
  ch: number,
  m: number,
  status: StatusInput['status'],
  reason?: StatusInput['reason'],
  actor?: string,
  heard?: boolean,
];

let n = 0;
/** Ids for three channels no store has yet (the same ids may go to several stores). */
export const newIds = (): string[] => {
  n++;
  return [0, 1, 2].map((i) => `ln${process.pid}x${n}c${i}`);
};

/**
 * Three channels listed at minute 0; those `heard` marks are first heard online at minute 30,
 * the others stay never heard (status unknown, no last sign of life).
 */
export async function channels(s: Store, ids = newIds(), heard = [true, true, true]): Promise<string[]> {
  await s.upsertCameras(
    ids.map((id, i) => ({ id, name: id, region: REGION.code, lon: 114.6 + i / 1000, lat: 37.9, validFrom: M(0) })),
    'test',
    M(0),
  );
  const first = ids.filter((_, i) => heard[i]);
  if (first.length > 0)
    await s.applyStatus(
      first.map((cameraId) => ({ cameraId, status: 'online', reason: null, at: M(30), actor: 'init' })),
    );
  return ids;
}

export const input = (
  ids: readonly string[],
  [ch, m, status, reason = null, actor = 'src-a', heard = true]: Rep,
): StatusInput => ({
  cameraId: ids[ch]!,
  status,
  reason: status === 'online' ? null : reason,
  at: M(m),
  actor,
  ...(heard ? {} : { heard: false }),
});

/** A seeded generator (mulberry32), so a failure repeats. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One batch against the channels' state now: mostly one channel, reports before, between and at its instants. */
export async function draw(r: () => number, s: Store, ids: readonly string[], clock: number): Promise<Rep[]> {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const mins = (iso: string) => Math.round((Date.parse(iso) - BASE) / 60_000);
  const cams = await s.getCameras(ids);
  const hist = await s.statusEvents({ ...ALL, cameraIds: ids });
  const hot = int(0, 2);
  const out: Rep[] = [];
  for (let i = int(1, 7); i > 0; i--) {
    if (out.length > 0 && r() < 0.12) {
      out.push(out[int(0, out.length - 1)]!);
      continue;
    }
    const ch = r() < 0.7 ? hot : int(0, 2);
    const c = cams.get(ids[ch]!)!;
    const since = mins(c.since);
    const seen = c.lastSeen === null ? since : mins(c.lastSeen);
    const instants = hist.filter((e) => e.cameraId === ids[ch]).map((e) => mins(e.at));
    const k = int(0, 6);
    const m =
      k === 0
        ? Math.max(seen, clock) + int(0, 6)
        : k <= 2
          ? int(1, Math.max(1, since - 1))
          : k === 3
            ? int(since, Math.max(since, seen - 1))
            : k <= 5
              ? [since, seen, ...instants][int(0, instants.length + 1)]!
              : int(Math.max(0, since - 5), seen + 5);
    if (k === 6)
      out.push(
        r() < 0.6
          ? [ch, m, 'unknown', r() < 0.5 ? null : 'source_down', 'heartbeat', false]
          : [ch, m, 'offline', null, 'heartbeat', false],
      );
    else if (r() < 0.5) out.push([ch, m, 'online', null, r() < 0.5 ? 'src-a' : 'src-b']);
    else
      out.push([
        ch,
        m,
        'offline',
        (['power', 'network', 'black_screen'] as const)[int(0, 2)],
        r() < 0.5 ? 'src-a' : 'src-b',
      ]);
  }
  return out;
}
