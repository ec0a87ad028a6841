import { countedChannels } from '@zhihui/shared';
import { rateColor } from '../../lib/rateBands';
import { fmtValue } from './format';
import type { Ranking } from './meetingApi';
import type { Metric } from './meetingParams';
import { mt } from './meetingText';
import { Delta, valueOf } from './RankingTable';

const KPIS: { metric: Metric; key: Parameters<typeof mt>[0] }[] = [
  { metric: 'rate', key: 'kpi.rate' },
  { metric: 'down', key: 'kpi.down' },
  { metric: 'repaired', key: 'kpi.repaired' },
  { metric: 'received', key: 'kpi.received' },
  { metric: 'resolvedRate', key: 'kpi.resolvedRate' },
  { metric: 'overdue', key: 'kpi.overdue' },
  { metric: 'mediationRate', key: 'kpi.mediationRate' },
  { metric: 'appealsResolved', key: 'kpi.appealsResolved' },
];

/** The region's own figures for the period, each with its change against the previous period. */
export function KpiRow(props: { total: NonNullable<Ranking['total']> }) {
  const { total } = props;
  return (
    <section className="mt-kpis" data-testid="kpis">
      {KPIS.map(({ metric, key }) => {
        const v = valueOf(total.current, metric);
        return (
          <div className="mt-kpi" key={metric} data-testid={`kpi-${metric}`}>
            <div className="mt-kpi__label">{mt(key)}</div>
            <div className="mt-kpi__value" style={metric === 'rate' ? { color: rateColor(v) } : undefined}>
              {fmtValue(metric, v)}
            </div>
            <div className="mt-kpi__foot">
              {metric === 'rate' && (
                <span className="mt-muted">
                  {total.current.cameras.online}/{countedChannels(total.current.cameras)}
                </span>
              )}
              {metric === 'down' && total.current.cameras.sourceDown > 0 && (
                <span className="mt-muted" data-testid="kpi-source-down">
                  {mt('sourceDown', { n: total.current.cameras.sourceDown })}
                </span>
              )}
              <Delta metric={metric} d={total.delta[metric]} />
            </div>
          </div>
        );
      })}
    </section>
  );
}
