import { ErrorCode, PROTOCOL_VERSION, type RegionDelta, type RegionSnapshot, type WireSnapshot } from '@zhihui/shared';
import type { WallState } from '../../lib/section';
import type { WallTransport } from '../../lib/socket';
import { unpackSnapshot } from '../../lib/wireSnapshot';
import { adoptSnapshot, applyWallDelta, initialWallState } from './wallState';

export interface WallStoreOptions {
  region: string;
  transport: WallTransport;
  /**
   * Fixed minimum ms between notifications to React. By default the pace follows what a render
   * of the wall costs (see createNotifier): every 100 ms while renders are cheap, up to 250 ms.
   */
  notifyEveryMs?: number;
  now?: () => number;
  /** The clock a render's cost is read on (ms; performance.now by default, a fake one in tests). */
  costClock?: () => number;
  /** Re-ask for a snapshot when an ack has not come back within this time (ms). */
  ackTimeoutMs?: number;
  /** After the server refuses the connection (bad token, rate limit), try again after this long (ms). */
  refusedRetryMs?: number;
  /**
   * The server speaks another protocol than this page's code (it was upgraded while the wall ran):
   * called after the wall shows the mismatch; the page reloads to get the server's code.
   */
  onProtocolMismatch?: (serverVersion: number) => void;
}

const MAX_PENDING = 500;
/** Refusals that retrying cannot cure: the wall says so instead of asking forever. */
const FINAL: readonly string[] = [ErrorCode.unknownRegion, ErrorCode.validation, ErrorCode.forbidden];

export interface WallStore {
  getState(): WallState;
  /** Hears changes at React's pace (a few times a second at most). */
  subscribe(fn: () => void): () => void;
  /**
   * Hears every change as it is made (each delta), for views outside React that pace their own
   * drawing: the map's points show a channel going down without waiting for the panels' render.
   */
  watch(fn: () => void): () => void;
  start(): void;
  stop(): void;
}

/** The notifier's own pace: never closer than MIN, never further apart than MAX (ms). */
const NOTIFY_MIN_MS = 100;
const NOTIFY_MAX_MS = 250;
/** Share of the page's main thread the wall's renders may take before the pace slows down. */
const NOTIFY_SHARE = 0.08;

/**
 * Tells React's subscribers that the state changed, at most every `every` ms however often it is
 * asked (an urgent change goes out at once). With `every` null the gap follows the measured cost
 * of a notification (the listeners and the render React runs for them in the microtask they
 * queue): NOTIFY_MIN_MS while renders are cheap, longer on a slow machine, at most NOTIFY_MAX_MS,
 * so a change waits as little as the renders allow. Watchers hear every change at once.
 */
