import { VillageBoardPanel } from './VillageBoardPanel';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ancestorsOf, buildRegionTree, childrenOf, DOMAIN_LABELS, type Region, type RegionTree } from '@zhihui/shared';
import { getLocale, label } from '../../lib/i18n';
import { rateColor } from '../../lib/rateBands';
import { DrillPanel } from './DrillPanel';
import { fmtPeriod, fmtTime, fmtValue } from './format';
import { exportUrls, meetingApi, type Ranking } from './meetingApi';
import {
  meetingSearch,
  nextSort,
  parseMeetingState,
  periodQuery,
  PICKER_KINDS,
  type MeetingState,
  type Metric,
} from './meetingParams';
import { mt, periodName } from './meetingText';
import { Delta, RankingTable, valueOf } from './RankingTable';
import { RegionMap } from './RegionMap';
import './meeting.css';

function useRegionTree(): RegionTree | null {
  const [tree, setTree] = useState<RegionTree | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    fetch('/api/v1/regions', { signal: ctl.signal })
      .then((r) => (r.ok ? (r.json() as Promise<{ regions: Region[] }>) : Promise.reject(new Error(r.statusText))))
      .then(
        (b) => setTree(buildRegionTree(b.regions)),
        () => undefined,
      );
    return () => ctl.abort();
  }, []);
  return tree;
}

function useRanking(
  code: string,
  query: string,
): { ranking: Ranking | null; error: string | null; loading: boolean; retry: () => void } {
  const key = `${code}?${query}`;
  const [state, setState] = useState<{ key: string; ranking: Ranking | null; error: string | null }>({
    key: '',
    ranking: null,
    error: null,
  });
  const [n, setN] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    meetingApi.ranking(code, query, ctl.signal).then(
      (ranking) => !ctl.signal.aborted && setState({ key, ranking, error: null }),
      (err: unknown) =>
        !ctl.signal.aborted &&
        setState({ key, ranking: null, error: err instanceof Error ? err.message : String(err) }),
    );
    return () => ctl.abort();
  }, [code, query, key, n]);
  // Until this view's answer arrives, an earlier one of the same region stays up (a new sort or
  // period); another region's figures never show under this region's name.
  const current = state.key === key;
  const ranking = state.ranking && state.ranking.region.code === code ? state.ranking : null;
  return { ranking, error: current ? state.error : null, loading: !current, retry: () => setN((x) => x + 1) };
}

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

/**
 * /meeting/:region — the county dispatch meeting (每周一汇报,半月一调度): a period, the child
 * regions ranked against the previous period, drill-down by map or table, and the report. Every
 * choice lives in the URL, so a link in the minutes reopens this very view.
 */
