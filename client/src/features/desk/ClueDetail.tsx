import { useChannelPlayer } from '../../lib/channelPlayer';
import { useState, type FormEvent } from 'react';
import { CLUE_STATUSES, CLUE_TRANSITIONS, type Clue, type ClueEvent, type CluePatch } from '@zhihui/shared';
import { useMinute } from '../../lib/clock';
import { label } from '../../lib/i18n';
import { DeskError, deskApi } from '../../lib/personApi';
import { useFetch } from '../../lib/useFetch';
import { dt } from './deskText';
import { deskStamp, localToIso } from './deskTime';
import { STEP_TARGET, STEPS, type Step } from './queues';

/** A default due time: three days from now, at 18:00 Beijing time. */
function defaultDue(): string {
  const d = new Date(Date.now() + 3 * 86_400_000 + 8 * 3_600_000);
  return `${d.toISOString().slice(0, 10)}T18:00`;
}

/** The status a 409 says the clue is in: the server's word, which the live list may not have heard yet. */
function conflictFrom(details: unknown): Clue['status'] | null {
  const from = (details as { from?: unknown } | null | undefined)?.from;
  return CLUE_STATUSES.find((s) => s === from) ?? null;
}

/**
 * The step form's state: a new step or another clue clears the note and the errors, while the
 * assignee and due time stay for the next dispatch. A 409 shows where the clue is now.
 */
function useStepForm(clue: Clue, step: Step | null, onStep: (s: Step | null) => void, onChanged: (c: Clue) => void) {
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState('');
  const [dueAt, setDueAt] = useState(defaultDue());
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // A new step or another clue starts with an empty form (reset while rendering, not in an effect).
  const form = `${step}|${clue.id}`;
  const [formFor, setFormFor] = useState(form);
  if (formFor !== form) {
    setFormFor(form);
    setFields({});
    setError(null);
    setNote('');
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!step) return;
    setBusy(true);
    setFields({});
    setError(null);
    const body: CluePatch = { status: STEP_TARGET[step] };
    if (note.trim()) body.note = note.trim();
    if (step === 'dispatch') {
      body.assignee = assignee;
      const due = localToIso(dueAt);
      if (due) body.dueAt = due;
    }
    try {
      onChanged(await deskApi.patchClue(clue.id, body));
      onStep(null);
    } catch (err) {
      if (err instanceof DeskError) {
        setFields(err.fields);
        if (err.status === 409) {
          setError(
            dt('badTransition', {
              from: label('status', conflictFrom(err.details) ?? clue.status),
              to: label('status', body.status),
            }) + `(${err.message})`,
          );
          // The clue moved on elsewhere: show where it is now, without waiting for the live update.
          deskApi.clue(clue.id).then(
            ({ history: _history, ...now }) => onChanged(now),
            () => undefined,
          );
        } else if (Object.keys(err.fields).length === 0) setError(err.message);
      } else setError(String(err));
    } finally {
      setBusy(false);
    }
  }
  return { note, setNote, assignee, setAssignee, dueAt, setDueAt, fields, error, busy, submit };
}

/** The form of the chosen step: assignee and due time when dispatching, and a note. */
function StepForm({ step, f, onCancel }: { step: Step; f: ReturnType<typeof useStepForm>; onCancel: () => void }) {
  return (
    <form className="desk-form desk-form--step" onSubmit={f.submit} noValidate data-testid="step-form">
      {step === 'dispatch' && (
        <div className="desk-form__row">
          <label>
            <span>{dt('assignee')}</span>
            <input
              name="assignee"
              value={f.assignee}
              autoFocus
              onChange={(e) => f.setAssignee(e.target.value)}
              placeholder="如:某某镇综治中心 / 县住建局"
              aria-invalid={f.fields.assignee ? true : undefined}
            />
            {f.fields.assignee && (
              <em className="field-error" data-field="assignee">
                {f.fields.assignee}
              </em>
            )}
          </label>
          <label>
            <span>{dt('dueAt')}</span>
            <input
              name="dueAt"
              type="datetime-local"
              value={f.dueAt}
              onChange={(e) => f.setDueAt(e.target.value)}
              aria-invalid={f.fields.dueAt ? true : undefined}
            />
            {f.fields.dueAt && (
              <em className="field-error" data-field="dueAt">
                {f.fields.dueAt}
              </em>
            )}
          </label>
        </div>
      )}
      <label>
        <span>{dt('note')}</span>
        <textarea
          name="note"
          rows={2}
          value={f.note}
          autoFocus={step !== 'dispatch'}
          onChange={(e) => f.setNote(e.target.value)}
          aria-invalid={f.fields.note ? true : undefined}
        />
        {f.fields.note && (
          <em className="field-error" data-field="note">
            {f.fields.note}
          </em>
        )}
      </label>
      {f.error && (
        <p className="desk-error" role="alert" data-testid="step-error">
          {f.error}
        </p>
      )}
      <div className="desk-form__actions">
        <button type="submit" className="btn btn--primary" disabled={f.busy}>
          {dt('confirm')} · {dt(`step_${step}`)}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {dt('cancel')}
        </button>
      </div>
    </form>
  );
}

