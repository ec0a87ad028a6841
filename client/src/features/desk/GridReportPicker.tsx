import { useMemo, useState } from 'react';
import type { GridReportItem } from '@zhihui/shared';
import { getLocale } from '../../lib/i18n';
import { deskApi } from '../../lib/personApi';
import { useFetch } from '../../lib/useFetch';
import { deskStamp } from './deskTime';

/** The line a report shows in the picker: when, where, who, what (cut short), and whether it already raised a clue. */
function optionText(r: GridReportItem, zh: boolean): string {
  const what = r.text.length > 26 ? `${r.text.slice(0, 25)}…` : r.text;
  const raised = r.clueId ? (zh ? ' ·已立线索' : ' · has a clue') : '';
  return `${deskStamp(r.at, true)} ${r.regionName} · ${r.workerName ?? r.workerId} · ${what}${raised}`;
}

/**
 * A picker of the region's recent grid reports (newest first, 20 at a time): the chosen one fills
 * the clue form (see ClueForm). The list is read once per page; "more" follows the API's cursor.
 */
export function GridReportPicker(props: {
  region: string;
  picked: string | null;
  onPick: (r: GridReportItem) => void;
}) {
  const zh = getLocale() !== 'en';
  const [cursor, setCursor] = useState<string | null>(null);
  /** Pages read before the current one (of this region), kept when "more" moves the cursor on. */
  const [earlier, setEarlier] = useState<{ region: string; items: GridReportItem[] }>({ region: '', items: [] });
  const page = useFetch(`${props.region}|${cursor ?? ''}`, (signal) =>
    deskApi.gridReports(props.region, cursor, signal),
  );
  // While the next page loads, the current one is still shown: a report is listed once.
  const items = useMemo(() => {
    const before = earlier.region === props.region ? earlier.items : [];
    const seen = new Set(before.map((r) => r.id));
    return [...before, ...(page.data?.items ?? []).filter((r) => !seen.has(r.id))];
  }, [earlier, props.region, page.data]);
  const next = page.data?.nextCursor ?? null;
  return (
    <div className="desk-form__grid" data-testid="grid-report-picker">
      <label>
        <span>{zh ? '来自网格上报' : 'From a grid report'}</span>
        <select
          name="gridReport"
          value={props.picked ?? ''}
          onChange={(e) => {
            const r = items.find((x) => x.id === e.target.value);
            if (r) props.onPick(r);
          }}
        >
          <option value="">
            {page.loading && items.length === 0
              ? zh
                ? '正在读取网格上报…'
                : 'Loading grid reports…'
              : items.length === 0
                ? zh
                  ? '近 7 天无网格上报'
                  : 'No grid reports in the last 7 days'
                : zh
                  ? `选择近 7 天的网格上报(${items.length}${next ? '+' : ''} 条)`
                  : `Pick one of the last 7 days' grid reports (${items.length}${next ? '+' : ''})`}
          </option>
          {items.map((r) => (
            <option key={r.id} value={r.id}>
              {optionText(r, zh)}
            </option>
          ))}
        </select>
      </label>
      {next && (
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => {
            setEarlier({ region: props.region, items });
            setCursor(next);
          }}
          data-testid="grid-report-more"
        >
          {zh ? '更多' : 'More'}
        </button>
      )}
      {page.error && (
        <em className="field-error" data-field="gridReport">
          {page.error}
        </em>
      )}
    </div>
  );
}
