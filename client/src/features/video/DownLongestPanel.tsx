import { useChannelPlayer } from '../../lib/channelPlayer';
import { type DownChannel } from '@zhihui/shared';
import { useNow } from '../../lib/clock';
import { t, wallLabel } from '../../lib/i18n';
import { formatDuration } from '../../lib/time';
import { Panel } from '../../ui/Panel';
import { useFitRows } from '../../ui/useFitRows';
import type { SectionProps } from '../../lib/section';
import { channelLabel, downPlace } from './videoOptions';

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
