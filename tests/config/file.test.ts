// The config file (ZHIHUI_CONFIG): YAML or JSON, checked at start with errors naming the bad key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../server/src/config/env.js';
import { ConfigFileError, parseConfigText } from '../../server/src/config/file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'zhihui-config-'));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('config file', () => {
  test('the minimal YAML of the sources issue is read as written', () => {
    const f = write(
      'min.yaml',
      'sources:\n  - id: demo-mqtt\n    kind: mqtt\n    url: mqtt://127.0.0.1:1883\n    topic: cameras/{id}/status   # payload: online | offline\n',
    );
    const c = loadConfig({ ZHIHUI_CONFIG: f });
    expect(c.configPath).toBe(f);
    expect(c.file.sources?.[0]).toMatchObject({ id: 'demo-mqtt', kind: 'mqtt', topic: 'cameras/{id}/status' });
  });

  test('JSON works too, and no file means no sections', () => {
    const f = write('c.json', JSON.stringify({ sources: [{ id: 'a', kind: 'rest' }] }));
    expect(loadConfig({ ZHIHUI_CONFIG: f }).file.sources).toHaveLength(1);
    expect(loadConfig({}).file).toEqual({});
    expect(loadConfig({}).configPath).toBeNull();
  });

  test('an unknown top-level key is named', () => {
    expect(() => parseConfigText('sourcse: []\n', 'x.yaml')).toThrow(/sourcse: unknown key/);
  });

  test('a missing or wrong key inside a section is named with its path', () => {
    expect(() => parseConfigText('sources:\n  - kind: mqtt\n', 'x.yaml')).toThrow(/sources\/0\/id: is required/);
    expect(() => parseConfigText('sources:\n  - id: a\n    kind: ftp\n', 'x.yaml')).toThrow(/sources\/0\/kind/);
  });

  test('broken YAML, a missing file and a non-mapping top level are clear errors', () => {
    expect(() => parseConfigText('sources: [\n', 'x.yaml')).toThrow(ConfigFileError);
    expect(() => loadConfig({ ZHIHUI_CONFIG: path.join(dir, 'absent.yaml') })).toThrow(/cannot be read \(ENOENT\)/);
    expect(() => parseConfigText('- 1\n- 2\n', 'x.yaml')).toThrow(/top level must be a mapping/);
  });
});
