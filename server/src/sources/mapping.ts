import { CAMERA_REASONS, type CameraReason } from '@zhihui/shared';
import { isoAt } from '../domain/time.js';

/** A topic template such as `cameras/{id}/status`: the MQTT filter to subscribe and where the id sits. */
export interface TopicTemplate {
  template: string;
  filter: string;
  segments: readonly string[];
  idIndex: number;
}

export function compileTopic(template: string): TopicTemplate {
  const segments = template.split('/');
  const idIndex = segments.indexOf('{id}');
  return { template, filter: segments.map((s) => (s === '{id}' ? '+' : s)).join('/'), segments, idIndex };
}

/** The id a topic carries under a template, or null when the topic does not fit it. */
export function idFromTopic(t: TopicTemplate, topic: string): string | null {
  const parts = topic.split('/');
  if (parts.length !== t.segments.length) return null;
  for (let i = 0; i < parts.length; i++) {
    const s = t.segments[i]!;
    if (i === t.idIndex) continue;
    if (s !== '+' && s !== parts[i]) return null;
  }
  const id = parts[t.idIndex]!;
  return id === '' ? null : id;
}

/** How a payload maps to a status. */
export interface PayloadRules {
  json?: { status: string; reason?: string; at?: string };
  online: ReadonlySet<string>;
  offline: ReadonlySet<string>;
  ignore: ReadonlySet<string>;
  reasons: Readonly<Record<string, CameraReason>>;
}

export const DEFAULT_ONLINE = ['online', 'on', '1', 'true', 'up', 'available'];
export const DEFAULT_OFFLINE = ['offline', 'off', '0', 'false', 'down', 'unavailable'];

const lowerSet = (values: readonly string[]): Set<string> => new Set(values.map((v) => v.trim().toLowerCase()));

export function payloadRules(
  p: {
    json?: PayloadRules['json'];
    online?: string[];
    offline?: string[];
    ignore?: string[];
    reasons?: Record<string, CameraReason>;
  } = {},
): PayloadRules {
  return {
    json: p.json,
    online: lowerSet(p.online ?? DEFAULT_ONLINE),
    offline: lowerSet(p.offline ?? DEFAULT_OFFLINE),
    ignore: lowerSet(p.ignore ?? []),
    reasons: Object.fromEntries(Object.entries(p.reasons ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
}

export type Mapped =
  { status: 'online' | 'offline'; reason?: CameraReason; at?: string } | { ignore: true } | { error: string };

const REASONS = new Set<string>(CAMERA_REASONS);

/** The value at a dot path (`data.status`, `channels.0.state`) of a parsed JSON value. */
export function atPath(value: unknown, dotPath: string): unknown {
  let v = value;
  for (const key of dotPath.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function scalar(v: unknown): string | null {
  if (typeof v === 'string') return v.trim().toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/** A time from a payload: ISO 8601, or epoch seconds / milliseconds. */
export function timeOf(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return isoAt(v < 1e12 ? v * 1000 : v);
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : isoAt(t);
  }
  return null;
}

function statusOf(value: string, rules: PayloadRules): 'online' | 'offline' | 'ignore' | null {
  if (rules.online.has(value)) return 'online';
  if (rules.offline.has(value)) return 'offline';
  if (rules.ignore.has(value)) return 'ignore';
  return null;
}

/**
 * Maps a payload (text or JSON, per the rules) to a status. An empty payload (a retained message
 * being cleared) is ignored; anything unreadable is an error naming what was wrong.
 */
export function mapPayload(payload: Buffer | string, rules: PayloadRules): Mapped {
  const text = (typeof payload === 'string' ? payload : payload.toString('utf8')).trim();
  if (text === '') return { ignore: true };
  if (!rules.json) {
    const v = text
      .replace(/^"(.*)"$/, '$1')
      .trim()
      .toLowerCase();
    const s = statusOf(v, rules);
    if (s === null)
      return { error: `payload '${text.slice(0, 40)}' is none of ${[...rules.online, ...rules.offline].join(', ')}` };
    return s === 'ignore' ? { ignore: true } : { status: s };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { error: `payload is not JSON: '${text.slice(0, 40)}'` };
  }
  const raw = scalar(atPath(doc, rules.json.status));
  if (raw === null) return { error: `JSON has no status at '${rules.json.status}'` };
  const s = statusOf(raw, rules);
  if (s === null)
    return {
      error: `status '${raw.slice(0, 40)}' at '${rules.json.status}' is none of ${[...rules.online, ...rules.offline].join(', ')}`,
    };
  if (s === 'ignore') return { ignore: true };
  const out: { status: 'online' | 'offline'; reason?: CameraReason; at?: string } = { status: s };
  if (rules.json.reason && s === 'offline') {
    const r = scalar(atPath(doc, rules.json.reason));
    if (r !== null && r !== '') out.reason = rules.reasons[r] ?? (REASONS.has(r) ? (r as CameraReason) : 'other');
  }
  if (rules.json.at) {
    const v = atPath(doc, rules.json.at);
    if (v !== undefined && v !== null) {
      const at = timeOf(v);
      if (at === null) return { error: `time at '${rules.json.at}' is neither ISO 8601 nor epoch seconds/ms` };
      out.at = at;
    }
  }
  return out;
}

/** Maps a captured name to a channel id with the `ids:` rules; null when the name has no channel. */
export function channelIdOf(
  name: string,
  ids: { map?: Record<string, string>; prefix?: string; unmapped?: 'reject' | 'as-is' } | undefined,
): string | null {
  const mapped = ids?.map?.[name];
  if (mapped !== undefined) return mapped;
  const unmapped = ids?.unmapped ?? (ids?.map ? 'reject' : 'as-is');
  if (unmapped === 'reject') return null;
  const id = `${ids?.prefix ?? ''}${name}`;
  return /^[0-9A-Za-z_.:-]{1,64}$/.test(id) ? id : null;
}
