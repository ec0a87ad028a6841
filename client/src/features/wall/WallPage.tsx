import { lazy, memo, Suspense, useEffect, useMemo, type ReactNode } from 'react';
import { useLocation, useParams } from 'react-router';
import { ErrorCode, type UiConfig } from '@zhihui/shared';
import { api } from '../../lib/api';
import { useMinute, useNow } from '../../lib/clock';
import { useFetch } from '../../lib/useFetch';
import { t } from '../../lib/i18n';
import type { SectionProps } from '../../lib/section';
import { shanghaiHour } from '../../lib/time';
import { useWallState, useWallStore } from './useWall';
import type { WallStore } from './wallStore';
import { isDimHour, parseWallParams, pixelShift, type WallParams } from './wallParams';
import type { WallState } from '../../lib/section';
import { ConnectionBanner } from '../../ui/ConnectionBanner';
import { PanelBoundary } from '../../ui/PanelBoundary';
import { Panel } from '../../ui/Panel';
import { ScaledCanvas, useCanvas } from '../../ui/ScaledCanvas';
import { ClueListPanel } from '../clues/ClueListPanel';
import { CluesPanel } from '../clues/CluesPanel';
import { GridPanel } from '../grid/GridPanels';
import { mapPanelTitle } from '../map/mapPanelTitle';
import { AlertStrip } from '../video/AlertStrip';
import { DownLongestPanel } from '../video/DownLongestPanel';
import { RankingPanel } from '../video/RankingPanel';
import { TrendPanel } from '../video/TrendPanel';
import { VideoOverviewPanel } from '../video/VideoOverviewPanel';
import { WallVoice } from '../voice/WallVoice';
import { KeyChannelsPanel } from '../video/KeyChannelsPanel';
import { keyTilesParam } from '../video/keyTiles';
import { VideoDock } from '../video/VideoDock';
import { VideoProvider } from '../video/VideoProvider';
import { WallHeader } from './WallHeader';
import { sectionPanel } from './sectionMemo';
import { useScene } from './useScene';

// The map's code (maplibre, about a megabyte) is fetched when the first snapshot is in, so that
// evaluating it does not hold up the figures: the rate shows first, the map fills its panel next.
const WallMap = lazy(() => import('../map/WallMap').then((m) => ({ default: m.WallMap })));

const CODE = /^(\d{6}|\d{9}|\d{12})$/;

// A wall render for new figures re-renders only what shows them: the panels below compare what
// they read (the parts of the snapshot named here, their change time) and skip the render when
// it is the same. The rest (counts, lists, map) read parts that every camera delta moves.
const Trend = sectionPanel(TrendPanel, (s) => [s.trend]);
const Clues = sectionPanel(CluesPanel, (s) => [s.figures.today.clues, s.clues]);
const ClueList = sectionPanel(ClueListPanel, (s) => [s.clues, s.region, s.children, s.periods.today.from]);
const KeyChannels = memo(KeyChannelsPanel);
const Dock = memo(VideoDock);
const Header = memo(WallHeader);
const Veil = memo(DimVeil);
// The banner shows the moment of loss only while the link is lost.
const Banner = memo(
  ConnectionBanner,
  (a, b) =>
    a.link === b.link &&
    a.hasData === b.hasData &&
    a.refused === b.refused &&
    (a.currentAt === b.currentAt || (a.link !== 'lost' && b.link !== 'lost')),
);

/** The server's UI settings (tile URL); asked again every 10 s until the server answers. */
function useUiConfig(): UiConfig | null {
  return useFetch('ui', (signal) => api.uiConfig(signal), { retryMs: 10_000 }).data;
}

/** /wall/:region — the big screen. */
export function WallPage() {
  const { region = '' } = useParams();
  const { search } = useLocation();
  const params = useMemo(() => parseWallParams(search), [search]);
  const minute = useMinute();
  const shift = pixelShift(params.shiftPx, minute);
  if (!CODE.test(region)) {
    return (
      <ScaledCanvas layout={params.layout}>
        <div className="wall wall--message">
          <div className="splash__error">{t('link.unknownRegion', { code: region })}</div>
        </div>
      </ScaledCanvas>
    );
  }
  return (
    <ScaledCanvas layout={params.layout} shift={shift}>
      <Wall region={region} params={params} />
    </ScaledCanvas>
  );
}

function Wall(props: { region: string; params: WallParams }) {
  const store = useWallStore(props.region);
  const state = useWallState(store);
  const cfg = useUiConfig();
  const { layout } = useCanvas();
  const snapshot = state?.snapshot ?? null;
  const link = state?.link ?? 'connecting';
  useEffect(() => {
    document.title = `${snapshot?.region.name ?? props.region} · ${t('app.title')}`;
  }, [snapshot?.region.name, props.region]);
  return (
    <div
      className={`wall wall--${layout} ${link === 'lost' ? 'wall--lost' : ''}`}
      data-testid="wall"
      data-link={link}
      data-seq={snapshot?.seq ?? -1}
      data-today-from={snapshot?.periods.today.from}
      data-today-to={snapshot?.periods.today.to}
    >
      <div className="wall__backdrop" />
      <Header region={snapshot?.region ?? null} regionCode={props.region} path={snapshot?.path ?? []} link={link} />
      {state && snapshot ? (
        <WallBody state={state} store={store} params={props.params} tileUrl={cfg?.tileUrl ?? null} />
      ) : (
        <Splash state={state} region={props.region} />
      )}
      <Banner
        link={link}
        currentAt={state?.currentAt ?? null}
        hasData={snapshot !== null}
        refused={state?.refused ?? null}
      />
      <Veil params={props.params} />
      {props.params.sound && state ? (
        <WallVoice region={props.region} state={state} announceSec={props.params.announceSec} />
      ) : null}
    </div>
  );
}

