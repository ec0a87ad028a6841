import { checker, isRealTime, type Checked, type FieldError } from '@zhihui/shared';
import type { Static, TSchema } from 'typebox';
import { fieldError } from './errors.js';

type Json = Record<string, unknown>;

/** Allowed values of an enum-like property schema (enum or anyOf of consts), for clearer messages. */
function allowedValues(schema: unknown): string[] | null {
  if (!schema || typeof schema !== 'object') return null;
  const s = schema as Json;
  if (Array.isArray(s.enum)) return s.enum.map(String);
  if (Array.isArray(s.anyOf)) {
    const out: string[] = [];
    for (const v of s.anyOf as Json[]) {
      if ('const' in v) out.push(String(v.const));
      else if (Array.isArray(v.enum)) out.push(...v.enum.map(String));
      else if (v.type === 'null') out.push('null');
      else return null;
    }
    return out;
  }
  return null;
}

const DATE_FIELDS = /(^|\/)(at|since|from|to|reportedAt|dueAt|resolvedAt|updatedAt)$/;

/**
 * The shared checker with one message per field, enum messages that list the allowed values,
 * and date fields checked to be real instants.
 */
export function strictChecker<S extends TSchema>(schema: S): (value: unknown) => Checked<Static<S>> {
  const check = checker(schema);
  const props = ((schema as unknown as Json).properties ?? {}) as Json;
  const hints = new Map<string, string>();
  for (const [k, v] of Object.entries(props)) {
    const allowed = allowedValues(v);
    if (allowed) hints.set(k, `must be one of ${allowed.join(', ')}`);
  }
  // Where the schema admits no other keys, the date fields to look at are known in advance.
  const closed = (schema as unknown as Json).additionalProperties === false;
  const dateKeys = Object.keys(props).filter((k) => DATE_FIELDS.test(k));
  return (value) => {
    const r = check(value);
    if (!r.ok) {
      const seen = new Set<string>();
      const errors: FieldError[] = [];
      for (const e of r.errors) {
        if (seen.has(e.field)) continue;
        seen.add(e.field);
        const hint = hints.get(e.field);
        const message = /required propert/.test(e.message)
          ? 'is required'
          : hint && /constant|anyOf|allowed values/.test(e.message)
            ? hint
            : e.message;
        errors.push({ field: e.field, message });
      }
      return { ok: false, errors };
    }
    // The format check accepts some impossible dates in some engines; make sure each is a real instant.
    const bad: FieldError[] = [];
    const obj = value as Json;
    for (const k of closed ? dateKeys : Object.keys(obj)) {
      const v = obj[k];
      if (typeof v === 'string' && DATE_FIELDS.test(k) && !isRealTime(v))
        bad.push({ field: k, message: 'is not a real date and time' });
    }
    return bad.length > 0 ? { ok: false, errors: bad } : r;
  };
}

/** A comma-separated query filter of known values (none when absent or empty); 400 naming the field otherwise. */
export function listOf<T extends string>(
  field: string,
  raw: string | undefined,
  allowed: readonly T[],
): T[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const values = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
  if (bad !== undefined) throw fieldError(field, `'${bad}' is not one of ${allowed.join(', ')}`);
  return values as T[];
}