export default function MeetingPage() {
  const { region: code = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const state = useMemo(() => parseMeetingState(location.search), [location.search]);
  const tree = useRegionTree();
  const pq = periodQuery(state).toString();
  const rankingQuery = `${pq}&sort=${state.sort}&dir=${state.dir}`;
  const { ranking, error, loading, retry } = useRanking(code, rankingQuery);
  const [hover, setHover] = useState<string | null>(null);
  const [custom, setCustom] = useState<{ from: string; last: string } | null>(null);
  const [copied, setCopied] = useState(false);

  const go = useCallback(
    (patch: Partial<MeetingState>, to = code) =>
      navigate(`/meeting/${to}${meetingSearch({ ...state, ...patch })}${getLocale() === 'en' ? '&lang=en' : ''}`),
    [navigate, code, state],
  );
  // Drilling down keeps the period and the sort; lists and selections belong to the region left behind.
  const open = useCallback((child: string) => go({ clue: null, clues: 'all' }, child), [go]);

  const region = tree?.byCode.get(code) ?? null;
  const path = tree && region ? ancestorsOf(tree, code) : [];
  const children = useMemo(() => (tree ? childrenOf(tree, code) : []), [tree, code]);
  const names = useMemo(() => new Map([...(tree?.byCode.values() ?? [])].map((r) => [r.code, r.name])), [tree]);
  const centers = useMemo(
    () => new Map(children.flatMap((c) => (c.center ? [[c.code, c.center] as [string, [number, number]]] : []))),
    [children],
  );
  const childNoun = children[0] ? DOMAIN_LABELS.level[getLocale()][children[0].level] : '';
  const urls = exportUrls(code, rankingQuery);
  const cluesCsv = `/api/v1/clues.csv?region=${encodeURIComponent(code)}&${pq}`;

  useEffect(() => {
    document.title = `${region?.name ?? code} · ${mt('title')}`;
  }, [region, code]);

  const print = () => {
    // The formal A4 report prints from a hidden frame: the same HTML the server turns into the PDF.
    const frame = document.createElement('iframe');
    frame.style.cssText = 'position:fixed;right:0;bottom:0;width:0;height:0;border:0';
    frame.src = urls.html;
    frame.onload = () => {
      frame.contentWindow?.print();
      setTimeout(() => frame.remove(), 60_000);
    };
    document.body.appendChild(frame);
  };
  const copy = () => {
    void navigator.clipboard?.writeText(location.pathname ? window.location.href : '').then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    });
  };

  const total = ranking?.total;
  return (
    <div
      className="meeting"
      data-testid="meeting-page"
      data-region={code}
      data-ready={ranking && !loading ? 'true' : 'false'}
    >
      <header className="mt-head">
        <div className="mt-head__left">
          <nav className="mt-crumbs" data-testid="breadcrumbs">
            {path.map((p) => (
              <span key={p.code}>
                <Link to={`/meeting/${p.code}${meetingSearch({ ...state, clue: null })}`}>{p.name}</Link>
                <span className="mt-crumbs__sep">›</span>
              </span>
            ))}
            <span className="mt-crumbs__here">
              {region ? `${region.name} · ${label('level', region.level)}` : code}
            </span>
          </nav>
          <h1 className="mt-title">
            {region?.name ?? ranking?.region.name ?? code}
            <span className="mt-title__suffix">{mt('title')}</span>
          </h1>
          <div className="mt-subtitle">{mt('subtitle')}</div>
        </div>
        <div className="mt-head__right">
          <div className="mt-actions">
            <Link className="mt-btn mt-btn--ghost" to={`/wall/${code}`}>
              {mt('wall')}
            </Link>
            <button type="button" className="mt-btn mt-btn--ghost" onClick={copy} data-testid="copy-link">
              {copied ? mt('copied') : mt('copyLink')}
            </button>
            <a className="mt-btn" href={urls.rankingCsv} download data-testid="export-ranking-csv">
              {mt('rankingCsv')}
            </a>
            <a className="mt-btn" href={cluesCsv} download data-testid="export-clues-csv">
              {mt('cluesCsv')}
            </a>
            <a className="mt-btn" href={urls.pdf} download data-testid="export-pdf">
              {mt('pdf')}
            </a>
            <button type="button" className="mt-btn mt-btn--primary" onClick={print} data-testid="print-report">
              {mt('print')}
            </button>
          </div>
        </div>
      </header>

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
              if (c.from && c.last && c.last >= c.from)
                go({ period: 'custom', from: c.from, last: c.last, clue: null });
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

      {error && (
        <div className="mt-error" data-testid="meeting-error">
          {mt('error', { message: error })}
          <button type="button" className="mt-btn" onClick={retry}>
            {mt('retry')}
          </button>
        </div>
      )}

      {total && (
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
                      {total.current.cameras.online}/
                      {total.current.cameras.inService - total.current.cameras.maintenance}
                    </span>
                  )}
                  <Delta metric={metric} d={total.delta[metric]} />
                </div>
              </div>
            );
          })}
        </section>
      )}

      {ranking && ranking.rows.length > 0 && (
        <section className="mt-main">
          <div className="mt-panel mt-panel--map">
            <div className="mt-panel__head">
              <h2>{mt('map')}</h2>
              <span className="mt-muted">{mt('drill')}</span>
            </div>
            <RegionMap code={code} ranking={ranking} centers={centers} hover={hover} onHover={setHover} onOpen={open} />
          </div>
          <div className="mt-panel mt-panel--ranking">
            <div className="mt-panel__head">
              <h2>{mt('ranking', { noun: childNoun })}</h2>
              <span className="mt-muted">
                {loading ? mt('loading') : mt('generated', { time: fmtTime(ranking.generatedAt) })}
              </span>
            </div>
            <div className="mt-scroll-x">
              <RankingTable
                ranking={ranking}
                state={state}
                hover={hover}
                onHover={setHover}
                onOpen={open}
                onSort={(m) => go(nextSort(state, m))}
              />
            </div>
          </div>
        </section>
      )}
      {ranking && ranking.rows.length === 0 && <div className="mt-note mt-note--info">{mt('noChildren')}</div>}

      {ranking && (
        <DrillPanel
          code={code}
          period={ranking.period}
          periodQuery={pq}
          state={state}
          names={names}
          onChange={(patch) => go(patch)}
        />
      )}
      {ranking && <VillageBoardPanel code={code} periodTo={ranking.period.to} />}
      {!ranking && loading && <div className="mt-note">{mt('loading')}</div>}
    </div>
  );
}
