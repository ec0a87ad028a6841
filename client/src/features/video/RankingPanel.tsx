import { useMemo } from 'react';
import { t, wallLabel } from '../../lib/i18n';
import { EChart } from '../../ui/EChart';
import { Panel } from '../../ui/Panel';
import type { SectionProps } from '../../lib/section';
import { downByReason, rankingOption, rankingRows } from './videoOptions';

/** 运行率排名: child regions by rate; on a township wall, its down channels by reason. */
export function RankingPanel(p: SectionProps) {
  const s = p.snapshot;
  const { children, childFigures } = s;
  const rows = useMemo(() => rankingRows({ children, childFigures }), [children, childFigures]);
  const option = useMemo(() => rankingOption(rows), [rows]);
  const reasons = useMemo(
    () => (s.children.length === 0 ? downByReason(s.cameras) : []),
    [s.children.length, s.cameras],
  );
  return (
    <Panel
      title={s.children.length > 0 ? t('panel.ranking') : t('panel.downReasons')}
      testId="panel-ranking"
      stale={p.stale}
      changedAt={p.changedAt}
      currentAt={p.currentAt}
    >
      {s.children.length > 0 ? (
        <EChart option={option} className="chart" testId="ranking-chart" />
      ) : (
        <ul className="reasons">
          {reasons.length === 0 && <li className="reasons__none">{t('video.noneDown')}</li>}
          {reasons.map((r) => (
            <li key={r.reason} className="reasons__row">
              <span className="reasons__name">
                {r.reason === 'none' ? wallLabel('state', 'unknown') : wallLabel('reason', r.reason)}
              </span>
              <b>
                {r.n}
                <small>{t('unit.channels')}</small>
              </b>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
