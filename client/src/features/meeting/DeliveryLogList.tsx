import type { Delivery, Period } from '@zhihui/shared';
import { ApiError } from '../../lib/api';
import { useFetch } from '../../lib/useFetch';
import { Status } from './DrillPanel';
import { fmtTime } from './format';
import { mt } from './meetingText';

async function deliveries(code: string, p: Period, signal: AbortSignal): Promise<{ items: Delivery[] }> {
  const q = new URLSearchParams({ region: code, from: p.from, to: p.to, limit: '300' });
  const res = await fetch(`/api/v1/notifications/deliveries?${q}`, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, res.statusText);
  return (await res.json()) as { items: Delivery[] };
}

const say = (prefix: 'notify.kind.' | 'notify.status.', v: string) => {
  const key = `${prefix}${v}` as Parameters<typeof mt>[0];
  const s = mt(key);
  return s === key ? v : s;
};

/**
 * The delivery log tab: every alert, recovery and digest sent about the region in the period,
 * through which channel, and what became of it (delivered, failed with the reason, merged into
 * one message at the robots' limit, held through quiet hours).
 */
export function DeliveryLogList(props: { code: string; period: Period; names: ReadonlyMap<string, string> }) {
  const load = useFetch(`${props.code}|${props.period.from}|${props.period.to}`, (s) =>
    deliveries(props.code, props.period, s),
  );
  const items = load.data?.items ?? [];
  return (
    <div className="mt-scroll" data-testid="delivery-log">
      <Status load={load} empty={items.length === 0} emptyText={mt('notify.none')} />
      {items.length > 0 && (
        <table className="mt-table mt-list">
          <thead>
            <tr>
              <th>{mt('notify.time')}</th>
              <th>{mt('notify.kind')}</th>
              <th>{mt('notify.title')}</th>
              <th>{mt('notify.channel')}</th>
              <th>{mt('notify.status')}</th>
              <th>{mt('notify.attempts')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
                <td>{fmtTime(d.sentAt ?? d.createdAt)}</td>
                <td>{say('notify.kind.', d.kind)}</td>
                <td title={d.message.headline ?? d.title}>
                  {d.message.headline ?? d.title}
                  <div className="mt-sub">{props.names.get(d.region) ?? d.region}</div>
                </td>
                <td>{d.channel}</td>
                <td>
                  <span
                    className={`mt-state mt-state--${d.status === 'sent' || d.status === 'merged' ? 'online' : d.status === 'failed' ? 'offline' : 'unknown'}`}
                  >
                    {say('notify.status.', d.status)}
                  </span>
                  {d.error && d.status === 'failed' ? <div className="mt-sub">{d.error}</div> : null}
                </td>
                <td className="mt-num">{d.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
