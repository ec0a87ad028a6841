// Snapshot sizes (raw JSON and gzip) for the demo county from the fixtures, and for a generated
// province-scale tree (~100,000 channels, every Hebei township with its real NBS name and code).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { dist, fixturesDir } from './lib.mjs';

const { LiveEngine } = await import(dist('live/engine.js'));
const { readFixtureLiveData } = await import(dist('test-support/fixtureData.js'));
const { buildRegionTree } = await import('@zhihui/shared');

const size = (s) => {
  const raw = Buffer.from(JSON.stringify(s));
  return { raw: raw.length, gzip: gzipSync(raw).length, cameras: s.cameras.id.length, clues: s.clues.length };
};

const fx = await readFixtureLiveData(fixturesDir);
const demo = new LiveEngine(buildRegionTree(fx.regions), fx.data, () => Date.parse(fx.anchor) + 10 * 3600_000);
const demoCounty = size(demo.snapshot('130111', 0));
const demoCity = size(demo.snapshot('130100', 0));

// Province scale: the real township list, about 42 channels per township.
const csv = (f) =>
  readFileSync(path.join('/work/shared/geo', f), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
const towns = csv('hebei_townships_nbs2023.csv');
const counties = new Map(
  csv('hebei_counties_nbs2023.csv').map((r) => [r[0], { name: r[2], city: r[3], cityName: r[4] }]),
);
const regions = [{ code: '130000', name: '河北省', level: 'province', parent: null, center: null }];
const cities = new Map();
const countySeen = new Set();
for (const [code9, , name, , county6, countyName, city6, cityName] of towns) {
  if (!cities.has(city6)) {
    cities.set(city6, cityName);
    regions.push({ code: city6, name: cityName, level: 'city', parent: '130000', center: null });
  }
  if (!countySeen.has(county6)) {
    countySeen.add(county6);
    regions.push({
      code: county6,
      name: counties.get(county6)?.name ?? countyName,
      level: 'county',
      parent: city6,
      center: null,
    });
  }
  regions.push({ code: code9, name, level: 'township', parent: county6, center: null });
}
const PER_TOWN = Math.round(100_000 / towns.length);
const now = Date.now();
let x = 12345;
const rand = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const cameras = [];
for (const [code9, , name] of towns) {
  for (let k = 0; k < PER_TOWN; k++) {
    const r = rand();
    const status = r < 0.9 ? 'online' : r < 0.98 ? 'offline' : 'unknown';
    cameras.push({
      id: `${code9.slice(0, 6)}${code9.slice(6)}1310${String(k).padStart(7, '0')}`.slice(0, 20),
      name: `${name}·${k + 1}号点位`,
      region: code9,
      lon: 114 + rand() * 5,
      lat: 36 + rand() * 6,
      inService: true,
      status,
      reason: status === 'online' ? null : ['power', 'network', 'black_screen'][Math.floor(rand() * 3)],
      since: new Date(now - rand() * 30 * 86_400_000).toISOString(),
      lastSeen: null,
      maintenance: null,
    });
  }
}
const tree = buildRegionTree(regions);
const t0 = performance.now();
const prov = new LiveEngine(tree, { cameras, clues: [], workers: [], reports: [], events: [] });
const buildMs = performance.now() - t0;
const biggestCounty = [...tree.childrenOf.entries()]
  .filter(([c]) => tree.byCode.get(c)?.level === 'county')
  .sort((a, b) => b[1].length - a[1].length)[0][0];
const t1 = performance.now();
const provCity = size(prov.snapshot('130100', 0));
const cityMs = performance.now() - t1;
const provCounty = size(prov.snapshot(biggestCounty, 0));
const provProvince = size(prov.snapshot('130000', 0));
console.log(
  JSON.stringify({
    demoCountyRawKB: demoCounty.raw / 1024,
    demoCountyGzipKB: demoCounty.gzip / 1024,
    demoCountyCameras: demoCounty.cameras,
    demoCityRawKB: demoCity.raw / 1024,
    demoCityGzipKB: demoCity.gzip / 1024,
    provinceCameras: cameras.length,
    provinceTownships: towns.length,
    provinceEngineBuildMs: buildMs,
    provinceSnapshotRawKB: provProvince.raw / 1024,
    provinceSnapshotGzipKB: provProvince.gzip / 1024,
    provCityRawKB: provCity.raw / 1024,
    provCityGzipKB: provCity.gzip / 1024,
    provCitySnapshotMs: cityMs,
    provCountyCode: Number(biggestCounty),
    provCountyCameras: provCounty.cameras,
    provCountyRawKB: provCounty.raw / 1024,
    provCountyGzipKB: provCounty.gzip / 1024,
  }),
);
