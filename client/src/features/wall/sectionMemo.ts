import { memo, type ComponentType } from 'react';
import type { RegionSnapshot } from '@zhihui/shared';
import type { SectionProps } from '../../lib/section';
import { sameData } from '../../ui/sameData';

/**
 * Whether a section panel would render the same: the same link state and change time, the same
 * `currentAt` where it is shown (a panel's age label reads it only while the link is down, unless
 * `readsCurrentAt`), and the same parts of the snapshot, as `reads` picks them (compared as data).
 */
export function sameSection(
  reads: (s: RegionSnapshot) => readonly unknown[],
  readsCurrentAt = false,
): (a: SectionProps, b: SectionProps) => boolean {
  return (a, b) =>
    a.stale === b.stale &&
    a.changedAt === b.changedAt &&
    (a.currentAt === b.currentAt || (!a.stale && !readsCurrentAt)) &&
    (a.snapshot === b.snapshot || sameData(reads(a.snapshot), reads(b.snapshot)));
}

/**
 * A section panel that re-renders only when what it shows changed: a wall render for a few new
 * camera figures leaves the trend chart, the clue panels and the like alone. `reads` must name
 * every part of the snapshot the panel reads (its own clock ticks and contexts still re-render it).
 */
export function sectionPanel(Panel: ComponentType<SectionProps>, reads: (s: RegionSnapshot) => readonly unknown[]) {
  return memo(Panel, sameSection(reads));
}
