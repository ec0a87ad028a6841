import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

// The layout tells the architecture (STYLE.md): these boundaries are checked, not hoped for.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

const importsOf = (file: string): string[] =>
  [
    ...readFileSync(file, 'utf8').matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    ),
  ].map((m) => (m[1] ?? m[2])!);

describe('architecture boundaries', () => {
  test('shared/ imports no framework, no DOM library and no node:* module', () => {
    const bad: string[] = [];
    let seen = 0;
    for (const f of sources(path.join(root, 'shared/src'))) {
      for (const spec of importsOf(f)) {
        seen++;
        if (/^(node:|fastify|socket\.io|react|maplibre|echarts|better-sqlite3|pg$)/.test(spec))
          bad.push(`${path.relative(root, f)} → ${spec}`);
      }
    }
    expect(seen).toBeGreaterThan(30); // the import scan itself works
    expect(bad).toEqual([]);
  });

  test('client features do not import each other; only a page (features/*/*Page.tsx) composes other features', () => {
    const featuresDir = path.join(root, 'client/src/features');
    const bad: string[] = [];
    for (const feature of readdirSync(featuresDir)) {
      for (const f of sources(path.join(featuresDir, feature))) {
        // The wall page lays out the panels of map, video, clues, grid and voice: that is its job.
        if (/Page\.tsx$/.test(f)) continue;
        for (const spec of importsOf(f)) {
          if (!spec.startsWith('.')) continue;
          const target = path.resolve(path.dirname(f), spec);
          const rel = path.relative(featuresDir, target);
          if (!rel.startsWith('..') && rel.split(path.sep)[0] !== feature)
            bad.push(`${path.relative(root, f)} → ${spec}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  test('test helpers live in test-support/ and production code never imports them', () => {
    const bad: string[] = [];
    for (const dir of ['server/src', 'client/src']) {
      for (const f of sources(path.join(root, dir))) {
        if (f.includes(`${path.sep}test-support${path.sep}`)) continue;
        for (const spec of importsOf(f))
          if (/(^|\/)test-support\//.test(spec)) bad.push(`${path.relative(root, f)} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test('server and client import shared by its package name, never by a path into its sources', () => {
    const bad: string[] = [];
    for (const dir of ['server/src', 'client/src']) {
      for (const f of sources(path.join(root, dir))) {
        for (const spec of importsOf(f))
          if (/shared\/(src|dist)/.test(spec)) bad.push(`${path.relative(root, f)} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  test('store/ and scaleout/ import nothing above them', () => {
    // store/ is the floor of the server; scaleout/ bridges the bus and socket.io and reads the config.
    const below: Record<string, string[]> = {
      'server/src/store': ['server/src/store'],
      'server/src/scaleout': ['server/src/scaleout', 'server/src/config', 'server/src/bus.ts', 'server/src/store'],
    };
    const bad: string[] = [];
    let seen = 0;
    for (const [dir, allowed] of Object.entries(below)) {
      for (const f of sources(path.join(root, dir))) {
        for (const spec of importsOf(f)) {
          if (!spec.startsWith('.')) continue;
          seen++;
          const target = path.relative(root, path.resolve(path.dirname(f), spec)).replace(/\.js$/, '.ts');
          if (!allowed.some((a) => target === a || target.startsWith(`${a}/`)))
            bad.push(`${path.relative(root, f)} → ${spec}`);
        }
      }
    }
    expect(seen).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });

  test('no REST body, query or answer is declared outside shared/: route files build no schema', () => {
    // Both sides use the one schema in shared/src/schemas; a route file only names it.
    const bad: string[] = [];
    const files = sources(path.join(root, 'server/src/routes'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      if (importsOf(f).some((spec) => /^typebox(\/|$)/.test(spec)))
        bad.push(`${path.relative(root, f)} imports typebox`);
      if (/\bimport\s*\{[^}]*\bType\b[^}]*\}\s*from\s*'@fastify\/type-provider-typebox'/.test(text))
        bad.push(`${path.relative(root, f)} imports Type`);
      for (const m of text.matchAll(/\bType\.[A-Z]\w*\(/g)) bad.push(`${path.relative(root, f)}: ${m[0]}`);
    }
    expect(bad).toEqual([]);
  });

  test('the server and the client name error codes through ErrorCode, never as string literals', async () => {
    const { ErrorCode } = await import('@zhihui/shared');
    const codes = Object.values(ErrorCode) as string[];
    expect(codes.length).toBeGreaterThan(10);
    const literal = new RegExp(`['"\`](${codes.join('|')})['"\`]`, 'g');
    const bad: string[] = [];
    for (const dir of ['server/src', 'client/src']) {
      for (const f of sources(path.join(root, dir))) {
        for (const m of readFileSync(f, 'utf8').matchAll(literal)) bad.push(`${path.relative(root, f)}: ${m[0]}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
