import { countedChannels, formatRate } from '@zhihui/shared';
import { useNow } from '../../lib/clock';
import { t } from '../../lib/i18n';
import { todayRateAt } from './todayRate';
import { FitText } from '../../ui/FitText';
import { Panel } from '../../ui/Panel';
import { rateBandKey, rateColor } from '../../lib/rateBands';
import type { SectionProps } from '../../lib/section';

/** 公共视频: the operational rate as the wall's headline figure, with the counts behind it. */
export function VideoOverviewPanel(p: SectionProps) {
  const c = p.snapshot.figures.today.cameras;
  const counted = countedChannels(c);
  const pct = c.operationalRate === null ? 0 : c.operationalRate * 100;
  const now = useNow();
  const today = todayRateAt(p.snapshot, p.currentAt, now, p.stale);
  return (
    <Panel
      title={t('panel.video')}
      testId="panel-video"
      stale={p.stale}
      changedAt={p.changedAt}
      currentAt={p.currentAt}
    >
      <div className="video">
        <div className={`gauge gauge--${rateBandKey(c.operationalRate)}`} style={{ ['--pct' as string]: `${pct}` }}>
          <div className="gauge__inner">
            <div className="gauge__label">{t('video.rate')}</div>
            <FitText className="gauge__value" testId="operational-rate" align="center">
              {formatRate(c.operationalRate)}
            </FitText>
            <div className="gauge__sub" data-testid="operational-counts">
              {c.online}/{counted}
            </div>
          </div>
        </div>
        <div className="video__counts">
          <div className="stat stat--today" data-testid="today-rate">
            <span className="stat__label" title={t('video.todayRate')}>
              {t('video.todayRate')}
            </span>
            <b className="stat__value" style={{ color: rateColor(today) }}>
              {formatRate(today)}
            </b>
          </div>
          <Stat cls="online" label={t('video.online')} value={c.online} />
          <Stat cls="offline" label={t('video.offline')} value={c.offline} />
          {/* 失联 are the merely silent; those behind a platform that is down are shown apart, not counted (#11). */}
          <Stat cls="unknown" label={t('video.unknown')} value={c.unknown - c.sourceDown} />
          <Stat cls="maint" label={t('video.maintenance')} value={c.maintenance} />
          <div className="stat stat--srcdown" data-testid="source-down">
            <span className="stat__label" title={t('video.sourceDown')}>
              {t('video.sourceDown')}
            </span>
            <b className="stat__value">{c.sourceDown.toLocaleString('en-US')}</b>
          </div>
        </div>
      </div>
      <div className="rectify" data-testid="rectification">
        <span className="rectify__title">{t('video.rectification')}</span>
        <span className="rectify__item rectify__item--up">
          {t('video.repaired')} <b>{c.repaired}</b>
        </span>
        <span className="rectify__item rectify__item--down">
          {t('video.newlyFailed')} <b>{c.newlyFailed}</b>
        </span>
      </div>
    </Panel>
  );
}

function Stat(props: { cls: string; label: string; value: number }) {
  return (
    <div className={`stat stat--${props.cls}`}>
      <FitText className="stat__value">{props.value.toLocaleString('en-US')}</FitText>
      <span className="stat__label">{props.label}</span>
    </div>
  );
}
