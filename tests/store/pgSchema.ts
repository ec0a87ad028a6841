import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** Where the PostgreSQL tests run; CI exports it. Unset means those tests are skipped (loudly). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? '';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? '';

/** A URL whose sessions use `schema` first: parallel runs never see each other's tables. */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** A fresh, uniquely named schema; `drop` removes it with everything in it. */
export async function freshSchema(
  url: string,
  tag = 't',
): Promise<{ schema: string; url: string; drop: () => Promise<void> }> {
  const schema = `zh_${tag}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  return {
    schema,
    url: withSearchPath(url, schema),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
