import { useMemo } from 'react';
import { formatRate } from '@zhihui/shared';
import { useNow } from '../../lib/clock';
import { t, wallLabel } from '../../lib/i18n';
import { AnimatedNumber } from '../../ui/AnimatedNumber';
import { FitText } from '../../ui/FitText';
import { Panel } from '../../ui/Panel';
import { useCanvas } from '../../ui/ScaledCanvas';
import type { SectionProps } from '../../lib/section';
import { categoryRows, openCounts, STAGES } from './clueData';

/** 今日线索: today's count, open and overdue, by category and by stage. */
export function CluesPanel(p: SectionProps) {
  const now = useNow();
  const minute = Math.floor(now / 60_000);
  const f = p.snapshot.figures.today.clues;
  const cats = useMemo(() => categoryRows(f), [f]);
  const counts = useMemo(() => openCounts(p.snapshot.clues, minute * 60_000), [p.snapshot.clues, minute]);
  // The 32:9 wall's column is twice as tall: every category, under captions, instead of the top six.
  const wide = useCanvas().layout === 'wide';
  return (
    <Panel
      title={t('panel.clues')}
      testId="panel-clues"
      stale={p.stale}
      changedAt={p.changedAt}
      currentAt={p.currentAt}
    >
      <div className="clues__top">
        <div className="figure figure--hero">
          <FitText className="figure__value">
            <AnimatedNumber value={f.total} testId="clues-today" />
          </FitText>
          <span className="figure__label">{t('clues.today')}</span>
        </div>
        <div className="figure">
          <FitText className="figure__value figure__value--mid">{counts.open}</FitText>
          <span className="figure__label">{t('clues.open')}</span>
        </div>
        <div className={`figure ${counts.overdue > 0 ? 'figure--alarm' : ''}`}>
          <FitText className="figure__value figure__value--mid" testId="clues-overdue">
            {counts.overdue}
          </FitText>
          <span className="figure__label">{t('clues.overdue')}</span>
        </div>
        <div className="figure">
          <FitText className="figure__value figure__value--mid" testId="clues-resolved-rate">
            {formatRate(f.resolvedRate, 0)}
          </FitText>
          <span className="figure__label">{t('clues.resolvedRate')}</span>
        </div>
      </div>
      {wide && <div className="section-caption">{t('clues.byCategory')}</div>}
      <div className="cats">
        {(wide ? cats : cats.slice(0, 6)).map((c) => (
          <div className={`cat cat--${c.category}`} key={c.category}>
            <span className="cat__name">{wallLabel('category', c.category)}</span>
            <span className="cat__bar">
              <span className="cat__fill" style={{ width: `${Math.round(c.share * 100)}%` }} />
            </span>
            <span className="cat__n">{c.n}</span>
          </div>
        ))}
      </div>
      {wide && <div className="section-caption section-caption--stages">{t('clues.byStage')}</div>}
      <div className="stages" data-testid="clue-stages">
        {STAGES.map((st) => (
          <div className="stage" key={st}>
            <span className="stage__n">{f.byStatus[st] ?? 0}</span>
            <span className="stage__name">{wallLabel('status', st)}</span>
          </div>
        ))}
      </div>
    </Panel>
  );
}
