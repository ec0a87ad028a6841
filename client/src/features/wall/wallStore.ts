import {
  applyDelta,
  PROTOCOL_VERSION,
  type Clue,
  type ClientToServerEvents,
  type RegionDelta,
  type RegionSnapshot,
  type ServerToClientEvents,
} from '@zhihui/shared';
import type { Arrival, WallState } from '../../lib/section';

/** What every socket.io client socket reports about its link (socket.io's, not our contract). */
interface LinkEvents {
  connect: () => void;
  disconnect: (reason: string) => void;
  connect_error: (err: Error) => void;
}
type Incoming = ServerToClientEvents & LinkEvents;
type Overloads<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
/** One `(event, listener)` signature per event of the map, as overloads. */
type Listen<M> = Overloads<{ [E in keyof M]: (event: E, fn: M[E]) => unknown }[keyof M]>;
/** One `(event, ...payload)` signature per event of the map, as overloads. */
type Send<M> = Overloads<
  { [E in keyof M]: (event: E, ...args: M[E] extends (...a: infer A) => unknown ? A : never) => unknown }[keyof M]
>;

/**
 * The part of a socket.io client socket the store uses (a fake in tests), derived from the shared
 * event maps: a change of the contract is a compile error here, not a silent mismatch.
 */
export interface WallTransport {
  readonly connected: boolean;
  on: Listen<Incoming>;
  off: Listen<Incoming>;
  emit: Send<ClientToServerEvents>;
  connect(): unknown;
  disconnect(): unknown;
}

export interface WallStoreOptions {
  region: string;
  transport: WallTransport;
  /** Minimum ms between notifications to React (default 250: four renders a second at most). */
  notifyEveryMs?: number;
  now?: () => number;
  /** Re-ask for a snapshot when an ack has not come back within this time (ms). */
  ackTimeoutMs?: number;
  /** After the server refuses the connection (bad token, rate limit), try again after this long (ms). */
  refusedRetryMs?: number;
}

const MAX_ARRIVALS = 30;
const MAX_PENDING = 500;

export interface WallStore {
  getState(): WallState;
  subscribe(fn: () => void): () => void;
  start(): void;
  stop(): void;
}

/**
 * Holds one region's snapshot outside React. Deltas are applied as they come (they are small);
 * React hears about it at most every `notifyEveryMs`, however fast deltas arrive. A gap, a
 * version or range mismatch, a period roll-over or a reconnect leads to a fresh subscribe.
 */