/** One clue: its facts, its history, and the lifecycle steps the desk may take (the server decides: a bad step is a 409 shown here). */
export function ClueDetail(props: {
  clue: Clue;
  step: Step | null;
  onStep: (s: Step | null) => void;
  onChanged: (c: Clue) => void;
}) {
  const { clue } = props;
  const play = useChannelPlayer();
  // Read again whenever the clue changes (a step here or at another desk); another clue's history is never shown.
  const stored = useFetch(`${clue.id}|${clue.updatedAt}`, (signal) => deskApi.clue(clue.id, signal)).data;
  const history: ClueEvent[] = stored?.id === clue.id ? stored.history : [];

  const f = useStepForm(clue, props.step, props.onStep, props.onChanged);

  const minute = useMinute();
  const allowed = new Set(CLUE_TRANSITIONS[clue.status]);
  const overdue =
    clue.dueAt &&
    Date.parse(clue.dueAt) < minute * 60_000 &&
    ['reported', 'verified', 'dispatched'].includes(clue.status);
  return (
    <section className="desk-detail" data-testid="clue-detail" data-status={clue.status}>
      <header className="desk-detail__head">
        <span className={`tag tag--${clue.status}`}>{label('status', clue.status)}</span>
        {clue.urgent && <span className="tag tag--urgent">{dt('urgent')}</span>}
        {overdue && <span className="tag tag--overdue">{dt('overdueBy')}</span>}
        <h2>{clue.title}</h2>
      </header>
      <dl className="desk-detail__facts">
        <dt>{dt('category')}</dt>
        <dd>{label('category', clue.category)}</dd>
        <dt>{dt('source')}</dt>
        <dd>{label('source', clue.source)}</dd>
        <dt>{dt('reported')}</dt>
        <dd>{deskStamp(clue.reportedAt, true)}</dd>
        <dt>{dt('dueAt')}</dt>
        <dd>{deskStamp(clue.dueAt, true)}</dd>
        <dt>{dt('assignee')}</dt>
        <dd>{clue.assignee ?? '—'}</dd>
        <dt>{dt('createdBy')}</dt>
        <dd>{clue.createdBy}</dd>
      </dl>
      {clue.description && <p className="desk-detail__desc">{clue.description}</p>}
      {play && clue.lon !== null && clue.lat !== null && (
        <button
          type="button"
          className="btn btn--ghost"
          data-testid="clue-video"
          onClick={() => play({ near: { lon: clue.lon!, lat: clue.lat!, title: clue.title }, from: 'map' })}
        >
          ▶ {dt('video')}
        </button>
      )}
      <div className="desk-steps" role="toolbar">
        {STEPS.map((s) => (
          <button
            key={s}
            type="button"
            className={`btn btn--step${props.step === s ? ' is-active' : ''}`}
            data-step={s}
            disabled={!allowed.has(STEP_TARGET[s])}
            onClick={() => props.onStep(props.step === s ? null : s)}
          >
            {dt(`step_${s}`)}
          </button>
        ))}
      </div>
      {props.step && <StepForm step={props.step} f={f} onCancel={() => props.onStep(null)} />}
      <h3 className="desk-detail__h3">{dt('history')}</h3>
      <ol className="desk-history">
        {history.map((h, i) => (
          <li key={i}>
            <time>{deskStamp(h.at, true)}</time>
            <b>{label('status', h.to)}</b>
            <span className="desk-history__actor">{h.actor}</span>
            {h.note && <span className="desk-history__note">{h.note}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
