import {
  ancestorsOf,
  periodOf,
  toShanghaiIso,
  type BatchResult,
  type CameraReason,
  type Clue,
  type ClueCategory,
  type ClueSource,
  type GridReport,
  type GridWorkerView,
  type RegionTree,
} from '@zhihui/shared';
import type { CameraRecord } from '../store/types.js';

/** The ingest calls the simulator makes: the same ones the REST routes make. */
export interface SimIngest {
  statusBatch(reports: unknown[], actor: string): Promise<BatchResult>;
  createClue(body: unknown, actor: string): Promise<{ clue: Clue; created: boolean }>;
  patchClue(id: string, body: unknown, actor: string): Promise<Clue>;
  gridReport(body: unknown, actor: string): Promise<{ report: GridReport; clue: Clue | null }>;
  setWorkerDuty(workerId: string, onDuty: boolean, actor: string): Promise<GridWorkerView>;
}

export interface SimOptions {
  ingest: SimIngest;
  tree: RegionTree;
  cameras: readonly CameraRecord[];
  workers: readonly GridWorkerView[];
  /** Open clues the simulator created earlier (their lifecycle goes on). */
  openClues?: readonly Clue[];
  seed?: number;
  /** 1 = a realistic pace; 10 = ten times as many events per second. */
  speed?: number;
  /** Online reports are repeated this often (wall-clock seconds) so the heartbeat sweep keeps healthy channels. */
  heartbeatSec?: number;
  /** Target operational rate per county; by default the rate at the start. */
  targets?: Map<string, number>;
}

export const SIM_ACTOR = 'simulator';
const MIN = 60_000;
const HOUR = 60 * MIN;
/** Mean time a channel stays down (before mean reversion adjusts it): field repairs take days, not minutes; village power cuts (below) come back within the hour. */
const MEAN_DOWN_MS = 48 * HOUR;
/** Clues per channel per day (about 27 a day for the demo county's 1,779 channels). */
const CLUES_PER_CAM_DAY = 0.015;
/** Patrol reports per grid worker per day (the fixtures have far fewer; a live wall wants some). */
const REPORTS_PER_WORKER_DAY = 0.15;
/** Duty changes per grid worker per day. */
const DUTY_CHANGES_PER_WORKER_DAY = 0.5;
const BURSTS_PER_COUNTY_DAY = 3;

const CATEGORY_WEIGHTS: [ClueCategory, number][] = [
  ['public_opinion', 35],
  ['dispute', 20],
  ['hazard', 15],
  ['environment', 10],
  ['security', 8],
  ['crowd', 6],
  ['other', 4],
  ['epidemic', 2],
];
const SOURCE_WEIGHTS: [ClueSource, number][] = [
  ['grid', 45],
  ['video', 25],
  ['hotline', 30],
];
const REASON_WEIGHTS: [CameraReason, number][] = [
  ['network', 40],
  ['power', 35],
  ['black_screen', 25],
];
const TITLES: Record<ClueCategory, string[]> = {
  environment: ['秸秆焚烧', '河道垃圾堆放', '扬尘污染', '污水直排'],
  crowd: ['集市人员聚集', '广场人群聚集', '路口围观聚集'],
  epidemic: ['返乡人员未报备', '冷链物品排查'],
  dispute: ['邻里宅基地纠纷', '土地承包纠纷', '赡养老人纠纷', '劳务费纠纷', '婚姻家庭纠纷'],
  hazard: ['电线私拉乱接', '井盖缺失', '危房隐患', '燃气管道隐患', '路灯损坏'],
  public_opinion: ['群众反映道路破损', '群众反映供水不稳', '群众建议增设路灯', '群众反映噪音扰民'],
  security: ['可疑人员徘徊', '电动车被盗', '夜间噪音滋事'],
  other: ['流浪犬只', '占道经营'],
};

/** mulberry32: small, fast and good enough for a simulation; deterministic with a seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Action =
  | { at: number; kind: 'recover'; ids: string[] }
  | {
      at: number;
      kind: 'clue';
      id: string;
      status: Clue['status'];
      outcome?: 'success' | 'failed' | 'court';
      assignee?: string;
    };

interface County {
  code: string;
  cams: string[];
  target: number;
  workers: string[];
}

/**
 * A data source like any other: channels drop and recover around each county's rate, villages
 * lose power now and then, clues arrive and move through their lifecycle, grid workers report
 * and go on and off duty. Everything goes through the ingest service with actor `simulator`.
 */
