import { ErrorCode, type Clue, type RegionDelta, type RegionSnapshot, type WireSnapshot } from '@zhihui/shared';
import { unpackSnapshot } from '../../lib/wireSnapshot';
import type { WallTransport } from '../../lib/socket';

export type LinkState = 'connecting' | 'live' | 'lost' | 'ended';

/** Where the desk's feed delivers what it hears. */
export interface DeskFeedSink {
  /** A whole snapshot: its clues replace every clue the desk held. */
  adopt(snapshot: RegionSnapshot): void;
  /** Clues changed since, to upsert by id. */
  upsert(clues: readonly Clue[]): void;
  link(state: LinkState): void;
}

/** Clue changes are gathered for this long, so a busy region renders the desk a few times a second at most. */
export const DESK_BATCH_MS = 150;

/**
 * The desk's live clues over the wall's socket: the region's snapshot, then deltas' clues. A
 * snapshot comes with the subscribe's answer and again when the server pushes one (a socket that
 * fell behind is skipped, then sent the current state): either holds every clue as of its seq,
 * so the changes still gathered, which came before it, are dropped. The session cookie binds
 * the socket to the person's region; a refused subscribe or a server-side disconnect (the session
 * ended) is `ended`. Returns the function that stops it.
 */
export function startDeskFeed(transport: WallTransport, region: string, sink: DeskFeedSink): () => void {
  let gathered: Clue[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    timer = null;
    const batch = gathered;
    gathered = [];
    if (batch.length > 0) sink.upsert(batch);
  };
  const adopt = (s: WireSnapshot) => {
    gathered = [];
    if (timer) clearTimeout(timer);
    timer = null;
    sink.adopt(unpackSnapshot(s));
  };
  const subscribe = () =>
    transport.emit('subscribe', { region, packed: true }, (ack) => {
      if (!ack.ok) {
        const final = ack.error.code === ErrorCode.forbidden || ack.error.code === ErrorCode.unauthorized;
        sink.link(final ? 'ended' : 'lost');
        return;
      }
      adopt(ack.data);
      sink.link('live');
    });
  const onDisconnect = (reason: string) => sink.link(reason === 'io server disconnect' ? 'ended' : 'lost');
  const onConnectError = () => sink.link('lost');
  const onDelta = (d: RegionDelta) => {
    // The periods rolled over (midnight): the server asks for a fresh subscribe.
    if (d.periods) subscribe();
    if (!d.clues || d.clues.length === 0) return;
    gathered.push(...d.clues);
    timer ??= setTimeout(flush, DESK_BATCH_MS);
  };
  transport.on('connect', subscribe);
  transport.on('disconnect', onDisconnect);
  transport.on('connect_error', onConnectError);
  transport.on('delta', onDelta);
  transport.on('snapshot', adopt);
  transport.connect();
  return () => {
    if (timer) clearTimeout(timer);
    transport.off('connect', subscribe);
    transport.off('disconnect', onDisconnect);
    transport.off('connect_error', onConnectError);
    transport.off('delta', onDelta);
    transport.off('snapshot', adopt);
    transport.disconnect();
  };
}
