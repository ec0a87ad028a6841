import { countedChannels, type RegionFigures } from '@zhihui/shared';
import { rateColor } from '../../lib/rateBands';
import type { Ranking } from './meetingApi';
import { fmtDelta, fmtRate, fmtValue } from './format';
import type { MeetingState, Metric } from './meetingParams';
import { metricName, mt } from './meetingText';

const valueOf = (f: RegionFigures, m: Metric): number | null => {
  switch (m) {
    case 'rate':
      return f.cameras.timeWeightedRate;
    case 'down':
      return f.cameras.offline + f.cameras.unknown;
    case 'repaired':
      return f.cameras.repaired;
    case 'received':
      return f.clues.total;
    case 'resolved':
      return f.clues.byStatus.resolved + f.clues.byStatus.closed;
    case 'overdue':
      return f.clues.overdue;
    case 'resolvedRate':
      return f.clues.resolvedRate;
    case 'mediationRate':
      return f.mediation.successRate;
    case 'appealsResolved':
      return f.clues.appeals.resolved;
  }
};
export { valueOf };

const COLUMNS: Metric[] = [
  'rate',
  'down',
  'repaired',
  'received',
  'resolved',
  'overdue',
  'resolvedRate',
  'mediationRate',
  'appealsResolved',
];

export function Delta(props: { metric: Metric; d: number | null }) {
  const x = fmtDelta(props.metric, props.d);
  return (
    <span className={`mt-delta mt-delta--${x.tone}`}>
      {x.arrow && <span className="mt-delta__arrow">{x.arrow}</span>}
      {x.text}
    </span>
  );
}

type Row = Ranking['rows'][number];

/** The column heads, each a sort button that shows the current sort. */
function RankingHead({ state, onSort }: { state: MeetingState; onSort: (m: Metric) => void }) {
  return (
    <thead>
      <tr>
        <th className="mt-col-rank">{mt('rank')}</th>
        <th className="mt-col-name">{mt('region')}</th>
        {COLUMNS.map((m) => (
          <th
            key={m}
            className={`mt-sortable ${state.sort === m ? 'mt-sorted' : ''}`}
            aria-sort={state.sort === m ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
          >
            <button type="button" onClick={() => onSort(m)} data-testid={`sort-${m}`}>
              {metricName(m)}
              <span className="mt-sort-mark">{state.sort === m ? (state.dir === 'asc' ? '↑' : '↓') : '↕'}</span>
            </button>
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** One figure of a child region, with its change (the rate with n/N, the down count with source-down). */
function FigureCell({ r, m, sorted }: { r: Row; m: Metric; sorted: boolean }) {
  const v = valueOf(r.current, m);
  return (
    <td className={`mt-num ${sorted ? 'mt-sorted' : ''}`} data-metric={m} data-value={v === null ? '' : String(v)}>
      <div className="mt-cell">
        <span className="mt-cell__value" style={m === 'rate' ? { color: rateColor(v) } : undefined}>
          {fmtValue(m, v)}
        </span>
        {m === 'rate' && (
          <span className="mt-cell__sub">
            {r.current.cameras.online}/{countedChannels(r.current.cameras)}
          </span>
        )}
        {m === 'down' && r.current.cameras.sourceDown > 0 && (
          <span className="mt-cell__sub" data-testid="ranking-source-down">
            {mt('sourceDown', { n: r.current.cameras.sourceDown })}
          </span>
        )}
        <Delta metric={m} d={r.delta[m]} />
      </div>
    </td>
  );
}

/** The region's own total under the ranking. */
function RankingTotal({ ranking }: { ranking: Ranking }) {
  return (
    <tfoot>
      <tr data-testid="ranking-total">
        <td className="mt-col-rank" />
        <td className="mt-col-name">{ranking.region.name}</td>
        {COLUMNS.map((m) => (
          <td key={m} className="mt-num">
            <div className="mt-cell">
              <span className="mt-cell__value">
                {m === 'rate'
                  ? fmtRate(ranking.total.current.cameras.timeWeightedRate)
                  : fmtValue(m, valueOf(ranking.total.current, m))}
              </span>
              <Delta metric={m} d={ranking.total.delta[m]} />
            </div>
          </td>
        ))}
      </tr>
    </tfoot>
  );
}

/** The child regions ranked for the period, each figure with its change against the previous period. */
export function RankingTable(props: {
  ranking: Ranking;
  state: MeetingState;
  onSort: (m: Metric) => void;
  onOpen: (code: string) => void;
  hover: string | null;
  onHover: (code: string | null) => void;
}) {
  const { ranking, state } = props;
  return (
    <table className="mt-table mt-ranking" data-testid="ranking-table">
      <RankingHead state={state} onSort={props.onSort} />
      <tbody>
        {ranking.rows.map((r) => (
          <tr
            key={r.region.code}
            data-testid="ranking-row"
            data-code={r.region.code}
            className={props.hover === r.region.code ? 'mt-hover' : ''}
            onMouseEnter={() => props.onHover(r.region.code)}
            onMouseLeave={() => props.onHover(null)}
            onClick={() => props.onOpen(r.region.code)}
          >
            <td className="mt-col-rank">
              <span className={`mt-rank mt-rank--${r.rank <= 3 ? 'top' : 'rest'}`}>{r.rank}</span>
            </td>
            <td className="mt-col-name">
              <a
                href={`#${r.region.code}`}
                onClick={(e) => {
                  e.preventDefault();
                }}
                data-testid="ranking-link"
              >
                {r.region.name}
              </a>
            </td>
            {COLUMNS.map((m) => (
              <FigureCell key={m} r={r} m={m} sorted={state.sort === m} />
            ))}
          </tr>
        ))}
      </tbody>
      <RankingTotal ranking={ranking} />
    </table>
  );
}
