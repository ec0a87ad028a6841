import { VillageBoardPanel } from './VillageBoardPanel';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { ancestorsOf, buildRegionTree, childrenOf, DOMAIN_LABELS, type Region, type RegionTree } from '@zhihui/shared';
import { getLocale } from '../../lib/i18n';
import { useFetch } from '../../lib/useFetch';
import { DrillPanel } from './DrillPanel';
import { KpiRow } from './KpiRow';
import { MeetingHeader } from './MeetingHeader';
import { exportUrls, meetingApi } from './meetingApi';
import { meetingSearch, parseMeetingState, periodQuery, type MeetingState } from './meetingParams';
import { mt } from './meetingText';
import { PeriodBar } from './PeriodBar';
import { RankingSection } from './RankingSection';
import './meeting.css';

function useRegionTree(): RegionTree | null {
  const { data } = useFetch('regions', async (signal) => {
    const r = await fetch('/api/v1/regions', { signal });
    if (!r.ok) throw new Error(r.statusText);
    return ((await r.json()) as { regions: Region[] }).regions;
  });
  return useMemo(() => (data ? buildRegionTree(data) : null), [data]);
}

/**
 * The ranking for the view. Until this view's answer arrives, an earlier one of the same region
 * stays up (a new sort or period); another region's figures never show under this region's name.
 */
function useRanking(code: string, query: string) {
  const [attempt, setAttempt] = useState(0);
  const f = useFetch(`${code}?${query}#${attempt}`, (signal) => meetingApi.ranking(code, query, signal));
  const ranking = f.data && f.data.region.code === code ? f.data : null;
  return { ranking, error: f.error, loading: f.loading, retry: () => setAttempt((x) => x + 1) };
}

/** Where the region sits: its path from the root, its children's seats, and every region's name. */
function useRegionPlace(tree: RegionTree | null, code: string) {
  const region = tree?.byCode.get(code) ?? null;
  const path = tree && region ? ancestorsOf(tree, code) : [];
  const children = useMemo(() => (tree ? childrenOf(tree, code) : []), [tree, code]);
  const names = useMemo(() => new Map([...(tree?.byCode.values() ?? [])].map((r) => [r.code, r.name])), [tree]);
  const centers = useMemo(
    () => new Map(children.flatMap((c) => (c.center ? [[c.code, c.center] as [string, [number, number]]] : []))),
    [children],
  );
  const childNoun = children[0] ? DOMAIN_LABELS.level[getLocale()][children[0].level] : '';
  return { region, path, names, centers, childNoun };
}

function MeetingError({ error, retry }: { error: string; retry: () => void }) {
  return (
    <div className="mt-error" data-testid="meeting-error">
      {mt('error', { message: error })}
      <button type="button" className="mt-btn" onClick={retry}>
        {mt('retry')}
      </button>
    </div>
  );
}

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

  const go = useCallback(
    (patch: Partial<MeetingState>, to = code) =>
      navigate(`/meeting/${to}${meetingSearch({ ...state, ...patch })}${getLocale() === 'en' ? '&lang=en' : ''}`),
    [navigate, code, state],
  );
  // Drilling down keeps the period and the sort; lists and selections belong to the region left behind.
  const open = useCallback((child: string) => go({ clue: null, clues: 'all' }, child), [go]);

  const { region, path, names, centers, childNoun } = useRegionPlace(tree, code);
  const urls = exportUrls(code, rankingQuery);
  const cluesCsv = `/api/v1/clues.csv?region=${encodeURIComponent(code)}&${pq}`;

  useEffect(() => {
    document.title = `${region?.name ?? code} · ${mt('title')}`;
  }, [region, code]);

  const total = ranking?.total;
  return (
    <div
      className="meeting"
      data-testid="meeting-page"
      data-region={code}
      data-ready={ranking && !loading ? 'true' : 'false'}
    >
      <MeetingHeader
        code={code}
        region={region}
        path={path}
        ranking={ranking}
        state={state}
        urls={urls}
        cluesCsv={cluesCsv}
      />
      <PeriodBar state={state} ranking={ranking} go={go} />

      {error && <MeetingError error={error} retry={retry} />}

      {total && <KpiRow total={total} />}

      {ranking && ranking.rows.length > 0 && (
        <RankingSection
          code={code}
          ranking={ranking}
          state={state}
          loading={loading}
          childNoun={childNoun}
          centers={centers}
          open={open}
          go={go}
        />
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
