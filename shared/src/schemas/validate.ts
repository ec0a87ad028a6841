import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Format } from 'typebox/format';
import { exactIsoMs, msAt } from '../time/iso.js';

// RFC 3339 date-times: the forms the system writes (and most clients send) are read without a
// regular expression or an allocation (the ingest checks every report's time); any other form
// goes to TypeBox's own check, so what is accepted is unchanged.
const isDateTime = Format.Get('date-time');
if (isDateTime) Format.Set('date-time', (s: string) => !Number.isNaN(exactIsoMs(s)) || isDateTime(s));

/** One problem with an input value; `field` is a JSON pointer-like path such as `reports/3/at`. */
export interface FieldError {
  field: string;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** A compiled checker for one schema: compile once, call per input. */
export function checker<S extends TSchema>(schema: S): (value: unknown) => Checked<Static<S>> {
  const v = Compile(schema);
  return (value) => {
    if (v.Check(value)) return { ok: true, value: value as Static<S> };
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    for (const e of v.Errors(value)) {
      const path = e.instancePath.replace(/^\//, '');
      // A missing property is reported on its parent object: name the property itself, at any depth.
      const missing =
        e.params && 'requiredProperties' in e.params
          ? (e.params as { requiredProperties: unknown[] }).requiredProperties[0]
          : undefined;
      const field = missing !== undefined ? (path ? `${path}/${String(missing)}` : String(missing)) : path || '(body)';
      // A failed union reports once per branch with the same text; one line per field and message is enough.
      const key = `${field}\u0000${e.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push({ field, message: e.message });
      if (errors.length >= 10) break;
    }
    return { ok: false, errors };
  };
}

/** True when the ISO time parses to a real instant (the format check alone accepts e.g. Feb 30 in some engines). */
export function isRealTime(t: string): boolean {
  return Number.isFinite(msAt(t));
}
