import type { Region } from '@zhihui/shared';
import { readSeedData } from '../store/seed.js';
import type { LiveData } from '../live/engine.js';

/** The fixture files as live data, unshifted (times as generated): for unit tests and benchmarks. */
export async function readFixtureLiveData(
  fixturesDir: string,
): Promise<{ regions: Region[]; data: LiveData; anchor: string }> {
  const seed = await readSeedData(fixturesDir, { anchor: 'fixture' });
  if (!seed) throw new Error(`no fixtures in ${fixturesDir}/data`);
  const { meta, data } = seed;
  return {
    regions: [...data.regions],
    anchor: meta.anchor,
    data: {
      cameras: [...data.cameras],
      clues: data.clues.map((c) => c.clue),
      workers: [...data.workers],
      reports: [...data.reports],
      events: [...data.statusEvents],
    },
  };
}
