#!/usr/bin/env node
/**
 * Rewrites the server's SQLite store (DATA_DIR/zhihui.db) with the page size new files get
 * (8 KiB; README, Performance, round thirteen). For a store made before; run it with the server
 * stopped. PostgreSQL (DATABASE_URL) has nothing to do here.
 *
 *   npm run repage
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/env.js';
import { PAGE_SIZE } from '../store/sqlite/index.js';
import { repageSqlite } from '../store/sqlite/repage.js';

const config = loadConfig(process.env);
if (config.databaseUrl) {
  console.error('DATABASE_URL is set: the store is PostgreSQL, which has no SQLite pages to rewrite.');
  process.exit(2);
}
const file = path.join(config.dataDir, 'zhihui.db');
if (!existsSync(file)) {
  console.error(`no store at ${file} (DATA_DIR): nothing to rewrite`);
  process.exit(2);
}
const mb = (b: number) => (b / 1048576).toFixed(1);
try {
  const r = repageSqlite(file, PAGE_SIZE);
  console.log(
    r.before === r.after
      ? `${file}: already ${r.after}-byte pages, left as it was (${mb(r.bytesAfter)} MB)`
      : `${file}: pages ${r.before} → ${r.after} bytes, ${mb(r.bytesBefore)} → ${mb(r.bytesAfter)} MB`,
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
