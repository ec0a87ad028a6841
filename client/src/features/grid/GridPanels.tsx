import { formatRate } from '@zhihui/shared';
import { t } from '../../lib/i18n';
import type { SectionProps } from '../../lib/section';
import { Panel } from '../../ui/Panel';
import { gridFigures } from './gridData';

/** 网格化管理 and 矛盾纠纷调解: workers on duty, today's reports, mediation and appeals. */
export function GridPanel(p: SectionProps) {
  const g = gridFigures(p.snapshot.figures);
  return (
    <Panel title={t('panel.grid')} testId="panel-grid" stale={p.stale} changedAt={p.changedAt} currentAt={p.currentAt}>
      <div className="grid-figs">
        <div className="figure">
          <span className="figure__value" data-testid="grid-on-duty">
            {g.onDuty}
            <small>/{g.workers}</small>
          </span>
          <span className="figure__label">{t('grid.onDuty')}</span>
          <span className="meter">
            <span className="meter__fill" style={{ width: `${Math.round((g.onDutyShare ?? 0) * 100)}%` }} />
          </span>
        </div>
        <div className="figure">
          <span className="figure__value">{g.reports}</span>
          <span className="figure__label">{t('grid.reports')}</span>
        </div>
      </div>
      <div className="mediation">
        <div className="mediation__rate">
          <span className="mediation__value" data-testid="mediation-rate">
            {formatRate(g.mediationRate)}
          </span>
          <span className="mediation__label">{t('grid.mediation')}</span>
        </div>
        <div className="mediation__side">
          <div className="mediation__line">
            <span>{t('grid.cases')}</span>
            <b>{t('grid.success', { n: g.mediationSuccess, total: g.mediationCases })}</b>
          </div>
          <div className="mediation__line">
            <span>{t('grid.appeals')}</span>
            <b>
              {t('grid.collected')} {g.appealsCollected} · {t('grid.resolved')} {g.appealsResolved}
            </b>
          </div>
        </div>
      </div>
    </Panel>
  );
}
