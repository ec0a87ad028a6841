import { formatRate } from '@zhihui/shared';
import { t } from '../../lib/i18n';
import type { SectionProps } from '../../lib/section';
import { FitText } from '../../ui/FitText';
import { Panel } from '../../ui/Panel';
import { gridFigures } from './gridData';

/** 网格化管理 and 矛盾纠纷调解: workers on duty, today's reports, mediation and appeals. */
export function GridPanel(p: SectionProps) {
  const g = gridFigures(p.snapshot.figures);
  return (
    <Panel title={t('panel.grid')} testId="panel-grid" stale={p.stale} changedAt={p.changedAt} currentAt={p.currentAt}>
      <div className="grid-figs">
        <div className="figure">
          <FitText className="figure__value" testId="grid-on-duty">
            {g.onDuty}
            <small>/{g.workers}</small>
          </FitText>
          <span className="figure__label">{t('grid.onDuty')}</span>
          <span className="meter">
            <span className="meter__fill" style={{ width: `${Math.round((g.onDutyShare ?? 0) * 100)}%` }} />
          </span>
        </div>
        <div className="figure">
          <FitText className="figure__value">{g.reports}</FitText>
          <span className="figure__label">{t('grid.reports')}</span>
        </div>
      </div>
      <div className="mediation">
        <div className="mediation__rate">
          <FitText className="mediation__value" testId="mediation-rate">
            {formatRate(g.mediationRate)}
          </FitText>
          <span className="mediation__label">{t('grid.mediation')}</span>
        </div>
        <div className="mediation__side">
          <MediationLine name={t('grid.cases')} value={t('grid.success', { n: g.mediationSuccess, total: g.mediationCases })} />
          <MediationLine name={t('grid.appeals')} value={t('grid.appealFigures', { collected: g.appealsCollected, resolved: g.appealsResolved })} />
        </div>
      </div>
    </Panel>
  );
}

/** A label and its figures on one line; the figures give way last, and then keep a tooltip. */
function MediationLine(props: { name: string; value: string }) {
  return (
    <div className="mediation__line">
      <span className="mediation__name">{props.name}</span>
      <b title={props.value}>{props.value}</b>
    </div>
  );
}
