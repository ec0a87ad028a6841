import { useState, type FormEvent, type ReactNode } from 'react';
import {
  APPEAL_OUTCOMES,
  CLUE_CATEGORIES,
  type Appeal,
  type AppealOutcome,
  type ClueCategory,
  type Topic,
  type VillageBoard,
} from '@zhihui/shared';
import { getLocale, label } from '../../lib/i18n';
import { DeskError, deskApi } from '../../lib/personApi';
import { useFetch } from '../../lib/useFetch';
import { deskStamp, localToIso } from './deskTime';

const OUTCOME_ZH: Record<AppealOutcome, string> = { resolved: '已解决', explained: '已解释答复', referred: '已转办' };
const OUTCOME_EN: Record<AppealOutcome, string> = {
  resolved: 'Resolved',
  explained: 'Explained',
  referred: 'Referred',
};
const outcomeLabel = (o: AppealOutcome) => (getLocale() === 'en' ? OUTCOME_EN : OUTCOME_ZH)[o];
const zh = () => getLocale() !== 'en';
const NONE: never[] = [];
const thisMonth = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);

/** A form field with its refusal next to it. */
function Field(props: { name: string; label: string; fields: Record<string, string>; children: ReactNode }) {
  return (
    <label>
      <span>{props.label}</span>
      {props.children}
      {props.fields[props.name] && (
        <em className="field-error" data-field={props.name}>
          {props.fields[props.name]}
        </em>
      )}
    </label>
  );
}

/** Runs a request, turning a refusal into field errors (or one message). */
async function attempt<T>(
  run: () => Promise<T>,
  setFields: (f: Record<string, string>) => void,
  setError: (e: string | null) => void,
): Promise<T | null> {
  setFields({});
  setError(null);
  try {
    return await run();
  } catch (err) {
    if (err instanceof DeskError) {
      setFields(err.fields);
      if (Object.keys(err.fields).length === 0) setError(err.message);
    } else setError(String(err));
    return null;
  }
}

/** Who raised the appeal, and from which village. */
function WhoRow(props: {
  appellant: string;
  setAppellant: (v: string) => void;
  village: string;
  setVillage: (v: string) => void;
  fields: Record<string, string>;
}) {
  const { appellant, setAppellant, village, setVillage, fields } = props;
  return (
    <div className="desk-form__row">
      <Field name="appellant" label={zh() ? '诉求人' : 'Who'} fields={fields}>
        <input
          name="appellant"
          value={appellant}
          onChange={(e) => setAppellant(e.target.value)}
          aria-invalid={fields.appellant ? true : undefined}
        />
      </Field>
      <Field name="village" label={zh() ? '村' : 'Village'} fields={fields}>
        <input
          name="village"
          value={village}
          onChange={(e) => setVillage(e.target.value)}
          aria-invalid={fields.village ? true : undefined}
        />
      </Field>
    </div>
  );
}

/** 说事: record an appeal. */
function AppealForm(props: { region: string; onDone: (a: Appeal) => void }) {
  const [village, setVillage] = useState('');
  const [appellant, setAppellant] = useState('');
  const [text, setText] = useState('');
  const [category, setCategory] = useState<ClueCategory>('dispute');
  const [heardAt, setHeardAt] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const heard = localToIso(heardAt);
    const a = await attempt(
      () =>
        deskApi.createAppeal({
          region: props.region,
          village,
          appellant,
          text,
          category,
          ...(heard ? { heardAt: heard } : {}),
        }),
      setFields,
      setError,
    );
    if (a) {
      props.onDone(a);
      setAppellant('');
      setText('');
    }
  }
  return (
    <form className="desk-form" onSubmit={submit} noValidate data-testid="appeal-form">
      <h2 className="desk-form__title">{zh() ? '说事 · 登记诉求' : 'Record an appeal'}</h2>
      <WhoRow
        appellant={appellant}
        setAppellant={setAppellant}
        village={village}
        setVillage={setVillage}
        fields={fields}
      />
      <Field name="text" label={zh() ? '诉求内容' : 'What'} fields={fields}>
        <textarea
          name="text"
          rows={2}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-invalid={fields.text ? true : undefined}
        />
      </Field>
      <div className="desk-form__row">
        <Field name="category" label={zh() ? '类别' : 'Category'} fields={fields}>
          <select name="category" value={category} onChange={(e) => setCategory(e.target.value as ClueCategory)}>
            {CLUE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {label('category', c)}
              </option>
            ))}
          </select>
        </Field>
        <Field name="heardAt" label={zh() ? '受理时间(默认现在)' : 'Heard at (default now)'} fields={fields}>
          <input name="heardAt" type="datetime-local" value={heardAt} onChange={(e) => setHeardAt(e.target.value)} />
        </Field>
      </div>
      {error && <p className="desk-error">{error}</p>}
      <div className="desk-form__actions">
        <button type="submit" className="btn btn--primary">
          {zh() ? '登记' : 'Record'}
        </button>
      </div>
    </form>
  );
}

