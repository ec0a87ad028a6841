import { useMemo } from 'react';
import { api } from '../../lib/api';
import { useFetch } from '../../lib/useFetch';
import { NO_DATA_COLOR, RATE_BANDS, rateColor } from '../../lib/rateBands';
import { formatRate } from '@zhihui/shared';
import type { Ranking } from './meetingApi';
import { mt } from './meetingText';
import { projectRegions } from './regionMap';

const W = 760;
const H = 560;

/**
 * The child regions coloured by their time-weighted rate for the period, as SVG: every region is
 * a click target (drill-down), it prints, and it needs no WebGL in the meeting room's PC.
 */
export function RegionMap(props: {
  code: string;
  ranking: Ranking;
  centers: ReadonlyMap<string, [number, number]>;
  hover: string | null;
  onHover: (c: string | null) => void;
  onOpen: (code: string) => void;
}) {
  const fetched = useFetch(props.code, (s) => api.regionGeo(props.code, s));
  const geo = fetched.loading ? null : fetched.data;
  const map = useMemo(
    () => (geo ? projectRegions(geo.children.features, geo.outline, props.centers, W, H) : null),
    [geo, props.centers],
  );
  const byCode = useMemo(() => new Map(props.ranking.rows.map((r) => [r.region.code, r])), [props.ranking]);
  if (!map || map.shapes.length === 0) return <div className="mt-map mt-map--empty" data-testid="meeting-map" />;
  return (
    <div className="mt-map" data-testid="meeting-map">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={mt('map')}>
        <defs>
          <filter id="mt-glow" x="-10%" y="-10%" width="120%" height="120%">
            <feGaussianBlur stdDeviation="6" />
          </filter>
        </defs>
        {map.outline && <path d={map.outline} className="mt-map__glow" filter="url(#mt-glow)" />}
        {map.shapes.map((s) => {
          const row = byCode.get(s.code);
          const rate = row?.current.cameras.timeWeightedRate ?? null;
          return (
            <path
              key={s.code}
              d={s.d}
              className={`mt-map__area ${props.hover === s.code ? 'mt-map__area--hover' : ''}`}
              style={{ fill: row ? rateColor(rate) : NO_DATA_COLOR }}
              data-testid="map-area"
              data-code={s.code}
              onMouseEnter={() => props.onHover(s.code)}
              onMouseLeave={() => props.onHover(null)}
              onClick={() => props.onOpen(s.code)}
            />
          );
        })}
        {map.outline && <path d={map.outline} className="mt-map__outline" />}
        {map.shapes.map((s) => {
          const row = byCode.get(s.code);
          return (
            <g
              key={`l${s.code}`}
              className="mt-map__label"
              transform={`translate(${s.label[0].toFixed(1)} ${s.label[1].toFixed(1)})`}
              onClick={() => props.onOpen(s.code)}
            >
              <text className="mt-map__name" y={-4}>
                {s.name}
              </text>
              <text className="mt-map__rate" y={22}>
                {row ? formatRate(row.current.cameras.timeWeightedRate) : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="mt-legend">
        {RATE_BANDS.map((b, i) => (
          <span key={b.key} className="mt-legend__item">
            <i style={{ background: b.color }} />
            {i === 0 ? `≥ ${formatRate(b.min, 0)}` : `${formatRate(b.min, 0)}–${formatRate(RATE_BANDS[i - 1]!.min, 0)}`}
          </span>
        ))}
        <span className="mt-legend__item">
          <i style={{ background: NO_DATA_COLOR }} />
          {mt('noValue')}
        </span>
      </div>
    </div>
  );
}