export class Simulator {
  readonly #o: Required<Omit<SimOptions, 'openClues' | 'targets'>>;
  readonly #rand: () => number;
  readonly #cams = new Map<string, CameraRecord>();
  readonly #workers = new Map<string, GridWorkerView>();
  readonly #counties: County[] = [];
  readonly #countyOf = new Map<string, string>();
  #queue: Action[] = [];
  #last: number | null = null;
  #lastHeartbeat = 0;
  #heartbeatCursor = 0;
  #seq = 0;
  #stopped = false;
  /** Calls made, by kind (tests and logs read them). */
  readonly stats = {
    statusReports: 0,
    changes: 0,
    clues: 0,
    patches: 0,
    gridReports: 0,
    duty: 0,
    errors: 0,
    heartbeats: 0,
  };

  constructor(opts: SimOptions) {
    this.#o = { seed: 1, speed: 1, heartbeatSec: 100, ...opts } as Required<Omit<SimOptions, 'openClues' | 'targets'>>;
    this.#rand = rng(this.#o.seed);
    for (const c of opts.cameras) this.#cams.set(c.id, c);
    for (const w of opts.workers) this.#workers.set(w.id, w);
    const byCounty = new Map<string, County>();
    const countyOf = (region: string): string | null => {
      const known = this.#countyOf.get(region);
      if (known !== undefined) return known;
      const r = opts.tree.byCode.get(region);
      if (!r) return null;
      const c = r.level === 'county' ? r : ancestorsOf(opts.tree, region).find((a) => a.level === 'county');
      const code = c?.code ?? null;
      if (code) this.#countyOf.set(region, code);
      return code;
    };
    const county = (code: string) => {
      let c = byCounty.get(code);
      if (!c) byCounty.set(code, (c = { code, cams: [], target: 0.9, workers: [] }));
      return c;
    };
    for (const c of [...opts.cameras].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const k = countyOf(c.region);
      if (k) county(k).cams.push(c.id);
    }
    for (const w of [...opts.workers].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const k = countyOf(w.region);
      if (k) county(k).workers.push(w.id);
    }
    for (const c of [...byCounty.values()].sort((a, b) => a.code.localeCompare(b.code))) {
      const [up, counted] = this.#countyRate(c);
      c.target = opts.targets?.get(c.code) ?? Math.min(0.97, Math.max(0.75, counted > 0 ? up / counted : 0.9));
      this.#counties.push(c);
    }
    for (const clue of opts.openClues ?? []) this.#scheduleClue(clue, Date.parse(clue.updatedAt));
  }