/** From an appeal, a clue on the wall (source 说事儿日), linked back to the appeal. */
async function appealToClue(a: Appeal): Promise<Appeal> {
  const clue = await deskApi.createClue({
    category: a.category,
    source: 'appeal_day',
    region: a.region,
    title: `${a.village}:${a.text}`.slice(0, 200),
    description: `${a.appellant}(${a.village})反映:${a.text}`,
  });
  return deskApi.patchAppeal(a.id, { clueId: clue.id });
}

/** Save, and report the appeal as a clue (or show the clue it became). */
function WorkActions({ a, toClue }: { a: Appeal; toClue: () => void }) {
  return (
    <div className="desk-form__actions">
      <button type="submit" className="btn btn--primary">
        {zh() ? '保存办事' : 'Save'}
      </button>
      {a.clueId === null ? (
        <button type="button" className="btn" onClick={toClue} data-testid="appeal-to-clue">
          {zh() ? '转为线索上报' : 'Report as a clue'}
        </button>
      ) : (
        <span className="tag tag--dispatched" data-testid="appeal-clue">
          {zh() ? '已转线索' : 'Clue'} {a.clueId}
        </span>
      )}
    </div>
  );
}

/** 办事: one owner, a due time, an outcome. */
function WorkForm(props: { appeal: Appeal; onDone: (a: Appeal) => void }) {
  const a = props.appeal;
  const [owner, setOwner] = useState(a.owner ?? '');
  const [dueAt, setDueAt] = useState('');
  const [outcome, setOutcome] = useState<AppealOutcome | ''>(a.outcome ?? '');
  const [note, setNote] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const toClue = async () => {
    const next = await attempt(() => appealToClue(a), setFields, setError);
    if (next) props.onDone(next);
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    const due = localToIso(dueAt);
    const body = {
      ...(owner !== (a.owner ?? '') ? { owner } : {}),
      ...(due ? { dueAt: due } : {}),
      ...(outcome && outcome !== a.outcome ? { outcome } : {}),
      ...(note ? { note } : {}),
    };
    const next = await attempt(() => deskApi.patchAppeal(a.id, body), setFields, setError);
    if (next) props.onDone(next);
  }
  return (
    <form className="desk-form desk-form--step" onSubmit={submit} noValidate data-testid="work-form">
      <h3 className="desk-detail__h3">
        {a.appellant} · {a.village} · {label('category', a.category)}{' '}
        {a.appealDay && <span className="tag tag--dispatched">说事儿日</span>}
      </h3>
      <p className="desk-detail__desc">{a.text}</p>
      <div className="desk-form__row">
        <Field name="owner" label={zh() ? '责任人/单位' : 'Owner'} fields={fields}>
          <input
            name="owner"
            value={owner}
            onChange={(e) => setOwner(e.target.value)}
            aria-invalid={fields.owner ? true : undefined}
          />
        </Field>
        <Field name="dueAt" label={`${zh() ? '办理时限' : 'Due'} (${deskStamp(a.dueAt)})`} fields={fields}>
          <input
            name="dueAt"
            type="datetime-local"
            value={dueAt}
            onChange={(e) => setDueAt(e.target.value)}
            aria-invalid={fields.dueAt ? true : undefined}
          />
        </Field>
      </div>
      <div className="desk-form__row">
        <Field name="outcome" label={zh() ? '办理结果' : 'Outcome'} fields={fields}>
          <select name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value as AppealOutcome | '')}>
            <option value="">{zh() ? '办理中' : 'In hand'}</option>
            {APPEAL_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {outcomeLabel(o)}
              </option>
            ))}
          </select>
        </Field>
        <Field name="note" label={zh() ? '说明' : 'Note'} fields={fields}>
          <input name="note" value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      </div>
      {error && <p className="desk-error">{error}</p>}
      <WorkActions a={a} toClue={toClue} />
    </form>
  );
}

