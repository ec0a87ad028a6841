import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { buildRegionTree, isWithin, type Clue, type GridReport, type GridWorkerView } from '@zhihui/shared';
import { Simulator, type SimIngest } from './simulator.js';
import { readFixtureLiveData } from '../test-support/fixtureData.js';
import type { CameraRecord } from '../store/types.js';

const fx = await readFixtureLiveData(fileURLToPath(new URL('../../../fixtures', import.meta.url)));
const tree = buildRegionTree(fx.regions);
const START = Date.parse('2026-07-06T00:00:00+08:00'); // the 6th: an appeal day

/** An ingest that keeps state in memory and logs every call, standing in for the real one. */
function fakeIngest() {
  const cams = new Map(fx.data.cameras.map((c) => [c.id, { ...c }] as const));
  const clues = new Map<string, Clue>();
  const log: string[] = [];
  let reports = 0;
  const ingest: SimIngest = {
    async statusBatch(items) {
      for (const r of items as { cameraId: string; status: CameraRecord['status']; at: string }[]) {
        const c = cams.get(r.cameraId)!;
        if (c.status !== r.status) log.push(`s ${r.cameraId} ${r.status} ${r.at}`);
        c.status = r.status;
      }
      return { accepted: items.length, rejected: [] };
    },
    async createClue(body) {
      const b = body as Clue;
      const clue: Clue = {
        description: null,
        dueAt: b.dueAt ?? null,
        status: 'reported',
        assignee: null,
        outcome: null,
        urgent: false,
        gridWorkerId: null,
        resolvedAt: null,
        updatedAt: b.reportedAt,
        createdBy: 'simulator',
        lon: null,
        lat: null,
        ...b,
      };
      clues.set(clue.id, clue);
      log.push(`c ${clue.id} ${clue.category} ${clue.source}`);
      return { clue, created: true };
    },
    async patchClue(id, body) {
      const p = body as { status: Clue['status']; outcome?: Clue['outcome'] };
      const clue = { ...clues.get(id)!, status: p.status, outcome: p.outcome ?? clues.get(id)!.outcome };
      clues.set(id, clue);
      log.push(`p ${id} ${p.status}`);
      return clue;
    },
    async gridReport(body) {
      reports++;
      const b = body as { workerId: string; at: string };
      return {
        report: {
          id: `r${reports}`,
          workerId: b.workerId,
          region: '130111100',
          at: b.at,
          text: 't',
          clueId: null,
        } as GridReport,
        clue: null,
      };
    },
    async setWorkerDuty(workerId, onDuty) {
      log.push(`d ${workerId} ${onDuty}`);
      return { ...(fx.data.workers.find((w) => w.id === workerId) as GridWorkerView), onDuty };
    },
  };
  return { ingest, cams, clues, log, reports: () => reports };
}

function run(seed: number) {
  const f = fakeIngest();
  const sim = new Simulator({
    ingest: f.ingest,
    tree,
    cameras: fx.data.cameras,
    workers: fx.data.workers,
    seed,
    speed: 1,
  });
  return { f, sim };
}

describe('Simulator', () => {
  test('the same seed gives the same day; another seed another', async () => {
    const a = run(7);
    const b = run(7);
    const c = run(8);
    await a.sim.backfill(START, START + 6 * 3600_000);
    await b.sim.backfill(START, START + 6 * 3600_000);
    await c.sim.backfill(START, START + 6 * 3600_000);
    expect(a.f.log.length).toBeGreaterThan(50);
    expect(a.f.log).toEqual(b.f.log);
    expect(c.f.log).not.toEqual(a.f.log);
  });

  test('a simulated day keeps the demo county near its rate, with clues moving through their lifecycle', async () => {
    const { f, sim } = run(42);
    await sim.backfill(START, START + 24 * 3600_000);
    const demo = [...f.cams.values()].filter(
      (c) => isWithin(tree, c.region, '130111') && c.inService && !c.maintenance,
    );
    const rate = demo.filter((c) => c.status === 'online').length / demo.length;
    expect(rate).toBeGreaterThan(0.85);
    expect(rate).toBeLessThan(0.95);
    const clues = [...f.clues.values()];
    const demoClues = clues.filter((c) => isWithin(tree, c.region, '130111'));
    expect(demoClues.length).toBeGreaterThan(10);
    expect(demoClues.length).toBeLessThan(80);
    expect(new Set(clues.map((c) => c.status)).has('closed')).toBe(true);
    expect(clues.some((c) => c.source === 'appeal_day')).toBe(true);
    expect(clues.some((c) => c.category === 'dispute' && c.outcome === 'success')).toBe(true);
    expect(f.reports()).toBeGreaterThan(100);
    // Several channels of one run going down in the same instant: a village power cut.
    const byAt = new Map<string, number>();
    for (const l of f.log)
      if (l.startsWith('s ') && l.includes(' offline '))
        byAt.set(l.split(' ')[3]!, (byAt.get(l.split(' ')[3]!) ?? 0) + 1);
    expect(Math.max(...byAt.values())).toBeGreaterThanOrEqual(3);
  });

  test('heartbeats cover every online channel within the timeout', async () => {
    const f = fakeIngest();
    const seen = new Set<string>();
    const ingest: SimIngest = {
      ...f.ingest,
      async statusBatch(items) {
        for (const r of items as { cameraId: string }[]) seen.add(r.cameraId);
        return f.ingest.statusBatch(items, 'simulator');
      },
    };
    const sim = new Simulator({
      ingest,
      tree,
      cameras: fx.data.cameras,
      workers: fx.data.workers,
      seed: 1,
      heartbeatSec: 300,
    });
    for (let t = START; t <= START + 300_000; t += 1000) await sim.step(t);
    const online = [...f.cams.values()].filter((c) => c.status === 'online');
    expect(online.every((c) => seen.has(c.id))).toBe(true);
  });
});
