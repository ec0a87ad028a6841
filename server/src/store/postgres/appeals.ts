import type pg from 'pg';
import type { Appeal, Topic } from '@zhihui/shared';
import type { AuditEntry } from '../types.js';
import type { AppealStore } from '../sqlite/appeals.js';

type Tx = <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>;
type InsertAudit = (db: pg.PoolClient, entries: readonly AuditEntry[]) => Promise<void>;

/** Appeals and topics on PostgreSQL: filter columns plus the record as jsonb (as on SQLite). */
export function postgresAppeals(pool: pg.Pool, tx: Tx, insertAudit: InsertAudit): AppealStore {
  return {
    async putAppeals(rows, audit) {
      await tx(async (c) => {
        if (rows.length > 0) {
          await c.query(
            `INSERT INTO appeals (id, region, heard_at, topic_id, doc)
             SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::jsonb[])
             ON CONFLICT (id) DO UPDATE SET region = excluded.region, heard_at = excluded.heard_at, topic_id = excluded.topic_id, doc = excluded.doc`,
            [
              rows.map((a) => a.id),
              rows.map((a) => a.region),
              rows.map((a) => new Date(Date.parse(a.heardAt))),
              rows.map((a) => a.topicId),
              rows.map((a) => JSON.stringify(a)),
            ],
          );
        }
        if (audit) await insertAudit(c, [audit]);
      });
    },
    async getAppeal(id) {
      const r = (await pool.query<{ doc: Appeal }>('SELECT doc FROM appeals WHERE id = $1', [id])).rows[0];
      return r ? r.doc : null;
    },
    async listAppeals(q) {
      const { rows } = await pool.query<{ doc: Appeal }>(
        `SELECT doc FROM appeals
         WHERE ($1::timestamptz IS NULL OR heard_at >= $1) AND ($2::timestamptz IS NULL OR heard_at < $2)
           AND ($3::text IS NULL OR topic_id = $3) AND ($4::text[] IS NULL OR region = ANY($4))
         ORDER BY heard_at, id`,
        [
          q.from ? new Date(Date.parse(q.from)) : null,
          q.to ? new Date(Date.parse(q.to)) : null,
          q.topicId ?? null,
          q.regions ?? null,
        ],
      );
      return rows.map((r) => r.doc);
    },
    async putTopic(t, audit) {
      await tx(async (c) => {
        await c.query(
          `INSERT INTO appeal_topics (id, region, meeting_date, doc) VALUES ($1, $2, $3, $4::jsonb)
           ON CONFLICT (id) DO UPDATE SET region = excluded.region, meeting_date = excluded.meeting_date, doc = excluded.doc`,
          [t.id, t.region, t.meetingDate, JSON.stringify(t)],
        );
        if (audit) await insertAudit(c, [audit]);
      });
    },
    async getTopic(id) {
      const r = (await pool.query<{ doc: Topic }>('SELECT doc FROM appeal_topics WHERE id = $1', [id])).rows[0];
      return r ? r.doc : null;
    },
    async listTopics(q) {
      const { rows } = await pool.query<{ doc: Topic }>(
        `SELECT doc FROM appeal_topics
         WHERE ($1::text IS NULL OR meeting_date >= $1) AND ($2::text IS NULL OR meeting_date < $2) AND ($3::text[] IS NULL OR region = ANY($3))
         ORDER BY meeting_date, id`,
        [q.from ?? null, q.to ?? null, q.regions ?? null],
      );
      return rows.map((r) => r.doc);
    },
  };
}