  /** Keeps the simulator's view in step with changes from other sources (REST, heartbeat sweep). */
  observeCameras(records: readonly CameraRecord[]): void {
    for (const r of records) if (this.#cams.has(r.id)) this.#cams.set(r.id, r);
  }

  observeWorkers(workers: readonly GridWorkerView[]): void {
    for (const w of workers) if (this.#workers.has(w.id)) this.#workers.set(w.id, w);
  }

  /**
   * Fills today from `from` to `to` at the same rates, with past times, so a fresh start does
   * not show a wall of zeros. Steps a minute at a time through the ordinary ingest calls.
   */
  async backfill(from: number, to: number): Promise<void> {
    this.#last = from;
    for (let t = from + MIN; t < to && !this.#stopped; t += MIN) {
      await this.step(t, { heartbeats: false });
      // The store may answer synchronously: yield so the server keeps serving meanwhile.
      await new Promise((r) => setImmediate(r));
    }
    if (!this.#stopped) await this.step(to, { heartbeats: false });
  }

  /** Ends a running backfill early (shutdown). */
  stop(): void {
    this.#stopped = true;
  }

  /** Advances the simulation to `now` (epoch ms): draws what happened since the last step. */
  async step(now: number, opts: { heartbeats?: boolean } = {}): Promise<void> {
    const last = this.#last ?? now - 1000;
    this.#last = now;
    if (now <= last) return;
    const dtDays = ((now - last) * this.#o.speed) / (24 * HOUR);
    const hour = Number(toShanghaiIso(now).slice(11, 13));
    const daytime = hour >= 7 && hour < 21 ? 1.5 : 0.3;
    const reports: { cameraId: string; status: 'online' | 'offline'; reason?: CameraReason; at: string }[] = [];
    const at = toShanghaiIso(now);

    // Scheduled actions first: recoveries and lifecycle steps that fell due.
    const due: Action[] = [];
    while (this.#queue.length > 0 && this.#queue[0]!.at <= now) due.push(this.#queue.shift()!);
    for (const a of due) {
      if (a.kind === 'recover') {
        for (const id of a.ids) if (this.#down(id)) reports.push({ cameraId: id, status: 'online', at });
      }
    }

    for (const c of this.#counties) {
      const [up, counted] = this.#countyRate(c);
      if (counted === 0) continue;
      const r = up / counted;
      // Mean reversion: more failures above the target, more repairs below it.
      const pull = Math.exp(Math.max(-3, Math.min(3, (r - c.target) / 0.015)));
      const lambda = ((1 - c.target) / (c.target * MEAN_DOWN_MS)) * 24 * HOUR; // failures per online channel per day
      const fails = this.#poisson(lambda * up * dtDays * pull);
      const repairs = this.#poisson((((24 * HOUR) / MEAN_DOWN_MS) * (counted - up) * dtDays) / pull);
      for (let k = 0; k < fails; k++) {
        const id = this.#pick(c.cams, (x) => this.#cams.get(x)?.status === 'online');
        if (id) reports.push({ cameraId: id, status: 'offline', reason: this.#weighted(REASON_WEIGHTS), at });
      }
      for (let k = 0; k < repairs; k++) {
        const id = this.#pick(c.cams, (x) => this.#down(x));
        if (id) reports.push({ cameraId: id, status: 'online', at });
      }
      // A power cut in one village: a run of neighbouring channels, back together later.
      if (this.#rand() < BURSTS_PER_COUNTY_DAY * dtDays) {
        const i = Math.floor(this.#rand() * c.cams.length);
        const ids = c.cams
          .slice(i, i + 3 + Math.floor(this.#rand() * 6))
          .filter((x) => this.#cams.get(x)?.status === 'online');
        for (const id of ids) reports.push({ cameraId: id, status: 'offline', reason: 'power', at });
        if (ids.length > 0) this.#push({ at: now + (20 + this.#rand() * 70) * MIN, kind: 'recover', ids });
      }
    }
    if (reports.length > 0) await this.#sendStatus(reports);

    for (const a of due) if (a.kind === 'clue') await this.#advanceClue(a, now);

    for (const c of this.#counties) {
      const nClues = this.#poisson(CLUES_PER_CAM_DAY * c.cams.length * dtDays * daytime);
      for (let k = 0; k < nClues; k++) await this.#newClue(c, now);
      const nReports = this.#poisson(REPORTS_PER_WORKER_DAY * c.workers.length * dtDays * daytime);
      for (let k = 0; k < nReports; k++) await this.#gridReport(c, now);
      // Duty follows the clock: most workers on duty by day, a few at night.
      const want = hour >= 8 && hour < 20 ? 0.85 : 0.25;
      const changes = this.#poisson(c.workers.length * DUTY_CHANGES_PER_WORKER_DAY * dtDays);
      for (let k = 0; k < changes; k++) {
        const id = c.workers[Math.floor(this.#rand() * c.workers.length)];
        const w = id ? this.#workers.get(id) : undefined;
        if (!w) continue;
        const on = this.#rand() < want;
        if (w.onDuty === on) continue;
        await this.#call(async () => {
          this.observeWorkers([await this.#o.ingest.setWorkerDuty(w.id, on, SIM_ACTOR)]);
          this.stats.duty++;
        });
      }
    }

    if (opts.heartbeats !== false) await this.#heartbeat(now);
  }

  #down(id: string): boolean {
    const s = this.#cams.get(id)?.status;
    return s === 'offline' || s === 'unknown';
  }

  #countyRate(c: County): [number, number] {
    let up = 0;
    let counted = 0;
    for (const id of c.cams) {
      const cam = this.#cams.get(id);
      if (!cam || !cam.inService || cam.maintenance) continue;
      counted++;
      if (cam.status === 'online') up++;
    }
    return [up, counted];
  }

  async #sendStatus(
    reports: { cameraId: string; status: 'online' | 'offline'; reason?: CameraReason; at: string }[],
  ): Promise<void> {
    for (const r of reports) if (this.#cams.get(r.cameraId)?.status !== r.status) this.stats.changes++;
    for (let i = 0; i < reports.length; i += 5000) {
      const part = reports.slice(i, i + 5000);
      await this.#call(async () => {
        await this.#o.ingest.statusBatch(part, SIM_ACTOR);
        this.stats.statusReports += part.length;
      });
    }
    // Our own view follows what we sent (the bus will confirm it).
    for (const r of reports) {
      const c = this.#cams.get(r.cameraId);
      if (!c) continue;
      this.#cams.set(r.cameraId, {
        ...c,
        status: r.status,
        reason: r.status === 'online' ? null : (r.reason ?? null),
        since: c.status === r.status ? c.since : r.at,
      });
    }
  }

  /** Online channels report in a rolling cycle, so each is heard from every `heartbeatSec`. */
  async #heartbeat(now: number): Promise<void> {
    const ids = [...this.#cams.keys()];
    if (ids.length === 0) return;
    const elapsed = this.#lastHeartbeat === 0 ? this.#o.heartbeatSec * 1000 : now - this.#lastHeartbeat;
    this.#lastHeartbeat = now;
    // A third of the timeout per cycle leaves room for a missed step or two.
    const share = Math.min(1, (elapsed / (this.#o.heartbeatSec * 1000)) * 3);
    const n = Math.ceil(ids.length * share);
    const at = toShanghaiIso(now);
    const batch: { cameraId: string; status: 'online'; at: string }[] = [];
    for (let k = 0; k < n; k++) {
      const id = ids[(this.#heartbeatCursor + k) % ids.length]!;
      if (this.#cams.get(id)?.status === 'online') batch.push({ cameraId: id, status: 'online', at });
    }
    this.#heartbeatCursor = (this.#heartbeatCursor + n) % ids.length;
    if (batch.length > 0) {
      this.stats.heartbeats += batch.length;
      for (let i = 0; i < batch.length; i += 5000)
        await this.#call(() => this.#o.ingest.statusBatch(batch.slice(i, i + 5000), SIM_ACTOR));
    }
  }

  async #newClue(c: County, now: number): Promise<void> {
    const camId = c.cams[Math.floor(this.#rand() * c.cams.length)];
    const cam = camId ? this.#cams.get(camId) : undefined;
    if (!cam) return;
    const category = this.#weighted(CATEGORY_WEIGHTS);
    const day = Number(toShanghaiIso(now).slice(8, 10));
    const source: ClueSource =
      (day === 6 || day === 16) && this.#rand() < 0.4 ? 'appeal_day' : this.#weighted(SOURCE_WEIGHTS);
    const place = cam.name.split(/[·\d]/)[1] ?? cam.name;
    const titles = TITLES[category];
    const urgent = this.#rand() < 0.05;
    // Some clues get a tight due time and a slow handling: they turn overdue on the wall.
    const tight = this.#rand() < 0.1;
    const body = {
      id: `SIM-${c.code}-${Math.floor(now / 1000).toString(36)}-${(this.#seq++).toString(36)}`,
      category,
      source,
      region: cam.region,
      title: `${place}${titles[Math.floor(this.#rand() * titles.length)]}`,
      lon: cam.lon,
      lat: cam.lat,
      reportedAt: toShanghaiIso(now),
      urgent,
      ...(tight ? { dueAt: toShanghaiIso(now + (2 + this.#rand() * 4) * HOUR) } : {}),
    };
    await this.#call(async () => {
      const res = await this.#o.ingest.createClue(body, SIM_ACTOR);
      this.stats.clues++;
      this.#scheduleClue(res.clue, now, tight);
    });
  }

  async #gridReport(c: County, now: number): Promise<void> {
    const on = c.workers.filter((id) => this.#workers.get(id)?.onDuty);
    const pool = on.length > 0 ? on : c.workers;
    const id = pool[Math.floor(this.#rand() * pool.length)];
    if (!id) return;
    const raise = this.#rand() < 0.1;
    const category = this.#weighted(CATEGORY_WEIGHTS);
    const titles = TITLES[category];
    const title = titles[Math.floor(this.#rand() * titles.length)]!;
    const body = {
      workerId: id,
      at: toShanghaiIso(now),
      text: raise ? `巡查发现${title}` : '日常巡查,未发现异常',
      ...(raise ? { clue: { category, title, reportedAt: toShanghaiIso(now) } } : {}),
    };
    await this.#call(async () => {
      const res = await this.#o.ingest.gridReport(body, SIM_ACTOR);
      this.stats.gridReports++;
      if (res.clue) {
        this.stats.clues++;
        this.#scheduleClue(res.clue, now);
      }
    });
  }

  #scheduleClue(clue: Clue, from: number, slow = false): void {
    const r = this.#rand;
    const next = (status: Clue['status'], after: number, extra: Partial<Action & { kind: 'clue' }> = {}) =>
      this.#push({ at: from + after, kind: 'clue', id: clue.id, status, ...extra } as Action);
    switch (clue.status) {
      case 'reported':
        if (r() < 0.04) next('invalid', (5 + r() * 30) * MIN);
        else next('verified', (5 + r() * 35) * MIN);
        break;
      case 'verified':
        next('dispatched', (10 + r() * 50) * MIN, { assignee: clue.category === 'dispute' ? '司法所' : '综治中心' });
        break;
      case 'dispatched': {
        const due = clue.dueAt ? Date.parse(clue.dueAt) : from + 3 * 24 * HOUR;
        const after = slow ? due - from + (1 + r() * 3) * HOUR : (1 + r() * 7) * HOUR;
        if (clue.category === 'dispute') {
          const x = r();
          next('resolved', after, { outcome: x < 0.955 ? 'success' : x < 0.987 ? 'failed' : 'court' });
        } else next('resolved', after);
        break;
      }
      case 'resolved':
        next('closed', (2 + r() * 10) * HOUR);
        break;
      default:
        break;
    }
  }

  async #advanceClue(a: Action & { kind: 'clue' }, now: number): Promise<void> {
    await this.#call(async () => {
      const body: Record<string, unknown> = { status: a.status, at: toShanghaiIso(now) };
      if (a.assignee) body.assignee = a.assignee;
      if (a.outcome) body.outcome = a.outcome;
      const clue = await this.#o.ingest.patchClue(a.id, body, SIM_ACTOR);
      this.stats.patches++;
      this.#scheduleClue(
        clue,
        now,
        clue.dueAt !== null && Date.parse(clue.dueAt) - Date.parse(clue.reportedAt) < 8 * HOUR,
      );
    });
  }

  #push(a: Action): void {
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#queue[mid]!.at <= a.at) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, a);
  }

  async #call(f: () => Promise<unknown>): Promise<void> {
    try {
      await f();
    } catch {
      // A rejected call (e.g. a clue someone else moved on) is part of life; the simulation goes on.
      this.stats.errors++;
    }
  }

  #poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.#normal()));
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.#rand();
    } while (p > l);
    return k - 1;
  }

  #normal(): number {
    const u = Math.max(1e-12, this.#rand());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.#rand());
  }

  #weighted<T>(items: readonly [T, number][]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.#rand() * total;
    for (const [v, w] of items) if ((x -= w) < 0) return v;
    return items[items.length - 1]![0];
  }

  #pick(ids: readonly string[], ok: (id: string) => boolean): string | null {
    for (let tries = 0; tries < 40; tries++) {
      const id = ids[Math.floor(this.#rand() * ids.length)];
      if (id && ok(id)) return id;
    }
    return null;
  }
}

/** Whether today is still empty (a fresh start): nothing reported since midnight. */
export function todayIsEmpty(clues: readonly Clue[], reports: readonly GridReport[], now: number): boolean {
  const from = Date.parse(periodOf('today', now).from);
  return !clues.some((c) => Date.parse(c.reportedAt) >= from) && !reports.some((r) => Date.parse(r.at) >= from);
}
