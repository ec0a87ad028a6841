// Shared helpers of the benchmarks: paths, statistics, result files.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dist = (p) => new URL(`file://${path.join(root, 'server/dist', p)}`).href;
export const fixturesDir = path.join(root, 'fixtures');

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/**
 * The environment of a benchmark's own single-process server: the process's environment without
 * DATABASE_URL and REDIS_URL, so that a shell set up for the scale-out tests or benchmark does not
 * silently turn an in-process app into a PostgreSQL and Redis one (the in-process app reads the
 * environment; a server the benchmark spawns is given the same). Only `scaleout` measures those.
 */
export const singleProcessEnv = () => ({ ...process.env, DATABASE_URL: '', REDIS_URL: '' });

export const now = () => performance.timeOrigin + performance.now();

export async function writeResult(name, data) {
  const dir = path.join(root, 'bench/results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  await writeFile(
    file,
    JSON.stringify({ name, at: new Date().toISOString(), node: process.version, ...data }, null, 2) + '\n',
  );
  return file;
}

/** Prints rows of { metric, value, unit, target?, met? } as an aligned table. */
export function table(title, rows) {
  console.log(`\n${title}`);
  const cells = rows.map((r) => [
    r.metric,
    typeof r.value === 'number' ? fmt(r.value) : String(r.value),
    r.unit ?? '',
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'met' : 'MISSED',
  ]);
  const widths = [0, 1, 2, 3, 4].map((i) =>
    Math.max(...cells.map((c) => c[i].length), ['metric', 'median', 'unit', 'target', ''][i].length),
  );
  const line = (c) => c.map((x, i) => (i === 1 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join('  ');
  console.log(line(['metric', 'median', 'unit', 'target', '']));
  for (const c of cells) console.log(line(c));
}

function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}
