import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** File in DATA_DIR holding the development demo key, so it stays the same from one start to the next. */
export const DEMO_KEY_FILE = 'demo-key';

/** Where the demo key of this start came from; `fresh` when it was created just now (the first start). */
export interface DemoKey {
  source: 'env' | 'file';
  fresh: boolean;
  file: string | null;
}

/**
 * Settles the demo write key of a development server before it starts: DEMO_KEY when set,
 * otherwise the one kept in DATA_DIR/demo-key (created, readable by its owner only, on the first
 * start). It is put into `env.DEMO_KEY` for loadConfig. Production (NODE_ENV=production) and
 * API_KEYS have no demo key: null.
 */
export function settleDemoKey(env: NodeJS.ProcessEnv): DemoKey | null {
  if (env.API_KEYS || env.NODE_ENV === 'production') return null;
  if (env.DEMO_KEY) return { source: 'env', fresh: false, file: null };
  const dir = path.resolve(env.DATA_DIR ?? './data');
  const file = path.join(dir, DEMO_KEY_FILE);
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept) {
      env.DEMO_KEY = kept;
      return { source: 'file', fresh: false, file };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dir, { recursive: true });
  const key = `demo-${randomBytes(12).toString('base64url')}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  env.DEMO_KEY = key;
  return { source: 'file', fresh: true, file };
}
