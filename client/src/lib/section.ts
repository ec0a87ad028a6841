import type { RegionSnapshot } from '@zhihui/shared';

/** What a wall section receives: the snapshot and how current its figures are. */
export interface SectionProps {
  snapshot: RegionSnapshot;
  /** The link is down: the figures are the last known ones. */
  stale: boolean;
  /** When this section's figures last changed (client ms). */
  changedAt: number | null;
  /** When the figures were last known current (client ms). */
  currentAt: number | null;
}
