import { formatRate } from '@zhihui/shared';
import { getLocale } from '../../lib/i18n';
import { useFetch } from '../../lib/useFetch';
import { meetingApi } from './meetingApi';

/** 'YYYY-MM' (Beijing) of the last instant of a period ending at `to`. */
const monthBefore = (to: string) => new Date(Date.parse(to) - 1 + 8 * 3_600_000).toISOString().slice(0, 7);

/**
 * 评事 in the meeting: the month's red and black list of the villages under this region (说事儿),
 * with the figures behind each score. Shown only where appeals were heard that month.
 */
export function VillageBoardPanel(props: { code: string; periodTo: string }) {
  const month = monthBefore(props.periodTo);
  const q = useFetch(`${props.code}|${month}`, (signal) => meetingApi.villageBoard(props.code, month, signal));
  const board = q.error === null && q.data && q.data.villages.length > 0 ? q.data : null;
  if (!board) return null;
  const en = getLocale() === 'en';
  const c = board.criteria;
  const top = board.villages.filter((v) => board.red.includes(v.village));
  const bottom = board.black.map((name) => board.villages.find((v) => v.village === name)!).filter(Boolean);
  const list = (title: string, tone: 'red' | 'black', rows: typeof top) => (
    <div className={`mt-board__list mt-board__list--${tone}`} data-testid={`board-${tone}`}>
      <h3>{title}</h3>
      <ol>
        {rows.map((v) => (
          <li key={v.village}>
            <b>{v.village}</b>
            <span>
              {en ? 'resolved' : '办结率'} {formatRate(v.resolutionRate)} · {en ? 'overdue' : '超期'} {v.overdue} ·{' '}
              {en ? 'repeat' : '重复'} {v.repeats} · {en ? 'appeals' : '诉求'} {v.appeals}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
  return (
    <section className="mt-panel mt-board" data-testid="village-board">
      <div className="mt-panel__head">
        <h2>{en ? `Villages' red and black list, ${month}` : `说事儿 · ${month.replace('-', '年')}月村级红黑榜`}</h2>
        <span className="mt-muted">
          {en
            ? `score = resolution rate × ${c.rate} − overdue share × ${c.overdue} − repeat share × ${c.repeats}`
            : `得分 = 办结率×${c.rate} − 超期占比×${c.overdue} − 重复诉求占比×${c.repeats}`}
        </span>
      </div>
      <div className="mt-board__lists">
        {list(en ? 'Red list' : '红榜', 'red', top)}
        {list(en ? 'Black list' : '黑榜', 'black', bottom)}
      </div>
    </section>
  );
}
