import { describe } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresStore } from '../../server/src/store/postgres/index.js';
import { createSqliteStore } from '../../server/src/store/sqlite/index.js';
import type { Store } from '../../server/src/store/types.js';
import { storeContract, type StoreHandle } from './contract.js';
import { TEST_DATABASE_URL, freshSchema } from './pgSchema.js';

/**
 * SQLite, with the history's recent table merged into the long one at its default size, and at
 * every event and every third one: the contract then runs across tables, with late reports
 * reading, re-chaining and dropping events on either side of a merge.
 */
for (const [name, mergeAt] of [
  ['sqlite', undefined],
  ['sqlite, history merged at every event', 1],
  ['sqlite, history merged every 3 events', 3],
] as const) {
  storeContract(name, async (): Promise<StoreHandle> => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zh-store-'));
    const file = path.join(dir, 'zhihui.db');
    let store: Store = await createSqliteStore(file, { mergeAt });
    return {
      store,
      reopen: async () => {
        await store.close();
        store = await createSqliteStore(file, { mergeAt });
        return store;
      },
      destroy: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}

if (TEST_DATABASE_URL) {
  storeContract('postgres', async (): Promise<StoreHandle> => {
    const db = await freshSchema(TEST_DATABASE_URL, 'store');
    let store: Store = await createPostgresStore(db.url);
    return {
      store,
      reopen: async () => {
        await store.close();
        store = await createPostgresStore(db.url);
        return store;
      },
      destroy: async () => {
        await store.close();
        await db.drop();
      },
    };
  });
} else {
  console.warn('tests/store: TEST_DATABASE_URL is not set, the PostgreSQL half of the store contract is skipped');
  describe.skip('Store contract: postgres (TEST_DATABASE_URL not set)', () => {});
}
