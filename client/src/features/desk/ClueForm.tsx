import { useState, type FormEvent } from 'react';
import {
  CLUE_CATEGORIES,
  CLUE_SOURCES,
  type Clue,
  type ClueCategory,
  type ClueCreate,
  type ClueSource,
  type GridReportItem,
  type Region,
  type RegionSnapshot,
} from '@zhihui/shared';
import { getLocale, label } from '../../lib/i18n';
import { DeskError, deskApi } from '../../lib/personApi';
import { dt } from './deskText';
import { deskStamp } from './deskTime';
import { GridReportPicker } from './GridReportPicker';

export interface ClueDraft {
  lngLat: [number, number] | null;
  region: string;
  source: ClueSource;
  camera?: string;
}

/** A field's error, next to it. */
const FieldError = ({ name, fields }: { name: string; fields: Record<string, string> }) =>
  fields[name] ? (
    <em className="field-error" data-field={name}>
      {fields[name]}
    </em>
  ) : null;

/** The new clue's fields, and how a picked channel or grid report fills them. */
function useClueDraft(draft: ClueDraft, places: Region[], snapshot: RegionSnapshot | null) {
  const [category, setCategory] = useState<ClueCategory>('hazard');
  const [source, setSource] = useState<ClueSource>(draft.source);
  const [region, setRegion] = useState(draft.region);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [camera, setCamera] = useState(draft.camera ?? '');
  const [worker, setWorker] = useState('');
  const [lngLat, setLngLat] = useState(draft.lngLat);
  /** The grid report the clue is made from: its id goes into the description as the reference. */
  const [report, setReport] = useState<GridReportItem | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  /** A channel id fills the location from the wall's channel list, and marks the source as video. */
  function pickCamera(id: string) {
    setCamera(id);
    const cams = snapshot?.cameras;
    const i = cams ? cams.id.indexOf(id.trim()) : -1;
    if (cams && i >= 0) {
      setLngLat([cams.lon[i]!, cams.lat[i]!]);
      setSource('video');
      if (!title) setTitle(`${cams.name[i]} 视频发现`);
    }
  }

  /** A grid report fills the clue: its region, point, category, words and worker; the operator edits before submitting. */
  function pickReport(r: GridReportItem) {
    setReport(r);
    setSource('grid');
    setWorker(r.workerId);
    if (places.some((p) => p.code === r.region)) setRegion(r.region);
    if (r.category) setCategory(r.category);
    if (r.lon !== null && r.lat !== null) setLngLat([r.lon, r.lat]);
    setTitle(r.text.length > 60 ? `${r.text.slice(0, 59)}…` : r.text);
    const who = r.workerName ? `${r.workerName}(${r.workerId})` : r.workerId;
    setDescription(`${r.village ? `${r.village} · ` : ''}网格员${who} ${deskStamp(r.at, true)} 上报:${r.text}`);
  }
  return {
    category,
    setCategory,
    source,
    setSource,
    region,
    setRegion,
    title,
    setTitle,
    description,
    setDescription,
    urgent,
    setUrgent,
    camera,
    setCamera,
    worker,
    setWorker,
    lngLat,
    setLngLat,
    report,
    setReport,
    fields,
    setFields,
    error,
    setError,
    busy,
    setBusy,
    pickCamera,
    pickReport,
  };
}

/** The body to create: references (channel, grid report) lead the description; a point to six decimals. */
function clueBody(d: ReturnType<typeof useClueDraft>): ClueCreate {
  const { category, source, region, title, urgent, camera, report, description, worker, lngLat } = d;
  const body: ClueCreate = { category, source, region, title: title.trim(), urgent };
  // References the desk keeps in the words: the channel, and the grid report the clue was made from.
  const refs = [camera ? `[通道 ${camera.trim()}]` : '', report ? `[网格上报 ${report.id}]` : '']
    .filter(Boolean)
    .join(' ');
  if (description.trim() || refs) body.description = [refs, description.trim()].filter(Boolean).join(' ');
  // From a grid report: the reporting worker (the server checks the worker is in the clue's region).
  if (source === 'grid' && worker.trim()) body.gridWorkerId = worker.trim();
  if (lngLat) {
    body.lon = Number(lngLat[0].toFixed(6));
    body.lat = Number(lngLat[1].toFixed(6));
  }
  return body;
}

/** Where the clue is; a grid report's township seat is marked approximate. */
function LocationLine(props: {
  lngLat: [number, number] | null;
  report: GridReportItem | null;
  fields: Record<string, string>;
}) {
  const { lngLat, report, fields } = props;
  return (
    <p className="desk-form__loc" data-testid="clue-location">
      {dt('location')}:{lngLat ? `${lngLat[0].toFixed(5)}, ${lngLat[1].toFixed(5)}` : dt('noLocation')}
      {report?.locationFrom === 'region' && lngLat?.[0] === report.lon && (
        <small className="desk-form__approx">
          {getLocale() === 'en' ? ' (township seat, approximate)' : '(乡镇驻地,约略位置)'}
        </small>
      )}
      <FieldError name="lon" fields={fields} />
      <FieldError name="lat" fields={fields} />
    </p>
  );
}