export function createWallStore(opts: WallStoreOptions): WallStore {
  const { region, transport } = opts;
  const now = opts.now ?? Date.now;
  const every = opts.notifyEveryMs ?? 250;
  const ackTimeout = opts.ackTimeoutMs ?? 10_000;
  const refusedRetry = opts.refusedRetryMs ?? 30_000;

  let state: WallState = {
    snapshot: null,
    link: 'connecting',
    error: null,
    refused: null,
    currentAt: null,
    changed: { cameras: 0, clues: 0, grid: 0, trend: 0 },
    arrivals: [],
    resyncs: 0,
  };
  const listeners = new Set<() => void>();
  let lastNotify = 0;
  let notifyTimer: ReturnType<typeof setTimeout> | null = null;
  let ackTimer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  /** Token of the subscribe in flight: acks of older ones are ignored. */
  let inflight = 0;
  let subscribeCount = 0;
  /** Deltas that arrive while a subscribe is in flight, applied after its snapshot. */
  let pending: RegionDelta[] = [];
  let arrivalN = 0;
  let running = false;

  const flush = () => {
    notifyTimer = null;
    lastNotify = now();
    for (const l of listeners) l();
  };
  const notify = (urgent = false) => {
    if (notifyTimer) return;
    const wait = urgent ? 0 : Math.max(0, lastNotify + every - now());
    notifyTimer = setTimeout(flush, wait);
  };
  const set = (patch: Partial<WallState>, urgent = false) => {
    state = { ...state, ...patch };
    notify(urgent);
  };

  function resubscribe(): void {
    if (!running) return;
    if (!transport.connected) return; // `connect` will subscribe
    const token = ++inflight;
    subscribeCount++;
    pending = [];
    if (state.link === 'live') set({ link: 'syncing', resyncs: state.resyncs + (subscribeCount > 1 ? 1 : 0) });
    else if (subscribeCount > 1) set({ resyncs: state.resyncs + 1 });
    if (ackTimer) clearTimeout(ackTimer);
    ackTimer = setTimeout(() => {
      if (token === inflight) resubscribe();
    }, ackTimeout);
    transport.emit('subscribe', { region }, (res) => {
      if (token !== inflight || !running) return;
      if (ackTimer) clearTimeout(ackTimer);
      ackTimer = null;
      inflight = 0;
      if (!res || typeof res !== 'object') return scheduleRetry();
      if (!res.ok) {
        // A region this display's token does not reach will not become reachable by retrying.
        if (
          res.error.code === 'UNKNOWN_REGION' ||
          res.error.code === 'VALIDATION_ERROR' ||
          res.error.code === 'FORBIDDEN'
        ) {
          set({ error: res.error, link: 'live' }, true);
          return;
        }
        return scheduleRetry();
      }
      adopt(res.data);
    });
  }

  function scheduleRetry(): void {
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      resubscribe();
    }, 2000);
  }

  function adopt(s: RegionSnapshot): void {
    if (s.region.code !== region) return;
    if (s.v !== PROTOCOL_VERSION) {
      set({ error: { code: 'VERSION', message: `protocol ${s.v} ≠ ${PROTOCOL_VERSION}` } }, true);
      return;
    }
    const t = now();
    const first = state.snapshot === null;
    const arrivals = first ? state.arrivals : withArrivals(state.snapshot!, s.clues, t);
    state = {
      ...state,
      snapshot: s,
      link: 'live',
      error: null,
      currentAt: t,
      changed: { cameras: t, clues: t, grid: t, trend: t },
      arrivals,
    };
    const queued = pending;
    pending = [];
    for (const d of queued) if (d.seq > s.seq) onDelta(d);
    notify(true);
  }

  function withArrivals(prev: RegionSnapshot, clues: readonly Clue[], t: number): readonly Arrival[] {
    const known = new Set(prev.clues.map((c) => c.id));
    const fresh = clues.filter((c) => !known.has(c.id));
    if (fresh.length === 0) return state.arrivals;
    // Oldest first so the newest ends up last.
    const add = fresh
      .slice(0, MAX_ARRIVALS)
      .reverse()
      .map((clue) => ({ clue, at: t, n: ++arrivalN }));
    return [...state.arrivals, ...add].slice(-MAX_ARRIVALS);
  }

  function onDelta(d: RegionDelta): void {
    if (!running) return;
    if (inflight !== 0) {
      if (pending.length < MAX_PENDING) pending.push(d);
      return;
    }
    const s = state.snapshot;
    if (!s) return;
    if (d.seq <= s.seq) return; // a duplicate after a resync
    const r = applyDelta(s, d);
    if (!r.ok) {
      resubscribe();
      return;
    }
    const t = now();
    const changed = { ...state.changed };
    if (d.cams || d.downLongest) changed.cameras = t;
    if (d.figures || d.childFigures) changed.cameras = changed.grid = t;
    if (d.clues) changed.clues = t;
    if (d.trend) changed.trend = t;
    state = {
      ...state,
      snapshot: r.snapshot,
      currentAt: t,
      changed,
      arrivals: d.clues ? withArrivals(s, d.clues, t) : state.arrivals,
    };
    notify();
    if (d.periods) resubscribe();
  }

  const onSnapshot = (s: RegionSnapshot) => {
    if (!running || inflight !== 0) return;
    adopt(s);
  };
  const onConnect = () => {
    set({ link: 'syncing', refused: null }, true);
    resubscribe();
  };
  const reconnectIn = (ms: number) => {
    if (!running || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (running && !transport.connected) transport.connect();
    }, ms);
  };
  // A refusal by the server's own middleware carries `data: { code, message }`; socket.io does not
  // retry after it, so the wall says why and tries again slowly (a token fixed by an admin, a
  // rate limit that has passed). Other connection errors are ordinary link losses.
  const onConnectError = (err?: unknown) => {
    const data = (err as { data?: { code?: unknown; message?: unknown } } | undefined)?.data;
    if (data && typeof data.code === 'string') {
      set({ refused: { code: data.code, message: typeof data.message === 'string' ? data.message : '' } }, true);
      reconnectIn(refusedRetry);
    }
    onDisconnect();
  };
  const onDisconnect = (reason?: unknown) => {
    inflight = 0;
    // A server that shuts down gracefully says goodbye ("io server disconnect"), and socket.io
    // does not reconnect after that by itself: the wall must, or it stays dark until a reload.
    if (reason === 'io server disconnect') reconnectIn(1000);
    if (ackTimer) clearTimeout(ackTimer);
    ackTimer = null;
    // The figures stay on the wall, marked as of the last moment they were known current.
    if (state.link !== 'lost') set({ link: 'lost', currentAt: state.link === 'live' ? now() : state.currentAt }, true);
  };

  return {
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    start() {
      if (running) return;
      running = true;
      transport.on('connect', onConnect);
      transport.on('disconnect', onDisconnect);
      transport.on('connect_error', onConnectError);
      transport.on('delta', onDelta);
      transport.on('snapshot', onSnapshot);
      if (transport.connected) onConnect();
      else transport.connect();
    },
    stop() {
      running = false;
      transport.off('connect', onConnect);
      transport.off('disconnect', onDisconnect);
      transport.off('connect_error', onConnectError);
      transport.off('delta', onDelta);
      transport.off('snapshot', onSnapshot);
      for (const timer of [notifyTimer, ackTimer, retryTimer, reconnectTimer]) if (timer) clearTimeout(timer);
      notifyTimer = ackTimer = retryTimer = reconnectTimer = null;
      transport.disconnect();
    },
  };
}
