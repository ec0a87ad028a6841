import { useChannelPlayer } from '../../lib/channelPlayer';
import { useMinute } from '../../lib/clock';
import { useFetch, type Fetched } from '../../lib/useFetch';
import { isOverdue, type Clue, type ClueEvent, type Period } from '@zhihui/shared';
import { label, t } from '../../lib/i18n';
import { meetingApi, type GridActivity, type Outage } from './meetingApi';
import { fmtDuration, fmtTime } from './format';
import { CLUE_FILTERS, TABS, type ClueFilter, type MeetingState, type Tab } from './meetingParams';
import { filterName, mt, tabName } from './meetingText';
import { DeliveryLogList } from './DeliveryLogList';

export type Load<T> = Fetched<T>;

const OPEN = 'reported,verified,dispatched';
const DONE = 'resolved,closed';

/** Channels down, clues and grid workers of the region for the period: the drill-down below the ranking. */
export function DrillPanel(props: {
  code: string;
  period: Period;
  periodQuery: string;
  state: MeetingState;
  names: ReadonlyMap<string, string>;
  onChange: (patch: Partial<MeetingState>) => void;
}) {
  const { state } = props;
  return (
    <section className="mt-panel mt-drill" data-testid="drill-panel">
      <div className="mt-tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={state.tab === t}
            className={`mt-tab ${state.tab === t ? 'mt-tab--on' : ''}`}
            data-testid={`tab-${t}`}
            onClick={() => props.onChange({ tab: t as Tab, clue: null })}
          >
            {tabName(t)}
          </button>
        ))}
        {state.tab === 'clues' && (
          <div className="mt-filters">
            {CLUE_FILTERS.map((f) => (
              <button
                key={f}
                type="button"
                className={`mt-chip ${state.clues === f ? 'mt-chip--on' : ''}`}
                data-testid={`clues-${f}`}
                onClick={() => props.onChange({ clues: f as ClueFilter, clue: null })}
              >
                {filterName(f)}
              </button>
            ))}
          </div>
        )}
      </div>
      {state.tab === 'cameras' && <OutageList code={props.code} periodQuery={props.periodQuery} names={props.names} />}
      {state.tab === 'clues' && <ClueList {...props} />}
      {state.tab === 'grid' && <GridList code={props.code} periodQuery={props.periodQuery} names={props.names} />}
      {state.tab === 'notifications' && <DeliveryLogList code={props.code} period={props.period} names={props.names} />}
    </section>
  );
}

export function Status(props: { load: Load<unknown>; empty: boolean; emptyText: string }) {
  if (props.load.error)
    return <div className="mt-note mt-note--error">{mt('error', { message: props.load.error })}</div>;
  if (props.load.loading && !props.load.data) return <div className="mt-note">{mt('loading')}</div>;
  if (props.empty)
    return (
      <div className="mt-note" data-testid="list-empty">
        {props.emptyText}
      </div>
    );
  return null;
}

