import { describe, expect, it } from 'vitest';
import { BAD_CURSOR } from './types.js';
import { decodeCursor, encodeCursor, tupleOf } from './cursor.js';

const timeId = tupleOf('number', 'string');
const codeOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: unknown }).code;
  }
  return 'no error';
};

describe('page cursors', () => {
  it('give back the position they were made from, and null for no cursor', () => {
    const at = Date.UTC(2026, 11, 3, 8, 0, 0, 123);
    expect(decodeCursor(encodeCursor([at, 'c-9']), timeId)).toEqual([at, 'c-9']);
    expect(decodeCursor(undefined, timeId)).toBeNull();
    // base64url: nothing a query string would have to escape.
    expect(encodeCursor([at, '线索/+?&='])).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuse, with the code the API answers 400 for, what this server did not issue', () => {
    const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const raw of [
      '',
      '%%%',
      Buffer.from('{not json').toString('base64url'),
      forged(['1', 'c-9']),
      forged([1]),
      forged([1, 'c-9', 'extra']),
      forged({ at: 1, id: 'c-9' }),
      forged(null),
    ])
      expect(
        codeOf(() => decodeCursor(raw, timeId)),
        raw,
      ).toBe(BAD_CURSOR);
  });

  it('tupleOf takes finite numbers only', () => {
    expect(tupleOf('number')([Number.NaN])).toBe(false);
    expect(tupleOf('number')([Infinity])).toBe(false);
    expect(tupleOf('number', 'string', 'number')([1, 'a', 2])).toBe(true);
  });
});
