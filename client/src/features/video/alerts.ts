import { isOverdue, type RegionSnapshot } from '@zhihui/shared';

export interface RegionAlert {
  code: string;
  name: string;
  /** Channels offline or not heard from. */
  down: number;
  /** Open clues past their due time. */
  overdue: number;
}

/**
 * Alerts rolled up per child region ("冶河镇 3路视频离线"), never one per channel: the worst
 * first. A township wall (no children) rolls up into itself.
 */
export function alertsByRegion(
  s: Pick<RegionSnapshot, 'region' | 'children' | 'childFigures' | 'figures' | 'clues'>,
  now: number,
): RegionAlert[] {
  const scopes =
    s.children.length > 0
      ? s.children.map((c, i) => ({ code: c.code, name: c.name, f: s.childFigures[i] }))
      : [{ code: s.region.code, name: s.region.name, f: s.figures }];
  const overdueBy = new Map<string, number>();
  const childCodes = scopes.map((x) => x.code);
  for (const c of s.clues) {
    if (!isOverdue(c, now)) continue;
    // A clue's region is a leaf (township or village): find the child whose code prefixes it.
    const owner = childCodes.find((code) => c.region.startsWith(code)) ?? s.region.code;
    overdueBy.set(owner, (overdueBy.get(owner) ?? 0) + 1);
  }
  const out: RegionAlert[] = [];
  for (const x of scopes) {
    const down = x.f ? x.f.today.cameras.offline + x.f.today.cameras.unknown : 0;
    const overdue = overdueBy.get(x.code) ?? 0;
    if (down > 0 || overdue > 0) out.push({ code: x.code, name: x.name, down, overdue });
  }
  return out.sort((a, b) => b.down + b.overdue * 2 - (a.down + a.overdue * 2) || a.code.localeCompare(b.code));
}
