import { useState } from 'react';
import { fmtPeriod } from './format';
import type { Ranking } from './meetingApi';
import { PICKER_KINDS, type MeetingState } from './meetingParams';
import { mt, periodName } from './meetingText';

/** The period picker (week, half-month, month … or custom dates) and the period compared against. */
export function PeriodBar(props: {
  state: MeetingState;
  ranking: Ranking | null;
  go: (patch: Partial<MeetingState>) => void;
}) {
  const { state, ranking, go } = props;
  const [custom, setCustom] = useState<{ from: string; last: string } | null>(null);
  return (
    <div className="mt-periodbar">
      <div className="mt-periods" role="radiogroup">
        {PICKER_KINDS.map((k) => (
          <button
            key={k}
            type="button"
            role="radio"
            aria-checked={state.period === k}
            className={`mt-period ${state.period === k ? 'mt-period--on' : ''}`}
            data-testid={`period-${k}`}
            onClick={() => {
              if (k === 'custom') {
                const p = ranking?.period;
                setCustom({
                  from: state.from ?? p?.from.slice(0, 10) ?? '',
                  last: state.last ?? (p ? fmtPeriod(p).slice(-10) : ''),
                });
              } else {
                setCustom(null);
                go({ period: k, from: null, last: null, clue: null });
              }
            }}
          >
            {periodName(k)}
          </button>
        ))}
      </div>
      {(custom || state.period === 'custom') && (
        <form
          className="mt-custom"
          onSubmit={(e) => {
            e.preventDefault();
            const c = custom ?? { from: state.from ?? '', last: state.last ?? '' };
            if (c.from && c.last && c.last >= c.from) go({ period: 'custom', from: c.from, last: c.last, clue: null });
          }}
        >
          <input
            type="date"
            value={custom?.from ?? state.from ?? ''}
            onChange={(e) => setCustom({ from: e.target.value, last: custom?.last ?? state.last ?? '' })}
            data-testid="custom-from"
          />
          <span>{mt('to')}</span>
          <input
            type="date"
            value={custom?.last ?? state.last ?? ''}
            onChange={(e) => setCustom({ from: custom?.from ?? state.from ?? '', last: e.target.value })}
            data-testid="custom-last"
          />
          <button type="submit" className="mt-btn mt-btn--primary">
            {mt('apply')}
          </button>
        </form>
      )}
      {ranking && (
        <div className="mt-periodtext" data-testid="period-text">
          <strong>{fmtPeriod(ranking.period)}</strong>
          <span className="mt-muted">
            {mt('compare')} {fmtPeriod(ranking.previous)}
          </span>
        </div>
      )}
    </div>
  );
}