/** The map panel's frame while the map's code is still on its way. */
function MapPending(props: { name: string }) {
  return (
    <Panel title={mapPanelTitle(props.name)} testId="panel-map-pending" className="panel--map">
      <div className="map-pending" />
    </Panel>
  );
}

/** Each panel in its own error boundary: one panel's crash leaves the rest of the wall up. */
const boxed = (name: string, panel: ReactNode) => <PanelBoundary name={name}>{panel}</PanelBoundary>;

type Scene = ReturnType<typeof useScene>;
type PanelName = 'video' | 'ranking' | 'trend' | 'down' | 'clues' | 'clueList' | 'grid' | 'key' | 'map';
type WallPanels = Record<PanelName, ReactNode>;

/**
 * The wall's panels, each fed the section of the snapshot it shows and when that last changed;
 * the map also reads its points from the store as deltas land.
 */
function wallPanels(
  { state, store }: { state: WallState; store: WallStore },
  params: WallParams,
  tileUrl: string | null,
  scene: Scene,
): WallPanels {
  const snapshot = state.snapshot!;
  const stale = state.link !== 'live';
  const section = (changedAt: number): SectionProps => ({ snapshot, stale, changedAt, currentAt: state.currentAt });
  const cams = section(state.changed.cameras);
  const clues = section(state.changed.clues);
  return {
    video: boxed('video', <VideoOverviewPanel {...cams} />),
    ranking: boxed('ranking', <RankingPanel {...cams} />),
    trend: boxed('trend', <Trend {...section(state.changed.trend)} />),
    down: boxed('down', <DownLongestPanel {...cams} />),
    clues: boxed('clues', <Clues {...clues} />),
    clueList: boxed('clue-list', <ClueList {...clues} />),
    grid: boxed('grid', <GridPanel {...section(state.changed.grid)} />),
    key: boxed('key-channels', <KeyChannels />),
    map: (
      <div className="col col--map">
        {boxed(
          'map',
          <Suspense fallback={<MapPending name={snapshot.region.name} />}>
            <WallMap
              snapshot={snapshot}
              store={store}
              arrivals={state.arrivals}
              scene={scene}
              urgentSec={params.urgentSec}
              tileUrl={tileUrl}
              stale={stale}
              changedAt={state.changed.cameras}
              currentAt={state.currentAt}
            />
          </Suspense>,
        )}
        {boxed('alerts', <AlertStrip {...cams} />)}
        <Dock variant="wall" />
      </div>
    ),
  };
}

/** The wide wall (32:9, 3840×1080): two columns either side of the map. */
function wideColumns(p: WallPanels) {
  return (
    <main className="wall__body">
      <div className="col col--a">
        {p.video}
        {p.trend}
      </div>
      <div className="col col--b">
        {p.ranking}
        {p.down}
      </div>
      {p.map}
      <div className="col col--c">
        {p.clues}
        {p.grid}
      </div>
      <div className="col col--d">
        {p.clueList}
        {p.key}
      </div>
    </main>
  );
}

/** The standard wall (16:9, 1920×1080): a column either side of the map and video row. */
function standardColumns(p: WallPanels) {
  return (
    <main className="wall__body">
      <div className="col col--left">
        {p.video}
        {p.ranking}
        {p.trend}
      </div>
      <div className="col col--center">
        {p.map}
        <div className="video-row">
          {p.down}
          {p.key}
        </div>
      </div>
      <div className="col col--right">
        {p.clues}
        {p.clueList}
        {p.grid}
      </div>
    </main>
  );
}

function WallBody(props: { state: WallState; store: WallStore; params: WallParams; tileUrl: string | null }) {
  const { state, store, params } = props;
  const snapshot = state.snapshot!;
  const { layout } = useCanvas();
  const scene = useScene(snapshot.children.length, params.overviewSec, params.rotateSec);
  const keyTiles = keyTilesParam(useLocation().search);
  const panels = wallPanels({ state, store }, params, props.tileUrl, scene);
  return (
    <VideoProvider
      region={snapshot.region.code}
      keyTiles={keyTiles}
      arrivals={state.arrivals}
      urgentSec={params.urgentSec}
    >
      {layout === 'wide' ? wideColumns(panels) : standardColumns(panels)}
    </VideoProvider>
  );
}

function Splash(props: { state: WallState | null; region: string }) {
  const err = props.state?.error;
  return (
    <div className="splash" data-testid="splash">
      <div className="splash__ring" />
      {err ? (
        <div className="splash__error">
          {err.code === ErrorCode.unknownRegion
            ? t('link.unknownRegion', { code: props.region })
            : t('link.error', { message: err.message })}
        </div>
      ) : (
        <div className="splash__text">
          {props.state?.link === 'lost' ? t('link.reconnecting') : t('link.connecting')}
        </div>
      )}
    </div>
  );
}

/** Night dimming: a dark veil over the wall during the configured hours. */
function DimVeil(props: { params: WallParams }) {
  const now = useNow();
  if (!isDimHour(props.params.dim, shanghaiHour(now))) return null;
  return <div className="dim-veil" data-testid="dim-veil" style={{ opacity: props.params.dimLevel }} />;
}
