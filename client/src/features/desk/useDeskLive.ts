import { useEffect, useRef, useState } from 'react';
import { ErrorCode, type Clue, type RegionSnapshot } from '@zhihui/shared';
import { unpackSnapshot } from '../../lib/wireSnapshot';
import { createSocket } from '../../lib/socket';

export type LinkState = 'connecting' | 'live' | 'lost' | 'ended';

/**
 * The desk's live clues over the wall's socket: the region's snapshot, then deltas upserted by id.
 * The session cookie binds the socket to the person's region; a refused subscribe or a server-side
 * disconnect (session ended) is reported as `ended`.
 */
export function useDeskLive(region: string): {
  clues: Map<string, Clue>;
  snapshot: RegionSnapshot | null;
  link: LinkState;
  upsert: (c: Clue) => void;
} {
  const [clues, setClues] = useState(() => new Map<string, Clue>());
  const [snapshot, setSnapshot] = useState<RegionSnapshot | null>(null);
  const [link, setLink] = useState<LinkState>('connecting');
  const pending = useRef<Clue[]>([]);

  useEffect(() => {
    const socket = createSocket();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const batch = pending.current;
      pending.current = [];
      setClues((m) => {
        const next = new Map(m);
        for (const c of batch) next.set(c.id, c);
        return next;
      });
    };
    const subscribe = () =>
      socket.emit('subscribe', { region, packed: true }, (ack) => {
        if (!ack.ok) {
          setLink(
            ack.error.code === ErrorCode.forbidden || ack.error.code === ErrorCode.unauthorized ? 'ended' : 'lost',
          );
          return;
        }
        const snap = unpackSnapshot(ack.data);
        setSnapshot(snap);
        setClues(new Map(snap.clues.map((c) => [c.id, c])));
        setLink('live');
      });
    socket.on('connect', subscribe);
    socket.on('disconnect', (reason) => setLink(reason === 'io server disconnect' ? 'ended' : 'lost'));
    socket.on('connect_error', () => setLink('lost'));
    socket.on('delta', (d) => {
      if (d.periods) subscribe();
      if (!d.clues || d.clues.length === 0) return;
      pending.current.push(...d.clues);
      // A few renders a second at most, however busy the region.
      timer ??= setTimeout(flush, 150);
    });
    socket.connect();
    return () => {
      if (timer) clearTimeout(timer);
      socket.close();
    };
  }, [region]);

  const upsert = (c: Clue) => setClues((m) => new Map(m).set(c.id, c));
  return { clues, snapshot, link, upsert };
}