/** 议事: the checked appeals become a topic for the 26th, with a decision. */
function TopicForm(props: { region: string; ids: string[]; onDone: (t: Topic) => void }) {
  const [title, setTitle] = useState('');
  const [decision, setDecision] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await attempt(
      () =>
        deskApi.createTopic({ region: props.region, title, appealIds: props.ids, ...(decision ? { decision } : {}) }),
      setFields,
      setError,
    );
    if (r) props.onDone(r.topic);
  }
  return (
    <form className="desk-form desk-form--step" onSubmit={submit} noValidate data-testid="topic-form">
      <h3 className="desk-detail__h3">
        {zh()
          ? `议事 · ${props.ids.length} 件诉求组成议题(26日集中议事)`
          : `Topic of ${props.ids.length} appeals (the 26th)`}
      </h3>
      <Field name="title" label={zh() ? '议题' : 'Title'} fields={fields}>
        <input
          name="title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={fields.title ? true : undefined}
        />
      </Field>
      <Field name="decision" label={zh() ? '议定事项' : 'Decision'} fields={fields}>
        <textarea name="decision" rows={2} value={decision} onChange={(e) => setDecision(e.target.value)} />
      </Field>
      {fields.appealIds && (
        <em className="field-error" data-field="appealIds">
          {fields.appealIds}
        </em>
      )}
      {error && <p className="desk-error">{error}</p>}
      <div className="desk-form__actions">
        <button type="submit" className="btn btn--primary">
          {zh() ? '组成议题' : 'Make topic'}
        </button>
      </div>
    </form>
  );
}

/** One appeal in the month's list: checkbox for a topic, who and where, and how it stands. */
function AppealRow(props: {
  a: Appeal;
  active: boolean;
  checked: boolean;
  onToggle: () => void;
  onSelect: () => void;
  topic: string | null;
}) {
  const { a, active, checked, onToggle, onSelect, topic } = props;
  return (
    <li className={`desk-appeal${active ? ' is-active' : ''}`}>
      <input type="checkbox" aria-label="select" checked={checked} disabled={a.topicId !== null} onChange={onToggle} />
      <button type="button" className="desk-appeal__main" onClick={onSelect} data-appeal={a.id}>
        <span className="desk-appeal__who">
          {a.appellant} · {a.village}
          {a.appealDay && <i className="desk-appeal__day">说事儿日</i>}
        </span>
        <span className="desk-appeal__text">{a.text}</span>
        <span className="desk-appeal__meta">
          {deskStamp(a.heardAt)} · {label('category', a.category)} · {a.owner ?? (zh() ? '未定责任人' : 'no owner')}
          {topic && ` · 议题:${topic}`}
        </span>
      </button>
      <span className={`tag ${a.outcome ? 'tag--resolved' : 'tag--reported'}`}>
        {a.outcome ? outcomeLabel(a.outcome) : zh() ? '办理中' : 'Open'}
      </span>
    </li>
  );
}

/** 评事: the month's red and black list of villages. */
function BoardPanel({ board, month }: { board: VillageBoard; month: string }) {
  return (
    <div className="desk-board" data-testid="desk-board">
      <h3 className="desk-detail__h3">{zh() ? `评事 · ${month} 红黑榜` : `Red/black list ${month}`}</h3>
      <p>
        <b className="desk-board__red">{zh() ? '红榜' : 'Red'}</b> {board.red.join('、') || '—'}
      </p>
      <p>
        <b className="desk-board__black">{zh() ? '黑榜' : 'Black'}</b> {board.black.join('、') || '—'}
      </p>
    </div>
  );
}

