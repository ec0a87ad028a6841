import type Database from 'better-sqlite3';
import type { Appeal, Topic } from '@zhihui/shared';
import type { AuditEntry, Store } from '../types.js';

/** The part of the Store that keeps 说事儿's appeals and topics. */
export type AppealStore = Pick<
  Store,
  'putAppeals' | 'getAppeal' | 'listAppeals' | 'putTopic' | 'getTopic' | 'listTopics'
>;

const ms = (iso: string): number => {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) throw new RangeError(`not a time: ${iso}`);
  return t;
};

/**
 * Appeals and topics on SQLite: the columns the queries filter on (region, time, topic) and the
 * record as JSON; the record is the shared Appeal/Topic type, validated before it gets here.
 */
export function sqliteAppeals(
  db: Database.Database,
  st: (sql: string) => Database.Statement,
  insertAudit: (e: AuditEntry) => void,
): AppealStore {
  const inList = (col: string, regions: readonly string[] | undefined, params: Record<string, unknown>): string => {
    if (!regions) return '';
    params.regions = JSON.stringify(regions);
    return ` AND ${col} IN (SELECT value FROM json_each(@regions))`;
  };
  return {
    async putAppeals(rows, audit) {
      db.transaction(() => {
        const put = st(
          'INSERT INTO appeals (id, region, heard_at, topic_id, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET region = excluded.region, heard_at = excluded.heard_at, topic_id = excluded.topic_id, doc = excluded.doc',
        );
        for (const a of rows) put.run(a.id, a.region, ms(a.heardAt), a.topicId, JSON.stringify(a));
        if (audit) insertAudit(audit);
      })();
    },
    async getAppeal(id) {
      const r = st('SELECT doc FROM appeals WHERE id = ?').get(id) as { doc: string } | undefined;
      return r ? (JSON.parse(r.doc) as Appeal) : null;
    },
    async listAppeals(q) {
      const params: Record<string, unknown> = {};
      let sql = 'SELECT doc FROM appeals WHERE 1 = 1';
      if (q.from) {
        params.from = ms(q.from);
        sql += ' AND heard_at >= @from';
      }
      if (q.to) {
        params.to = ms(q.to);
        sql += ' AND heard_at < @to';
      }
      if (q.topicId) {
        params.topic = q.topicId;
        sql += ' AND topic_id = @topic';
      }
      sql += inList('region', q.regions, params);
      return (st(sql + ' ORDER BY heard_at, id').all(params) as { doc: string }[]).map(
        (r) => JSON.parse(r.doc) as Appeal,
      );
    },
    async putTopic(t, audit) {
      db.transaction(() => {
        st(
          'INSERT INTO appeal_topics (id, region, meeting_date, doc) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET region = excluded.region, meeting_date = excluded.meeting_date, doc = excluded.doc',
        ).run(t.id, t.region, t.meetingDate, JSON.stringify(t));
        if (audit) insertAudit(audit);
      })();
    },
    async getTopic(id) {
      const r = st('SELECT doc FROM appeal_topics WHERE id = ?').get(id) as { doc: string } | undefined;
      return r ? (JSON.parse(r.doc) as Topic) : null;
    },
    async listTopics(q) {
      const params: Record<string, unknown> = {};
      let sql = 'SELECT doc FROM appeal_topics WHERE 1 = 1';
      if (q.from) {
        params.from = q.from;
        sql += ' AND meeting_date >= @from';
      }
      if (q.to) {
        params.to = q.to;
        sql += ' AND meeting_date < @to';
      }
      sql += inList('region', q.regions, params);
      return (st(sql + ' ORDER BY meeting_date, id').all(params) as { doc: string }[]).map(
        (r) => JSON.parse(r.doc) as Topic,
      );
    },
  };
}
