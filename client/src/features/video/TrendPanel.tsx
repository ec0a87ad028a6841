import { useMemo } from 'react';
import { getLocale, t } from '../../lib/i18n';
import { shanghaiHour } from '../../lib/time';
import { EChart } from '../../ui/EChart';
import { Panel } from '../../ui/Panel';
import type { SectionProps } from '../../lib/section';
import { trendOption } from './videoOptions';

const hourLabel = (sec: number): string => {
  const h = shanghaiHour(sec * 1000);
  return getLocale() === 'en' ? `${String(h).padStart(2, '0')}:00` : `${h}时`;
};

/** 24小时运行率 from the snapshot's hourly trend. */
export function TrendPanel(p: SectionProps) {
  const option = useMemo(() => trendOption(p.snapshot.trend, hourLabel), [p.snapshot.trend]);
  return (
    <Panel
      title={t('panel.trend')}
      testId="panel-trend"
      stale={p.stale}
      changedAt={p.changedAt}
      currentAt={p.currentAt}
    >
      <EChart option={option} className="chart" testId="trend-chart" />
    </Panel>
  );
}