function OutageList(props: { code: string; periodQuery: string; names: ReadonlyMap<string, string> }) {
  const load = useFetch<{ total: number; items: Outage[] }>(`${props.code}?${props.periodQuery}`, (s) =>
    meetingApi.outages(props.code, props.periodQuery, s),
  );
  const items = load.data?.items ?? [];
  const play = useChannelPlayer();
  return (
    <div className="mt-scroll" data-testid="outage-list">
      <Status load={load} empty={items.length === 0} emptyText={mt('cam.none')} />
      {items.length > 0 && (
        <>
          <div className="mt-caption">{mt('cam.total', { n: load.data!.total })}</div>
          <table className="mt-table mt-list">
            <thead>
              <tr>
                <th>{mt('cam.name')}</th>
                <th>{mt('region')}</th>
                <th>{mt('cam.down')}</th>
                <th>{mt('cam.failures')}</th>
                <th>{mt('cam.reason')}</th>
                <th>{mt('cam.now')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((o) => (
                <tr key={o.id} data-testid="outage-row">
                  <td>
                    <div>
                      {o.name}
                      {play && (
                        <button
                          type="button"
                          className="play-btn"
                          data-testid="play-channel"
                          onClick={() => play({ channelId: o.id, from: 'drill' })}
                        >
                          ▶ {t('tile.play')}
                        </button>
                      )}
                    </div>
                    <div className="mt-mono">{o.id}</div>
                  </td>
                  <td>{props.names.get(o.region) ?? o.region}</td>
                  <td className="mt-num">
                    <div className="mt-bar">
                      <i
                        style={{ width: `${Math.min(100, (o.downMs / Math.max(1, o.countedMs)) * 100).toFixed(1)}%` }}
                      />
                    </div>
                    {fmtDuration(o.downMs)}
                  </td>
                  <td className="mt-num">{o.failures}</td>
                  <td>{o.reason ? label('reason', o.reason) : '—'}</td>
                  <td>
                    <span className={`mt-state mt-state--${o.status}`}>{label('state', o.status)}</span>
                    {o.status !== 'online' && (
                      <div className="mt-sub">{mt('cam.since', { time: fmtTime(o.since) })}</div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function ClueList(props: {
  code: string;
  period: Period;
  state: MeetingState;
  names: ReadonlyMap<string, string>;
  onChange: (patch: Partial<MeetingState>) => void;
}) {
  const f = props.state.clues;
  const extra = f === 'open' || f === 'overdue' ? `&status=${OPEN}` : f === 'done' ? `&status=${DONE}` : '';
  const load = useFetch(`${props.code}|${props.period.from}|${props.period.to}|${extra}`, (s) =>
    meetingApi.clues(props.code, props.period.from, props.period.to, extra, s),
  );
  // Overdue as the figures judge it: at the period's end, or now when the period is still running.
  const minute = useMinute();
  const at = Math.min(minute * 60_000, Date.parse(props.period.to));
  let items: Clue[] = load.data?.items ?? [];
  if (f === 'overdue') items = items.filter((c) => isOverdue(c, at));
  return (
    <div className="mt-split">
      <div className="mt-scroll" data-testid="clue-list">
        <Status load={load} empty={items.length === 0} emptyText={mt('clue.none')} />
        {items.length > 0 && (
          <table className="mt-table mt-list">
            <thead>
              <tr>
                <th>{mt('clue.title')}</th>
                <th>{mt('clue.category')}</th>
                <th>{mt('region')}</th>
                <th>{mt('clue.reported')}</th>
                <th>{mt('clue.due')}</th>
                <th>{mt('clue.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr
                  key={c.id}
                  data-testid="clue-row"
                  data-id={c.id}
                  className={`mt-clickable ${props.state.clue === c.id ? 'mt-selected' : ''}`}
                  onClick={() => props.onChange({ clue: c.id })}
                >
                  <td>
                    <div>{c.title}</div>
                    <div className="mt-mono">{c.id}</div>
                  </td>
                  <td>{label('category', c.category)}</td>
                  <td>{props.names.get(c.region) ?? c.region}</td>
                  <td className="mt-num">{fmtTime(c.reportedAt)}</td>
                  <td className="mt-num">
                    {fmtTime(c.dueAt)}
                    {isOverdue(c, at) && <span className="mt-badge mt-badge--bad">{mt('clue.overdue')}</span>}
                  </td>
                  <td>
                    <span className={`mt-status mt-status--${c.status}`}>{label('status', c.status)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {props.state.clue && (
        <ClueTimeline id={props.state.clue} names={props.names} onClose={() => props.onChange({ clue: null })} />
      )}
    </div>
  );
}

function ClueTimeline(props: { id: string; names: ReadonlyMap<string, string>; onClose: () => void }) {
  const load = useFetch(props.id, (s) => meetingApi.clue(props.id, s));
  const c = load.data;
  const play = useChannelPlayer();
  return (
    <aside className="mt-timeline" data-testid="clue-timeline">
      <header>
        <span>{mt('clue.timeline')}</span>
        <button type="button" className="mt-chip" onClick={props.onClose}>
          {mt('clue.close')}
        </button>
      </header>
      <Status load={load} empty={false} emptyText="" />
      {c && (
        <>
          <h3>{c.title}</h3>
          <div className="mt-sub">
            {label('category', c.category)} · {label('source', c.source)} · {props.names.get(c.region) ?? c.region}
            {c.assignee ? ` · ${c.assignee}` : ''}
            {c.outcome ? ` · ${label('outcome', c.outcome)}` : ''}
            {play && c.lon !== null && c.lat !== null && (
              <button
                type="button"
                className="play-btn"
                data-testid="play-near"
                onClick={() => play({ near: { lon: c.lon!, lat: c.lat!, title: c.title }, from: 'timeline' })}
              >
                ▶ {t('tile.playNear')}
              </button>
            )}
          </div>
          <ol className="mt-steps">
            {c.history.map((e: ClueEvent, i: number) => (
              <li key={i} className={`mt-step mt-step--${e.to}`} data-testid="timeline-step">
                <span className="mt-step__dot" />
                <span className="mt-step__what">{label('status', e.to)}</span>
                <span className="mt-step__when">{fmtTime(e.at)}</span>
                <span className="mt-step__who">
                  {e.actor}
                  {e.note ? ` · ${e.note}` : ''}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  );
}

function GridList(props: { code: string; periodQuery: string; names: ReadonlyMap<string, string> }) {
  const load = useFetch<GridActivity>(`${props.code}?${props.periodQuery}`, (s) =>
    meetingApi.grid(props.code, props.periodQuery, s),
  );
  const d = load.data;
  return (
    <div className="mt-split" data-testid="grid-list">
      <div className="mt-scroll">
        <Status load={load} empty={(d?.workers.length ?? 0) === 0} emptyText={mt('grid.none')} />
        {d && d.workers.length > 0 && (
          <table className="mt-table mt-list">
            <thead>
              <tr>
                <th>{mt('grid.worker')}</th>
                <th>{mt('grid.grid')}</th>
                <th>{mt('grid.onDuty')}</th>
                <th>{mt('grid.reports')}</th>
                <th>{mt('grid.last')}</th>
              </tr>
            </thead>
            <tbody>
              {d.workers.slice(0, 300).map((w) => (
                <tr key={w.id} data-testid="worker-row">
                  <td>{w.name}</td>
                  <td>{props.names.get(w.region) ?? w.region}</td>
                  <td>
                    <span className={`mt-state mt-state--${w.onDuty ? 'online' : 'unknown'}`}>
                      {w.onDuty ? mt('grid.onDuty') : mt('grid.offDuty')}
                    </span>
                  </td>
                  <td className="mt-num">{w.reports}</td>
                  <td className="mt-num">{fmtTime(w.lastReportAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {d && d.reports.length > 0 && (
        <aside className="mt-timeline">
          <header>
            <span>
              {mt('grid.latest')} · {d.totalReports}
            </span>
          </header>
          <ol className="mt-reports">
            {d.reports.map((r) => (
              <li key={r.id}>
                <div className="mt-sub">
                  {fmtTime(r.at)} · {d.workers.find((w) => w.id === r.workerId)?.name ?? r.workerId} ·{' '}
                  {props.names.get(r.region) ?? r.region}
                </div>
                <div>{r.text}</div>
              </li>
            ))}
          </ol>
        </aside>
      )}
    </div>
  );
}
