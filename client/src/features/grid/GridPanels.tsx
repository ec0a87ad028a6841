import { formatRate, type MediationFigures } from '@zhihui/shared';
import { label, t } from '../../lib/i18n';
import type { SectionProps } from '../../lib/section';
import { FitText } from '../../ui/FitText';
import { Panel } from '../../ui/Panel';
import { useCanvas } from '../../ui/ScaledCanvas';
import { gridFigures, mediationBreakdown, type MediationPart } from './gridData';

/** 网格化管理 and 矛盾纠纷调解: workers on duty, today's reports, mediation and appeals. */
export function GridPanel(p: SectionProps) {
  const g = gridFigures(p.snapshot.figures);
  // The 32:9 wall's column is as wide but twice as tall: room for the cases by outcome.
  const wide = useCanvas().layout === 'wide';
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
      {wide && <MediationBreakdown m={p.snapshot.figures.recent.mediation} />}
      <div className="mediation">
        <div className="mediation__rate">
          <FitText className="mediation__value" testId="mediation-rate">
            {formatRate(g.mediationRate)}
          </FitText>
          <span className="mediation__label">{t('grid.mediation')}</span>
        </div>
        <div className="mediation__side">
          {/* The breakdown above already counts the cases on a 32:9 wall. */}
          {!wide && (
            <MediationLine
              name={t('grid.cases')}
              value={t('grid.success', { n: g.mediationSuccess, total: g.mediationCases })}
            />
          )}
          <MediationLine
            name={t('grid.appeals')}
            value={t('grid.appealFigures', { collected: g.appealsCollected, resolved: g.appealsResolved })}
          />
        </div>
      </div>
    </Panel>
  );
}

const PART_LABEL: Record<MediationPart, () => string> = {
  success: () => label('outcome', 'success'),
  failed: () => label('outcome', 'failed'),
  court: () => label('outcome', 'court'),
  pending: () => t('grid.pending'),
};

/** The half-year's dispute cases as one stacked bar by outcome, with the count of each. */
function MediationBreakdown(props: { m: MediationFigures }) {
  const rows = mediationBreakdown(props.m);
  return (
    <div className="breakdown" data-testid="mediation-breakdown">
      <div className="breakdown__head">
        <span>{t('grid.breakdown')}</span>
        <b>{props.m.cases.toLocaleString('en-US')}</b>
      </div>
      <div className="breakdown__bar">
        {rows.map((r) =>
          r.n > 0 ? (
            <span key={r.part} className={`breakdown__seg breakdown--${r.part}`} style={{ flexGrow: r.share }} />
          ) : null,
        )}
      </div>
      <div className="breakdown__legend">
        {rows.map((r) => (
          <span key={r.part} className={`breakdown__item breakdown--${r.part}`}>
            <i className="breakdown__swatch" />
            <span className="breakdown__name">{PART_LABEL[r.part]()}</span>
            <b className="breakdown__n">{r.n.toLocaleString('en-US')}</b>
          </span>
        ))}
      </div>
    </div>
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
