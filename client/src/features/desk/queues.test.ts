import { describe, expect, test } from 'vitest';
import { buildRegionTree, type Clue, type Region } from '@zhihui/shared';
import { inQueue, queueCounts, queueItems, type QueueContext } from './queues';

const regions: Region[] = [
  { code: '139900', name: '县', level: 'county', parent: null, center: [114, 37] },
  { code: '139900100', name: '甲镇', level: 'township', parent: '139900', center: [114, 37] },
  { code: '139900200', name: '乙乡', level: 'township', parent: '139900', center: [114, 37] },
  { code: '139900100201', name: '一村', level: 'village', parent: '139900100', center: [114, 37] },
];
const now = Date.parse('2026-11-27T12:00:00+08:00');
const clue = (id: string, extra: Partial<Clue>): Clue => ({
  id,
  category: 'hazard',
  source: 'hotline',
  region: '139900100',
  title: id,
  description: null,
  lon: null,
  lat: null,
  reportedAt: '2026-11-27T08:00:00+08:00',
  dueAt: '2026-11-30T08:00:00+08:00',
  status: 'reported',
  assignee: null,
  outcome: null,
  urgent: false,
  gridWorkerId: null,
  resolvedAt: null,
  updatedAt: '2026-11-27T08:00:00+08:00',
  createdBy: 'api',
  ...extra,
});
const ctx: QueueContext = { me: '王值班', myRegion: '139900100', tree: buildRegionTree(regions), now };

describe('desk queues', () => {
  const all = [
    clue('new', {}),
    clue('mine', { status: 'dispatched', createdBy: '王值班' }),
    clue('soon', { status: 'verified', dueAt: '2026-11-28T08:00:00+08:00' }),
    clue('late', { status: 'dispatched', dueAt: '2026-11-27T09:00:00+08:00', urgent: true }),
    clue('other', { region: '139900200' }),
    clue('village', { region: '139900100201', category: 'dispute' }),
    clue('done', { status: 'closed', createdBy: '王值班', dueAt: '2026-11-20T08:00:00+08:00' }),
  ];
  test('each queue holds what its name says', () => {
    const ids = (q: Parameters<typeof inQueue>[0]) => all.filter((c) => inQueue(q, c, ctx)).map((c) => c.id);
    expect(ids('new')).toEqual(['new', 'other', 'village']);
    expect(ids('mine')).toEqual(['mine']);
    expect(ids('township')).toEqual(['new', 'mine', 'soon', 'late', 'village']);
    expect(ids('dueSoon')).toEqual(['soon']);
    // A closed clue past its due time is not overdue.
    expect(ids('overdue')).toEqual(['late']);
  });
  test('filters by category and place; urgent and earliest due first', () => {
    expect(queueItems(all, 'township', { category: 'dispute', place: null }, ctx).map((c) => c.id)).toEqual([
      'village',
    ]);
    expect(queueItems(all, 'all', { category: null, place: '139900100201' }, ctx).map((c) => c.id)).toEqual([
      'village',
    ]);
    expect(queueItems(all, 'township', { category: null, place: null }, ctx)[0]!.id).toBe('late');
    expect(queueCounts(all, { category: null, place: null }, ctx)).toMatchObject({
      new: 3,
      mine: 1,
      overdue: 1,
      all: 7,
    });
  });
});
