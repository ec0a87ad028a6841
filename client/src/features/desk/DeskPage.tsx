import { useChannelPlayer } from '../../lib/channelPlayer';
import { AppealsView } from './AppealsView';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import {
  buildRegionTree,
  descendantsOf,
  type Clue,
  type ClueCategory,
  type Region,
  type RegionGeo,
  type RegionTree,
  type SessionView,
} from '@zhihui/shared';
import type { MapPickHit } from '../../ui/MapView';
import { api } from '../../lib/api';
import { getLocale, setLocale } from '../../lib/i18n';
import { DeskError, deskApi, setCsrf } from '../../lib/personApi';
import { useFetch } from '../../lib/useFetch';
import { ClueDetail } from './ClueDetail';
import { ClueForm, type ClueDraft } from './ClueForm';
import { DeskMapPanel } from './DeskMapPanel';
import { QueuePanel } from './QueuePanel';
import { CAMERA_LAYER, CLUE_LAYER, type camerasToGeoJson } from './deskMap';
import { dt } from './deskText';
import { QUEUES, queueCounts, queueItems, type Queue, type Step } from './queues';
import { useDeskLive } from './useDeskLive';
import './desk.css';

function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** Who is signed in (and the CSRF token their writes carry); off to /login when nobody is. */
function useSession(): SessionView | null {
  return useFetch('session', async (signal) => {
    try {
      const v = await deskApi.session(signal);
      setCsrf(v.csrfToken);
      return v;
    } catch (err) {
      if (err instanceof DeskError && err.status === 401)
        location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
      throw err;
    }
  }).data;
}

const NO_REGIONS: Region[] = [];

/** The region tree the person sees (their subtree and the path above it). */
function useRegions(): Region[] {
  const r = useFetch('regions', (signal) => deskApi.regions(signal)).data;
  return r === null ? NO_REGIONS : Array.isArray(r) ? r : r.regions;
}

const useGeo = (region: string): RegionGeo | null => useFetch(region, (signal) => api.regionGeo(region, signal)).data;