type Draft = ReturnType<typeof useClueDraft>;

/** What the clue is: its category, source and place. */
function ClassFields({ d, places }: { d: Draft; places: Region[] }) {
  const { category, setCategory, source, setSource, region, setRegion, fields } = d;
  return (
    <>
      <div className="desk-form__row">
        <label>
          <span>{dt('category')}</span>
          <select name="category" value={category} onChange={(e) => setCategory(e.target.value as ClueCategory)}>
            {CLUE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {label('category', c)}
              </option>
            ))}
          </select>
          <FieldError name="category" fields={fields} />
        </label>
        <label>
          <span>{dt('source')}</span>
          <select name="source" value={source} onChange={(e) => setSource(e.target.value as ClueSource)}>
            {CLUE_SOURCES.map((s) => (
              <option key={s} value={s}>
                {label('source', s)}
              </option>
            ))}
          </select>
          <FieldError name="source" fields={fields} />
        </label>
      </div>
      <label>
        <span>{dt('region')}</span>
        <select name="region" value={region} onChange={(e) => setRegion(e.target.value)}>
          {places.map((r) => (
            <option key={r.code} value={r.code}>
              {r.level === 'village' ? ' · ' : ''}
              {r.name}
            </option>
          ))}
        </select>
        <FieldError name="region" fields={fields} />
      </label>
    </>
  );
}

/** The clue's words: its title and description. */
function WordFields({ d }: { d: Draft }) {
  const { title, setTitle, description, setDescription, fields } = d;
  return (
    <>
      <label>
        <span>{dt('title')}</span>
        <input
          name="title"
          value={title}
          maxLength={400}
          autoFocus
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={fields.title ? true : undefined}
        />
        <FieldError name="title" fields={fields} />
      </label>
      <label>
        <span>{dt('description')}</span>
        <textarea
          name="description"
          rows={3}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          aria-invalid={fields.description ? true : undefined}
        />
        <FieldError name="description" fields={fields} />
      </label>
    </>
  );
}

/** Where it came from: a channel (which fills the point), the grid worker, and urgency. */
function RefFields({ d }: { d: Draft }) {
  const { camera, source, worker, setWorker, urgent, setUrgent, fields } = d;
  return (
    <>
      <div className="desk-form__row">
        <label>
          <span>{dt('camera')}</span>
          <input
            name="camera"
            value={camera}
            placeholder="20 位国标编码"
            onChange={(e) => d.pickCamera(e.target.value)}
          />
        </label>
        {source === 'grid' && (
          <label>
            <span>{getLocale() === 'en' ? 'Grid worker id' : '网格员编号'}</span>
            <input
              name="gridWorkerId"
              value={worker}
              onChange={(e) => setWorker(e.target.value)}
              aria-invalid={fields.gridWorkerId ? true : undefined}
            />
            <FieldError name="gridWorkerId" fields={fields} />
          </label>
        )}
        <label className="desk-form__check">
          <input name="urgent" type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} />
          <span>{dt('urgent')}</span>
        </label>
      </div>
    </>
  );
}

/**
 * The report form: from a map click (location), from a channel (its location and id), a grid
 * report or an appeal (the source). Refusals are shown next to the fields they name.
 */
export function ClueForm(props: {
  draft: ClueDraft;
  places: Region[];
  snapshot: RegionSnapshot | null;
  onDone: (c: Clue) => void;
  onCancel: () => void;
}) {
  const { draft } = props;
  const d = useClueDraft(draft, props.places, props.snapshot);
  const { lngLat, report, fields, setFields, error, setError, busy, setBusy } = d;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFields({});
    setError(null);
    const body = clueBody(d);
    try {
      props.onDone(await deskApi.createClue(body));
    } catch (err) {
      if (err instanceof DeskError) {
        setFields(err.fields);
        if (Object.keys(err.fields).length === 0) setError(err.message);
      } else setError(String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="desk-form" onSubmit={submit} noValidate data-testid="clue-form">
      <h2 className="desk-form__title">{dt('newClue')}</h2>
      <GridReportPicker region={draft.region} picked={report?.id ?? null} onPick={d.pickReport} />
      <ClassFields d={d} places={props.places} />
      <WordFields d={d} />
      <RefFields d={d} />
      <LocationLine lngLat={lngLat} report={report} fields={fields} />
      {error && (
        <p className="desk-error" role="alert">
          {error}
        </p>
      )}
      <div className="desk-form__actions">
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {dt('create')}
        </button>
        <button type="button" className="btn" onClick={props.onCancel}>
          {dt('cancel')}
        </button>
      </div>
    </form>
  );
}
