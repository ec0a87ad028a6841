import { useEffect, useState } from 'react';
import type { Clue, RegionSnapshot } from '@zhihui/shared';
import { createSocket } from '../../lib/socket';
import { startDeskFeed, type LinkState } from './deskFeed';

/** The desk's live clues (deskFeed.ts) as React state: the region's snapshot, clues by id, the link. */
export function useDeskLive(region: string): {
  clues: Map<string, Clue>;
  snapshot: RegionSnapshot | null;
  link: LinkState;
  upsert: (c: Clue) => void;
} {
  const [clues, setClues] = useState(() => new Map<string, Clue>());
  const [snapshot, setSnapshot] = useState<RegionSnapshot | null>(null);
  const [link, setLink] = useState<LinkState>('connecting');

  useEffect(
    () =>
      startDeskFeed(createSocket(), region, {
        adopt: (s) => {
          setSnapshot(s);
          setClues(new Map(s.clues.map((c) => [c.id, c])));
        },
        upsert: (batch) =>
          setClues((m) => {
            const next = new Map(m);
            for (const c of batch) next.set(c.id, c);
            return next;
          }),
        link: setLink,
      }),
    [region],
  );

  const upsert = (c: Clue) => setClues((m) => new Map(m).set(c.id, c));
  return { clues, snapshot, link, upsert };
}
