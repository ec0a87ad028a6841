import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useChannelPlayer } from '../../lib/channelPlayer';
import { formatRate, type DownChannel } from '@zhihui/shared';
import { useNow } from '../../lib/clock';
import { getLocale, t, wallLabel } from '../../lib/i18n';
import { formatDuration, shanghaiHour } from '../../lib/time';
import { EChart } from '../../ui/EChart';
import { FitText } from '../../ui/FitText';
import { Panel } from '../../ui/Panel';
import { useFitRows } from '../../ui/useFitRows';
import { rateBandKey } from '../../lib/rateBands';
import type { SectionProps } from '../../lib/section';
import { alertsByRegion } from './alerts';
import { channelLabel, downByReason, downPlace, rankingOption, rankingRows, trendOption } from './videoOptions';

/** 公共视频: the operational rate as the wall's headline figure, with the counts behind it. */
export function VideoOverviewPanel(p: SectionProps) {
  const c = p.snapshot.figures.today.cameras;
  const counted = c.inService - c.maintenance;
  const pct = c.operationalRate === null ? 0 : c.operationalRate * 100;
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
          <Stat cls="online" label={t('video.online')} value={c.online} />
          <Stat cls="offline" label={t('video.offline')} value={c.offline} />
          <Stat cls="unknown" label={t('video.unknown')} value={c.unknown} />
          <Stat cls="maint" label={t('video.maintenance')} value={c.maintenance} />
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

/** 运行率排名: child regions by rate; on a township wall, its down channels by reason. */
export function RankingPanel(p: SectionProps) {
  const s = p.snapshot;
  const { children, childFigures } = s;
  const rows = useMemo(() => rankingRows({ children, childFigures }), [children, childFigures]);
  const option = useMemo(() => rankingOption(rows), [rows]);
  const reasons = useMemo(
    () => (s.children.length === 0 ? downByReason(s.cameras) : []),
    [s.children.length, s.cameras],
  );
  return (
    <Panel
      title={s.children.length > 0 ? t('panel.ranking') : t('panel.downReasons')}
      testId="panel-ranking"
      stale={p.stale}
      changedAt={p.changedAt}
      currentAt={p.currentAt}
    >
      {s.children.length > 0 ? (
        <EChart option={option} className="chart" testId="ranking-chart" />
      ) : (
        <ul className="reasons">
          {reasons.length === 0 && <li className="reasons__none">{t('video.noneDown')}</li>}
          {reasons.map((r) => (
            <li key={r.reason} className="reasons__row">
              <span className="reasons__name">
                {r.reason === 'none' ? wallLabel('state', 'unknown') : wallLabel('reason', r.reason)}
              </span>
              <b>
                {r.n}
                <small>{t('unit.channels')}</small>
              </b>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

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

const DOWN_ROW_PX = 36;
const DOWN_ROW_GAP = 6;

/** 离线时间最长: the channels down the longest, with where, why and for how long. */
export function DownLongestPanel(p: SectionProps) {
  const now = useNow();
  const [boxRef, fit] = useFitRows<HTMLDivElement>(DOWN_ROW_PX, DOWN_ROW_GAP, 4);
  const list = p.snapshot.downLongest.slice(0, fit);
  const play = useChannelPlayer();
  return (
    <Panel title={t('panel.down')} testId="panel-down" stale={p.stale} changedAt={p.changedAt} currentAt={p.currentAt}>
      <div className="fill" ref={boxRef}>
        {list.length === 0 ? (
          <div className="empty">{t('video.noneDown')}</div>
        ) : (
          <table className="down">
            <tbody>
              {list.map((d) => (
                <tr
                  key={d.id}
                  className={`down__row down__row--${d.state}`}
                  data-testid="down-row"
                  data-id={d.id}
                  onClick={play ? () => play({ channelId: d.id, from: 'down' }) : undefined}
                >
                  <td className="down__name" title={d.name}>
                    {channelLabel(d.name, d.regionName)}
                  </td>
                  <DownPlaceCell channel={d} />
                  <td className="down__reason">
                    {d.reason ? wallLabel('reason', d.reason as never) : wallLabel('state', d.state)}
                  </td>
                  <td className="down__dur">{formatDuration(now - Date.parse(d.since))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Panel>
  );
}

/** The county (on a city wall) in full, the township after it in a quieter tone. */
function DownPlaceCell(props: { channel: DownChannel }) {
  const place = downPlace(props.channel);
  const full = place.within ? `${place.child} · ${place.within}` : place.child;
  return (
    <td className="down__region" title={full}>
      {place.child}
      {place.within && <span className="down__within"> · {place.within}</span>}
    </td>
  );
}

/** One line per child region with trouble, worst first; a calm line when there is none. */
export function AlertStrip(p: SectionProps) {
  const now = useNow();
  const minute = Math.floor(now / 60_000);
  const s = p.snapshot;
  const alerts = useMemo(() => alertsByRegion(s, minute * 60_000), [s, minute]);
  const childLevel = s.children[0]?.level ?? s.region.level;
  const [trackRef, itemsRef, scrolls] = useMarquee(alerts.length > 0);
  return (
    <div className={`alerts ${p.stale ? 'alerts--stale' : ''}`} data-testid="alerts">
      <span className="alerts__title">{t('panel.alerts')}</span>
      <div className="alerts__track" ref={trackRef}>
        {alerts.length === 0 ? (
          <span className="alerts__calm">{t('alerts.none', { level: wallLabel('level', childLevel) })}</span>
        ) : (
          <div ref={itemsRef} className={`alerts__items ${scrolls ? 'alerts__items--scroll' : ''}`}>
            {[...alerts, ...(scrolls ? alerts : [])].map((a, i) => (
              <span
                className="alerts__item"
                key={`${a.code}-${i}`}
                data-testid={i < alerts.length ? 'alert-item' : undefined}
              >
                {a.down > 0 && (
                  <span className="alerts__down">{t('alerts.offline', { region: a.name, n: a.down })}</span>
                )}
                {a.overdue > 0 && (
                  <span className="alerts__overdue">
                    {a.down > 0
                      ? t('alerts.overdueMore', { n: a.overdue })
                      : t('alerts.overdue', { region: a.name, n: a.overdue })}
                  </span>
                )}
              </span>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

/**
 * Whether the alert line is wider than its track: only then does it scroll (as two copies, so the
 * loop is seamless). Measured, not counted, so a long English line scrolls and three short
 * Chinese ones stand still. Measured when the track or the line changes size (a ResizeObserver
 * reports after layout), not on every update: new counts that leave the line as wide as it was
 * force no layout.
 */
function useMarquee(hasItems: boolean) {
  const track = useRef<HTMLDivElement>(null);
  const items = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useLayoutEffect(() => {
    const tr = track.current;
    const it = items.current;
    if (!tr || !it) {
      setScrolls(false);
      return;
    }
    const ro = new ResizeObserver(() => {
      // While scrolling the line holds two copies: one copy is half of it.
      const one = it.classList.contains('alerts__items--scroll') ? it.scrollWidth / 2 : it.scrollWidth;
      setScrolls(one > tr.clientWidth + 1);
    });
    ro.observe(tr);
    ro.observe(it);
    return () => ro.disconnect();
  }, [hasItems]);
  return [track, items, scrolls] as const;
}
