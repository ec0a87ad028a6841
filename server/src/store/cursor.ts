import { BAD_CURSOR } from './types.js';

/**
 * Page cursors: a list's position (the sort keys of the last row given) as JSON in base64url,
 * opaque to clients. One codec for every list the server pages, in either store.
 */
export const encodeCursor = (position: unknown): string => Buffer.from(JSON.stringify(position)).toString('base64url');

/** The error for a cursor this server did not issue: its code makes the API answer 400 naming `cursor`. */
const badCursor = (): Error =>
  Object.assign(new Error('cursor: not a cursor this server issued'), { code: BAD_CURSOR });

/** The position `raw` holds, or null when there is no cursor; throws `badCursor()` when `check` refuses it. */
export function decodeCursor<T>(raw: string | undefined, check: (v: unknown) => v is T): T | null {
  if (raw === undefined) return null;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!check(v)) throw badCursor();
  return v;
}

type Kind = 'number' | 'string';
type Of<K extends readonly Kind[]> = { -readonly [I in keyof K]: K[I] extends 'number' ? number : string };

/** A check for a position that is an array of exactly these kinds (numbers finite). */
export const tupleOf =
  <const K extends readonly Kind[]>(...kinds: K) =>
  (v: unknown): v is Of<K> =>
    Array.isArray(v) &&
    v.length === kinds.length &&
    kinds.every((k, i) => (k === 'number' ? Number.isFinite(v[i]) : typeof v[i] === 'string'));
