import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CameraInput, Clue, GridReport, GridWorkerView, Region } from '@zhihui/shared';
import type { CameraRecord, StatusEvent } from '../store/types.js';
import type { LiveData } from './engine.js';

/** The fixture files as live data, unshifted (times as generated): for unit tests and benchmarks. */
export function readFixtureLiveData(fixturesDir: string): { regions: Region[]; data: LiveData; anchor: string } {
  const read = <T>(f: string): T => JSON.parse(readFileSync(path.join(fixturesDir, 'data', f), 'utf8')) as T;
  const meta = read<{ anchor: string }>('meta.json');
  const regions = read<Region[]>('regions.json');
  const inv = read<CameraInput[]>('cameras.json');
  const status = new Map(read<{ cameraId: string; status: CameraRecord['status']; reason: CameraRecord['reason']; since: string; maintenance: CameraRecord['maintenance'] }[]>('camera-status.json').map((s) => [s.cameraId, s]));
  const cameras: CameraRecord[] = inv.map((c) => {
    const s = status.get(c.id);
    return {
      id: c.id,
      name: c.name,
      region: c.region,
      lon: c.lon,
      lat: c.lat,
      inService: c.inService ?? true,
      status: s?.status ?? 'unknown',
      reason: s?.reason ?? null,
      since: s?.since ?? meta.anchor,
      lastSeen: null,
      maintenance: s?.maintenance ?? null,
    };
  });
  const events = read<Omit<StatusEvent, 'actor'>[]>('status-history.json').map((e) => ({ ...e, actor: 'fixture' }));
  const clues = read<{ clue: Clue }[]>('clues.json').map((x) => x.clue);
  const workers = read<GridWorkerView[]>('grid-workers.json');
  const reports = read<GridReport[]>('grid-reports.json');
  return { regions, anchor: meta.anchor, data: { cameras, clues, workers, reports, events } };
}
