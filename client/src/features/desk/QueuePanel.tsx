import { CLUE_CATEGORIES, type Clue, type ClueCategory, type Region, type RegionTree } from '@zhihui/shared';
import { label } from '../../lib/i18n';
import { dt } from './deskText';
import { deskStamp } from './deskTime';
import { QUEUES, type Queue } from './queues';

/** The category and place filters: what they are set to, and the places of the desk's region. */
interface FilterProps {
  category: ClueCategory | null;
  setCategory: (c: ClueCategory | null) => void;
  place: string | null;
  setPlace: (p: string | null) => void;
  places: Region[];
  region: string;
}

function QueueFilters(props: FilterProps) {
  const { category, setCategory, place, setPlace, places, region } = props;
  return (
    <div className="desk-filters">
      <label>
        {dt('filterCategory')}
        <select
          value={category ?? ''}
          onChange={(e) => setCategory((e.target.value || null) as ClueCategory | null)}
          data-testid="filter-category"
        >
          <option value="">{dt('any')}</option>
          {CLUE_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {label('category', c)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {dt('filterPlace')}
        <select value={place ?? ''} onChange={(e) => setPlace(e.target.value || null)} data-testid="filter-place">
          <option value="">{dt('any')}</option>
          {places
            .filter((p) => p.code !== region)
            .map((p) => (
              <option key={p.code} value={p.code}>
                {p.level === 'village' ? ' · ' : ''}
                {p.name}
              </option>
            ))}
        </select>
      </label>
    </div>
  );
}

/** The queues with their counts, the category and place filters, and the chosen queue's clues. */
export function QueuePanel(
  props: FilterProps & {
    queue: Queue;
    setQueue: (q: Queue) => void;
    counts: Record<Queue, number>;
    items: Clue[];
    now: number;
    selected: string | null;
    tree: RegionTree;
    onSelect: (id: string) => void;
  },
) {
  const { queue, setQueue, counts, items, now, selected, tree } = props;
  return (
    <aside className="desk-queues">
      <nav className="desk-tabs" role="tablist">
        {QUEUES.map((q, i) => (
          <button
            key={q}
            type="button"
            role="tab"
            aria-selected={queue === q}
            className={`desk-tab desk-tab--${q}${queue === q ? ' is-active' : ''}`}
            onClick={() => setQueue(q)}
            data-queue={q}
          >
            <span className="desk-tab__key">{i + 1}</span>
            {dt(`queue_${q}`)}
            <b>{counts[q]}</b>
          </button>
        ))}
      </nav>
      <QueueFilters {...props} />
      <ul className="desk-list" data-testid="desk-list">
        {items.length === 0 && <li className="desk-list__empty">{dt('empty')}</li>}
        {items.slice(0, 200).map((c) => (
          <ClueRow
            key={c.id}
            clue={c}
            now={now}
            active={c.id === selected}
            regionName={tree.byCode.get(c.region)?.name ?? c.region}
            onSelect={() => props.onSelect(c.id)}
          />
        ))}
      </ul>
    </aside>
  );
}

function ClueRow(props: { clue: Clue; now: number; active: boolean; regionName: string; onSelect: () => void }) {
  const c = props.clue;
  const open = c.status === 'reported' || c.status === 'verified' || c.status === 'dispatched';
  const overdue = open && c.dueAt !== null && Date.parse(c.dueAt) < props.now;
  return (
    <li>
      <button
        type="button"
        className={`desk-row${props.active ? ' is-active' : ''}${overdue ? ' is-overdue' : ''}`}
        onClick={props.onSelect}
        data-clue={c.id}
      >
        <span className={`tag tag--${c.status}`}>{label('status', c.status)}</span>
        <span className="desk-row__title">
          {c.urgent && <i className="desk-row__urgent">急</i>}
          {c.title}
        </span>
        <span className="desk-row__meta">
          {label('category', c.category)} · {props.regionName}
        </span>
        <span className={`desk-row__due${overdue ? ' is-overdue' : ''}`}>{deskStamp(c.dueAt)}</span>
      </button>
    </li>
  );
}