/** Keyboard: 1–6 queues, ↑↓ select, N new, V/D/F/C steps, Esc cancel. */
function useDeskKeys(k: {
  items: Clue[];
  selected: string | null;
  current: Clue | null;
  place: string | null;
  region: string;
  setQueue: (q: Queue) => void;
  setDraft: (d: ClueDraft | null) => void;
  setSelected: (id: string | null) => void;
  setStep: (s: Step | null) => void;
}): void {
  const { items, selected, current, place, region, setQueue, setDraft, setSelected, setStep } = k;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
      if (e.key === 'Escape') {
        setDraft(null);
        setStep(null);
        return;
      }
      if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
      const n = Number(e.key);
      if (n >= 1 && n <= QUEUES.length) setQueue(QUEUES[n - 1]!);
      else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const i = items.findIndex((c) => c.id === selected);
        const next = items[Math.max(0, Math.min(items.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
        if (next) {
          setDraft(null);
          setSelected(next.id);
        }
      } else if (e.key === 'n' || e.key === 'N') {
        e.preventDefault();
        setSelected(null);
        setDraft({ lngLat: null, region: place ?? region, source: 'hotline' });
      } else if (current) {
        const map: Record<string, Step> = { v: 'verify', d: 'dispatch', f: 'feedback', c: 'close' };
        const s = map[e.key.toLowerCase()];
        if (s) {
          e.preventDefault();
          setStep(s);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, selected, current, place, region, setQueue, setDraft, setSelected, setStep]);
}

/** The queues over the live clues: which one is open, the filters, each queue's count and its clues. */
function useQueues(
  clues: Map<string, Clue>,
  region: string,
  tree: RegionTree,
  session: SessionView | null,
  now: number,
) {
  const [queue, setQueue] = useState<Queue>('township');
  const [category, setCategory] = useState<ClueCategory | null>(null);
  const [place, setPlace] = useState<string | null>(null);
  const places = useMemo(
    () =>
      tree.byCode.has(region)
        ? descendantsOf(tree, region).filter(
            (r) => r.level === 'township' || r.level === 'village' || r.code === region,
          )
        : [],
    [tree, region],
  );
  const ctx = useMemo(
    () => ({ me: session?.user.name ?? '', myRegion: session?.user.region ?? null, tree, now }),
    [session, tree, now],
  );
  const filter = useMemo(() => ({ category, place }), [category, place]);
  const items = useMemo(() => queueItems(clues.values(), queue, filter, ctx), [clues, queue, filter, ctx]);
  const counts = useMemo(() => queueCounts(clues.values(), filter, ctx), [clues, filter, ctx]);
  return { queue, setQueue, category, setCategory, place, setPlace, places, items, counts };
}

/** A click on the map: a clue opens; anywhere else (a channel's live video too) starts a new clue there. */
function useMapPick(
  target: string,
  play: ReturnType<typeof useChannelPlayer>,
  setDraft: (d: ClueDraft | null) => void,
  setSelected: (id: string | null) => void,
) {
  return useCallback(
    (hits: MapPickHit[], lngLat: [number, number]) => {
      const clueHit = hits.find((h) => h.layer === CLUE_LAYER);
      if (clueHit) {
        setDraft(null);
        setSelected(String(clueHit.properties.id));
        return;
      }
      const cam = hits.find((h) => h.layer === CAMERA_LAYER);
      // A channel: its live video opens as a tile, and the report form takes its id and place.
      if (cam) play?.({ channelId: String(cam.properties.id), from: 'map' });
      setSelected(null);
      setDraft({
        lngLat,
        region: target,
        source: cam ? 'video' : 'hotline',
        camera: cam ? String(cam.properties.id) : undefined,
      });
    },
    [target, play, setDraft, setSelected],
  );
}

/** The desk's head: the region, clues or appeals, the live link, and who is signed in. */
function DeskHeader(props: {
  regionName: string;
  mode: 'clues' | 'appeals';
  setMode: (m: 'clues' | 'appeals') => void;
  link: string;
  session: SessionView | null;
  /** The page re-renders in the new language. */
  onLang: (next: 'zh-CN' | 'en') => void;
}) {
  const { regionName, mode, setMode, link, session } = props;
  const toggleLang = () => {
    const next = getLocale() === 'en' ? 'zh-CN' : 'en';
    setLocale(next);
    props.onLang(next);
  };
  const signOut = async () => {
    await deskApi.signOut().catch(() => {});
    location.assign('/login');
  };
  return (
    <header className="desk-head">
      <div className="desk-head__brand">
        <span className="desk-head__emblem">指</span>
        <div>
          <h1>{dt('deskTitle')}</h1>
          <p>{regionName}</p>
        </div>
      </div>
      <nav className="desk-modes" role="tablist">
        <ModeTab mode="clues" current={mode} onSelect={setMode} label={getLocale() === 'en' ? 'Clues' : '线索处置'} />
        <ModeTab
          mode="appeals"
          current={mode}
          onSelect={setMode}
          label={getLocale() === 'en' ? 'Appeals (说事儿)' : '说事儿'}
        />
      </nav>
      <div className={`desk-head__link desk-head__link--${link}`} data-testid="desk-link">
        {link === 'live' ? dt('live') : link === 'ended' ? dt('ended') : dt('offline')}
      </div>
      <div className="desk-head__user">
        {session && (
          <span data-testid="desk-user">
            {session.user.name} ·{' '}
            {session.user.role === 'operator' ? '值班员' : session.user.role === 'leader' ? '领导' : '管理员'}
          </span>
        )}
        <button type="button" className="btn btn--ghost" onClick={toggleLang}>
          {dt('lang')}
        </button>
        <button type="button" className="btn btn--ghost" onClick={signOut} data-testid="sign-out">
          {dt('signOut')}
        </button>
      </div>
    </header>
  );
}

/** Filters over every queue: a clue's category and its place (township or village). */
type DeskMode = 'clues' | 'appeals';

/** One of the desk's two modes as a tab. */
function ModeTab(props: { mode: DeskMode; current: DeskMode; onSelect: (m: DeskMode) => void; label: string }) {
  const active = props.mode === props.current;
  return (
    <button
      type="button"
      role="tab"
      aria-selected={active}
      className={`desk-mode${active ? ' is-active' : ''}`}
      onClick={() => props.onSelect(props.mode)}
      data-testid={`mode-${props.mode}`}
    >
      {props.label}
    </button>
  );
}

/** The side: the new clue's form, the chosen clue with its next steps, or a hint. */
function DeskSide(props: {
  draft: ClueDraft | null;
  current: Clue | null;
  places: Region[];
  snapshot: Parameters<typeof camerasToGeoJson>[0];
  step: Step | null;
  setStep: (s: Step | null) => void;
  setDraft: (d: ClueDraft | null) => void;
  onDone: (c: Clue) => void;
  upsert: (c: Clue) => void;
}) {
  const { draft, current, places, snapshot, step, setStep, setDraft, onDone, upsert } = props;
  return (
    <aside className="desk-side">
      {draft ? (
        <ClueForm
          key={`${draft.lngLat?.join(',') ?? 'none'}:${draft.camera ?? ''}`}
          draft={draft}
          places={places}
          snapshot={snapshot}
          onCancel={() => setDraft(null)}
          onDone={onDone}
        />
      ) : current ? (
        <ClueDetail clue={current} step={step} onStep={setStep} onChanged={upsert} />
      ) : (
        <p className="desk-side__hint">{dt('selectHint')}</p>
      )}
      <p className="desk-side__keys">{dt('keys')}</p>
    </aside>
  );
}

/**
 * The duty desk (值班台) at /desk/:region: queues of clues on the left, the region's map in the
 * middle (a click reports a clue there), the selected clue and its lifecycle steps on the right.
 * Live over the wall's socket; every write carries the session's CSRF token.
 */
export default function DeskPage() {
  const region = useParams().region ?? '';
  const session = useSession();
  const regions = useRegions();
  const geo = useGeo(region);
  const { clues, snapshot, link, upsert } = useDeskLive(region);
  const play = useChannelPlayer();
  const now = useNow(30_000);
  const [, setLang] = useState(getLocale());
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState<ClueDraft | null>(null);
  const [step, setStep] = useState<Step | null>(null);
  const [mode, setMode] = useState<'clues' | 'appeals'>(() =>
    new URLSearchParams(location.search).get('view') === 'appeals' ? 'appeals' : 'clues',
  );

  const tree = useMemo(() => buildRegionTree(regions), [regions]);
  const q = useQueues(clues, region, tree, session, now);
  const { setQueue, place, places, items } = q;
  const current = selected ? (clues.get(selected) ?? null) : null;

  const onPick = useMapPick(place ?? region, play, setDraft, setSelected);

  useDeskKeys({ items, selected, current, place, region, setQueue, setDraft, setSelected, setStep });

  const regionName = tree.byCode.get(region)?.name ?? region;

  return (
    <div className="desk" data-testid="desk" data-link={link}>
      <DeskHeader
        regionName={regionName}
        mode={mode}
        setMode={setMode}
        link={link}
        session={session}
        onLang={setLang}
      />
      {mode === 'appeals' && <AppealsView region={region} />}
      <main className="desk-body" hidden={mode !== 'clues'}>
        <QueuePanel
          {...q}
          region={region}
          now={now}
          selected={selected}
          tree={tree}
          onSelect={(id) => (setDraft(null), setStep(null), setSelected(id))}
        />
        <DeskMapPanel
          geo={geo}
          snapshot={snapshot}
          clues={clues}
          selected={selected}
          now={now}
          draft={draft}
          onPick={onPick}
        />
        <DeskSide
          draft={draft}
          current={current}
          places={places}
          snapshot={snapshot}
          step={step}
          setStep={setStep}
          setDraft={setDraft}
          onDone={(c) => {
            upsert(c);
            setDraft(null);
            setSelected(c.id);
          }}
          upsert={upsert}
        />
      </main>
    </div>
  );
}
