import { describe, expect, test } from 'vitest';
import { WorkCalendar } from './calendar.js';
import type { Rule } from './rules.js';
import { digestDue } from './schedule.js';

const at = (s: string) => Date.parse(`${s}+08:00`);
const cal = new WorkCalendar();
const rule = (r: Partial<Rule>): Rule =>
  ({ id: 'd', kind: 'daily_digest', region: '130111', channels: ['c'], origin: 'file', ...r }) as Rule;

describe('digest schedule (Asia/Shanghai, official calendar)', () => {
  test('daily at 08:00: due from 08:00 on; workdaysOnly skips the holiday and keeps the 调休 Saturday', () => {
    expect(digestDue(rule({}), at('2026-10-03T07:59:00'), cal)).toBeNull();
    expect(digestDue(rule({}), at('2026-10-03T08:00:00'), cal)).toBe('2026-10-03');
    expect(digestDue(rule({ workdaysOnly: true }), at('2026-10-03T09:00:00'), cal)).toBeNull();
    expect(digestDue(rule({ workdaysOnly: true }), at('2026-10-10T09:00:00'), cal)).toBe('2026-10-10');
    expect(digestDue(rule({ at: '18:30' }), at('2026-11-30T18:29:00'), cal)).toBeNull();
  });

  test('weekly on Monday 08:30; with workdaysOnly, the National Day week moves to Thursday 8 October', () => {
    const weekly = rule({ kind: 'weekly_report' });
    expect(digestDue(weekly, at('2026-11-30T08:30:00'), cal)).toBe('2026-11-30');
    expect(digestDue(weekly, at('2026-11-30T08:29:00'), cal)).toBeNull();
    expect(digestDue(weekly, at('2026-12-01T09:00:00'), cal)).toBeNull();
    const wd = rule({ kind: 'weekly_report', workdaysOnly: true });
    expect(digestDue(wd, at('2026-10-05T09:00:00'), cal)).toBeNull();
    expect(digestDue(wd, at('2026-10-07T09:00:00'), cal)).toBeNull();
    expect(digestDue(wd, at('2026-10-08T09:00:00'), cal)).toBe('2026-10-08');
    expect(digestDue(wd, at('2026-10-09T09:00:00'), cal)).toBeNull();
  });
});