function createNotifier(now: () => number, every: number | null, clock: () => number = () => performance.now()) {
  const listeners = new Set<() => void>();
  /** Told of every change at once (see WallStore.watch). */
  const watchers = new Set<() => void>();
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let timerUrgent = false;
  let cost = 0;
  const gap = () => every ?? Math.min(NOTIFY_MAX_MS, Math.max(NOTIFY_MIN_MS, cost / NOTIFY_SHARE));
  const flush = () => {
    timer = null;
    last = now();
    const t0 = clock();
    for (const l of listeners) l();
    if (every !== null || listeners.size === 0) return;
    // React renders and commits a store change in a microtask queued by the first listener: this
    // one, queued after, runs when that render (with its effects) is done. Smoothed, so one slow
    // render (a GC) does not set the pace for long.
    queueMicrotask(() => {
      const ms = Math.max(0, clock() - t0);
      cost = cost === 0 ? ms : cost * 0.7 + ms * 0.3;
    });
  };
  return {
    subscribe(fn: () => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    watch(fn: () => void): () => void {
      watchers.add(fn);
      return () => watchers.delete(fn);
    },
    notify(urgent = false): void {
      for (const w of watchers) w();
      // An urgent change does not wait out a throttled flush already scheduled for lesser ones.
      if (timer && (timerUrgent || !urgent)) return;
      if (timer) clearTimeout(timer);
      timerUrgent = urgent;
      timer = setTimeout(flush, urgent ? 0 : Math.max(0, last + gap() - now()));
    },
    /** The gap kept between notifications at the moment (ms). */
    gap,
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/** One timer, armed at most once at a time: `start` while it runs changes nothing. */
function singleTimer() {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    start(ms: number, fn: () => void): void {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        fn();
      }, ms);
    },
    clear(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/** What the store's parts share: the state React reads, whether the store runs, and how React hears. */
interface StoreCore {
  readonly region: string;
  readonly transport: WallTransport;
  readonly now: () => number;
  readonly notifier: ReturnType<typeof createNotifier>;
  state: WallState;
  running: boolean;
  set(patch: Partial<WallState>, urgent?: boolean): void;
  onProtocolMismatch?: (serverVersion: number) => void;
}

function createCore(opts: WallStoreOptions): StoreCore {
  const now = opts.now ?? Date.now;
  const notifier = createNotifier(now, opts.notifyEveryMs ?? null, opts.costClock);
  const core: StoreCore = {
    region: opts.region,
    transport: opts.transport,
    now,
    notifier,
    state: initialWallState(),
    running: false,
    onProtocolMismatch: opts.onProtocolMismatch,
    set: (patch, urgent = false) => {
      core.state = { ...core.state, ...patch };
      notifier.notify(urgent);
    },
  };
  return core;
}

/**
 * The subscribe handshake and the deltas around it: one subscribe in flight at a time (its token
 * makes older acks void), deltas queued while it is, applied after its snapshot; an unanswered or
 * failed subscribe is asked again.
 */
function createSubscription(core: StoreCore, ackTimeout: number) {
  const { region, transport, notifier, now, set } = core;
  const ack = singleTimer();
  const retry = singleTimer();
  /** Token of the subscribe in flight: acks of older ones are ignored. */
  let inflight = 0;
  let subscribeCount = 0;
  /** Deltas that arrive while a subscribe is in flight, applied after its snapshot. */
  let pending: RegionDelta[] = [];
  let arrivalN = 0;
  const nextArrival = () => ++arrivalN;

  function resubscribe(): void {
    if (!core.running) return;
    if (!transport.connected) return; // `connect` will subscribe
    const token = ++inflight;
    subscribeCount++;
    pending = [];
    const { state } = core;
    if (state.link === 'live') set({ link: 'syncing', resyncs: state.resyncs + (subscribeCount > 1 ? 1 : 0) });
    else if (subscribeCount > 1) set({ resyncs: state.resyncs + 1 });
    ack.clear();
    ack.start(ackTimeout, () => {
      if (token === inflight) resubscribe();
    });
    transport.emit('subscribe', { region, packed: true }, (res) => {
      if (token !== inflight || !core.running) return;
      ack.clear();
      inflight = 0;
      if (!res || typeof res !== 'object') return retry.start(2000, resubscribe);
      if (res.ok) return adopt(unpackSnapshot(res.data));
      // A region this display's token does not reach will not become reachable by retrying.
      if (FINAL.includes(res.error.code)) return set({ error: res.error, link: 'live' }, true);
      retry.start(2000, resubscribe);
    });
  }

  function adopt(s: RegionSnapshot): void {
    if (s.region.code !== region) return;
    if (s.v !== PROTOCOL_VERSION) {
      set({ error: { code: 'VERSION', message: `protocol ${s.v} ≠ ${PROTOCOL_VERSION}` } }, true);
      core.onProtocolMismatch?.(s.v);
      return;
    }
    core.state = adoptSnapshot(core.state, s, now(), nextArrival);
    const queued = pending;
    pending = [];
    for (const d of queued) if (d.seq > s.seq) onDelta(d);
    notifier.notify(true);
  }

  function onDelta(d: RegionDelta): void {
    if (!core.running) return;
    if (inflight !== 0) {
      if (pending.length < MAX_PENDING) pending.push(d);
      return;
    }
    const next = applyWallDelta(core.state, d, now(), nextArrival);
    if (next === 'stale') return;
    if (next === 'resync') return resubscribe();
    // A new clue is what people at the wall watch for: it goes to React at once, while camera
    // churn keeps coalescing at the notifier's pace.
    const arrived = next.arrivals !== core.state.arrivals;
    core.state = next;
    notifier.notify(arrived);
    if (d.periods) resubscribe();
  }

  return {
    resubscribe,
    onDelta,
    onSnapshot: (s: WireSnapshot) => {
      if (core.running && inflight === 0) adopt(unpackSnapshot(s));
    },
    /** The link is gone: no subscribe is in flight any more. */
    onLost: () => {
      inflight = 0;
      ack.clear();
    },
    stop: () => {
      ack.clear();
      retry.clear();
    },
  };
}

/**
 * Holds one region's snapshot outside React. Deltas are applied as they come (they are small);
 * React hears about it at most every 100–250 ms (or `notifyEveryMs`), however fast deltas arrive. A gap, a
 * version or range mismatch, a period roll-over or a reconnect leads to a fresh subscribe.
 * The state changes themselves are pure functions (wallState.ts); this wires them to the socket:
 * the subscribe handshake (createSubscription) and the link's own events (linkHandlers).
 */
export function createWallStore(opts: WallStoreOptions): WallStore {
  const core = createCore(opts);
  const { transport, notifier } = core;
  const sync = createSubscription(core, opts.ackTimeoutMs ?? 10_000);
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  const link = linkHandlers({
    running: () => core.running,
    transport,
    state: () => core.state,
    set: core.set,
    now: core.now,
    refusedRetry: opts.refusedRetryMs ?? 30_000,
    resubscribe: sync.resubscribe,
    onLost: sync.onLost,
    reconnectTimer: {
      get: () => reconnectTimer,
      set: (t) => (reconnectTimer = t),
    },
  });

  return {
    getState: () => core.state,
    subscribe: notifier.subscribe,
    watch: notifier.watch,
    start() {
      if (core.running) return;
      core.running = true;
      transport.on('connect', link.onConnect);
      transport.on('disconnect', link.onDisconnect);
      transport.on('connect_error', link.onConnectError);
      transport.on('delta', sync.onDelta);
      transport.on('snapshot', sync.onSnapshot);
      if (transport.connected) link.onConnect();
      else transport.connect();
    },
    stop() {
      core.running = false;
      transport.off('connect', link.onConnect);
      transport.off('disconnect', link.onDisconnect);
      transport.off('connect_error', link.onConnectError);
      transport.off('delta', sync.onDelta);
      transport.off('snapshot', sync.onSnapshot);
      notifier.stop();
      sync.stop();
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      transport.disconnect();
    },
  };
}

/** What the link handlers need of the store. */
interface LinkContext {
  running: () => boolean;
  transport: WallTransport;
  state: () => WallState;
  set: (patch: Partial<WallState>, urgent?: boolean) => void;
  now: () => number;
  refusedRetry: number;
  resubscribe: () => void;
  /** The link is gone: no subscribe is in flight any more. */
  onLost: () => void;
  reconnectTimer: { get(): ReturnType<typeof setTimeout> | null; set(t: ReturnType<typeof setTimeout> | null): void };
}

/** Connect, disconnect and refusal: the link state the wall shows, and when to reconnect by hand. */
function linkHandlers(c: LinkContext) {
  const reconnectIn = (ms: number) => {
    if (!c.running() || c.reconnectTimer.get()) return;
    c.reconnectTimer.set(
      setTimeout(() => {
        c.reconnectTimer.set(null);
        if (c.running() && !c.transport.connected) c.transport.connect();
      }, ms),
    );
  };
  const onDisconnect = (reason?: unknown) => {
    c.onLost();
    // A server that shuts down gracefully says goodbye ("io server disconnect"), and socket.io
    // does not reconnect after that by itself: the wall must, or it stays dark until a reload.
    if (reason === 'io server disconnect') reconnectIn(1000);
    // The figures stay on the wall, marked as of the last moment they were known current.
    const s = c.state();
    if (s.link !== 'lost') c.set({ link: 'lost', currentAt: s.link === 'live' ? c.now() : s.currentAt }, true);
  };
  return {
    onConnect: () => {
      c.set({ link: 'syncing', refused: null }, true);
      c.resubscribe();
    },
    onDisconnect,
    // A refusal by the server's own middleware carries `data: { code, message }`; socket.io does not
    // retry after it, so the wall says why and tries again slowly (a token fixed by an admin, a
    // rate limit that has passed). Other connection errors are ordinary link losses.
    onConnectError: (err?: unknown) => {
      const data = (err as { data?: { code?: unknown; message?: unknown } } | undefined)?.data;
      if (data && typeof data.code === 'string') {
        const message = typeof data.message === 'string' ? data.message : '';
        c.set({ refused: { code: data.code, message } }, true);
        reconnectIn(c.refusedRetry);
      }
      onDisconnect();
    },
  };
}
