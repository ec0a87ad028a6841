import { useEffect, useMemo, useState } from 'react';
import { useNow } from '../../lib/clock';
import { t, wallLabel } from '../../lib/i18n';
import { dayLabel, shortTime } from '../../lib/time';
import { Panel } from '../../ui/Panel';
import { useFitRows } from '../../ui/useFitRows';
import type { SectionProps } from '../../lib/section';
import { latestClues, regionNameOf } from './clueData';

const ROW_STEP_MS = 4000;
const ROW_PX = 60;
const ROW_GAP = 6;

/** 最新线索: the newest clues, stepping up one row every few seconds when they do not all fit. */
export function ClueListPanel(p: SectionProps) {
  const now = useNow();
  const minute = Math.floor(now / 60_000);
  const rows = useMemo(() => latestClues(p.snapshot.clues, minute * 60_000, 20), [p.snapshot.clues, minute]);
  const names = useMemo(
    () =>
      new Map([
        [p.snapshot.region.code, p.snapshot.region.name],
        ...p.snapshot.children.map((c) => [c.code, c.name] as const),
      ]),
    [p.snapshot.region, p.snapshot.children],
  );
  const [listRef, visible] = useFitRows<HTMLDivElement>(ROW_PX, ROW_GAP, 5);
  const todayFrom = Date.parse(p.snapshot.periods.today.from);
  const scrolls = rows.length > visible;
  // The newest clue always shows on top when it arrives: the scroll belongs to one newest clue
  // and restarts from the top with the next one.
  const newest = rows[0]?.id;
  const [scroll, setScroll] = useState({ newest, offset: 0 });
  const offset = scrolls && scroll.newest === newest ? scroll.offset : 0;
  useEffect(() => {
    if (!scrolls) return;
    const id = setInterval(
      () => setScroll((s) => ({ newest, offset: ((s.newest === newest ? s.offset : 0) + 1) % rows.length })),
      ROW_STEP_MS,
    );
    return () => clearInterval(id);
  }, [scrolls, rows.length, newest]);
  const shown = scrolls ? Array.from({ length: visible }, (_, k) => rows[(offset + k) % rows.length]!) : rows;
  return (
    <Panel
      title={t('panel.clueList')}
      testId="panel-clue-list"
      stale={p.stale}
      changedAt={p.changedAt}
      currentAt={p.currentAt}
    >
      <div className="fill" ref={listRef}>
        {rows.length === 0 ? (
          <div className="empty">{t('clues.none')}</div>
        ) : (
          <ul className="cluelist">
            {shown.map((r, k) => (
              <li
                key={`${r.id}-${k}`}
                className={`cluelist__row ${r.overdue ? 'cluelist__row--overdue' : ''} ${r.id === newest && k === 0 ? 'cluelist__row--new' : ''}`}
              >
                <span className={`cluelist__cat cat--${r.category}`}>{wallLabel('category', r.category)}</span>
                <span className="cluelist__title" title={r.title}>
                  {r.urgent && <em className="cluelist__urgent">{t('clues.urgent')}</em>}
                  {r.title}
                </span>
                <span className="cluelist__meta">
                  <span className="cluelist__region">{regionNameOf(r.regionCode, names)}</span>
                  <span className={`cluelist__status cluelist__status--${r.status}`}>
                    {r.overdue ? t('clues.overdueMark') : wallLabel('status', r.status)}
                  </span>
                  <span className="cluelist__time">
                    {r.reportedAt >= todayFrom ? shortTime(r.reportedAt) : dayLabel(r.reportedAt, todayFrom)}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Panel>
  );
}