/** The month shown, and what it holds: appeals, how many are done, topics. */
function MonthBar(props: { month: string; setMonth: (m: string) => void; appeals: Appeal[]; topics: Topic[] }) {
  const { month, setMonth, appeals, topics } = props;
  return (
    <div className="desk-filters">
      <label>
        {zh() ? '月份' : 'Month'}
        <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="appeal-month" />
      </label>
      <span className="desk-appeals__count">
        {zh()
          ? `诉求 ${appeals.length} 件 · 已办结 ${appeals.filter((a) => a.outcome).length} 件 · 议题 ${topics.length} 个`
          : `${appeals.length} appeals · ${appeals.filter((a) => a.outcome).length} done · ${topics.length} topics`}
      </span>
    </div>
  );
}

/**
 * 说事儿 at the desk: the month's appeals of the region (说事), checked ones grouped into a topic
 * (议事), the selected one given an owner, due time and outcome (办事), and the month's red and
 * black list of villages (评事).
 */
export function AppealsView(props: { region: string }) {
  const [month, setMonth] = useState(thisMonth());
  const [selected, setSelected] = useState<string | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [fellBack, setFellBack] = useState(false);
  // Bumped after every write here: the month's lists are read again (the server has the last word).
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  const key = `${props.region}|${month}|${version}`;
  const appealsQ = useFetch(key, (signal) => deskApi.appeals(props.region, month, signal));
  const topicsQ = useFetch(key, (signal) => deskApi.topics(props.region, month, signal));
  const boardQ = useFetch(key, (signal) => deskApi.board(props.region, month, signal));
  const appeals: Appeal[] = appealsQ.data?.items ?? NONE;
  const topics: Topic[] = topicsQ.data?.items ?? NONE;
  const board: VillageBoard | null = boardQ.error ? null : boardQ.data;
  // Early in a month there is little yet: open on the month before until something is heard (once;
  // adjusted while rendering, as React advises for state that follows other state).
  if (!fellBack && !appealsQ.loading && appealsQ.data?.items.length === 0 && month === thisMonth()) {
    setFellBack(true);
    setMonth(new Date(Date.parse(`${month}-01T00:00:00Z`) - 86_400_000).toISOString().slice(0, 7));
  }
  const current = appeals.find((a) => a.id === selected) ?? null;
  const toggle = (id: string) =>
    setChecked((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const topicName = (id: string | null) => topics.find((t) => t.id === id)?.title ?? null;
  return (
    <div className="desk-appeals" data-testid="appeals-view">
      <section className="desk-appeals__list">
        <MonthBar month={month} setMonth={setMonth} appeals={appeals} topics={topics} />
        <ul className="desk-list" data-testid="appeal-list">
          {appeals.length === 0 && (
            <li className="desk-list__empty">{zh() ? '本月暂无诉求' : 'No appeals this month'}</li>
          )}
          {[...appeals]
            .reverse()
            .slice(0, 300)
            .map((a) => (
              <AppealRow
                key={a.id}
                a={a}
                active={a.id === selected}
                checked={checked.has(a.id)}
                onToggle={() => toggle(a.id)}
                onSelect={() => setSelected(a.id)}
                topic={topicName(a.topicId)}
              />
            ))}
        </ul>
      </section>
      <aside className="desk-side">
        <AppealForm
          region={props.region}
          onDone={(a) => {
            // Show the month the appeal was heard in, with it selected.
            setMonth(new Date(Date.parse(a.heardAt) + 8 * 3_600_000).toISOString().slice(0, 7));
            setSelected(a.id);
            reload();
          }}
        />
        {checked.size > 0 && (
          <TopicForm
            region={props.region}
            ids={[...checked]}
            onDone={() => {
              setChecked(new Set());
              reload();
            }}
          />
        )}
        {current && <WorkForm key={current.id + current.updatedAt} appeal={current} onDone={reload} />}
        {board && <BoardPanel board={board} month={month} />}
      </aside>
    </div>
  );
}
