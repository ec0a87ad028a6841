import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readConfigFile, emptyConfigFile, type ConfigFile } from './file.js';
import { peopleConfig, type PeopleConfig } from './people.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Everything the server reads from its environment, resolved once at start. */
export interface Config {
  port: number;
  host: string;
  /** Folder of the SQLite file. */
  dataDir: string;
  /** A postgres:// URL switches the store to PostgreSQL. */
  databaseUrl: string | null;
  /** Switches socket.io to the Redis adapter (several server processes). */
  redisUrl: string | null;
  simulator: boolean;
  /** Simulator speed factor (1 = realistic pace). */
  simulatorSpeed: number;
  /** Write keys, `name:key` pairs. */
  apiKeys: { name: string; key: string }[];
  /**
   * True when no API_KEYS were configured outside production and a demo write key stands in
   * (DEMO_KEY, or generated). In production (NODE_ENV=production) there is no demo key: without
   * API_KEYS the write API takes only keys an admin creates.
   */
  demoKey: boolean;
  /** NODE_ENV=production. */
  production: boolean;
  /** The region the root URL opens. */
  region: string;
  fixturesDir: string;
  /** Built client (client/dist). */
  clientDir: string;
  /** Seed the store from fixtures when it is empty. */
  seed: boolean;
  /** `today`: shift fixture times by whole days so the fixture anchor is today's start; `fixture`: keep them. */
  seedAnchor: 'today' | 'fixture';
  /** Seconds a channel may stay silent before it becomes `unknown`; twice that, `offline`. */
  heartbeatTimeoutSec: number;
  /** After a start, no channel is marked unknown before this many seconds (no false mass-offline). */
  heartbeatGraceSec: number;
  /** Status reports older than this many days are rejected (LATE_REPORT_MAX_DAYS). */
  lateReportMaxDays: number;
  /** Delta flush interval of the stream, ms. */
  flushMs: number;
  /** Optional intranet raster tile URL template for the map ({z}/{x}/{y}). */
  tileUrl: string | null;
  logLevel: string;
  /**
   * Which peers may set X-Forwarded-For (TRUST_PROXY): `loopback` by default, so a proxy on this
   * machine is believed and a remote client cannot fake its address; `off`, `on`, or addresses/CIDRs.
   */
  trustProxy: boolean | string;
  /** ADMIN_KEY: bearer key of the admin role (keys, viewer tokens, maintenance, audit). */
  adminKey: string | null;
  /** VIEWER_TOKENS: display tokens from the environment, `name:token` pairs (admins can add more). */
  viewerTokens: { name: string; key: string }[];
  /**
   * REQUIRE_VIEWER: `on` — pages, the read API and sockets need a viewer token; `off` — never;
   * `auto` (default) — once a viewer token exists (VIEWER_TOKENS, or one an admin issued, even if since revoked).
   */
  requireViewer: 'auto' | 'on' | 'off';
  /** CORS_ORIGINS: origins allowed to call the API from a browser; empty = CORS off (same origin only). */
  corsOrigins: string[];
  /** RATE_LIMIT_WRITES: writes per minute per client (key or address); 0 = unlimited. */
  rateLimitWrites: number;
  /**
   * RATE_LIMIT_AUTH_FAILURES: failed authentications per minute (per address, and per presented
   * secret) answered at once; further failures are answered after growing delays. 0 = no throttle.
   */
  rateLimitAuthFailures: number;
  /** REQUEST_TIMEOUT (seconds, default 30): a request must arrive whole within this, or it is cut with 408. */
  requestTimeoutMs: number;
  /** MAX_CONNECTIONS: open connections (HTTP and sockets together) past which new ones are closed; 0 = no cap. */
  maxConnections: number;
  /** METRICS: `open` (default) — /metrics for anyone; `key` — a Bearer key with the metrics scope (or admin); `off` — not served. */
  metricsAccess: 'open' | 'key' | 'off';
  /** ZHIHUI_CONFIG: path of the config file (YAML or JSON), or null when none is used. */
  configPath: string | null;
  /** The config file's sections (sources, notifications, video, …), checked at start; empty without a file. */
  file: ConfigFile;
  /** Sign-in lockout and session lifetimes of people's accounts. */
  people: PeopleConfig;
}

function parseKeys(raw: string | undefined, what = 'API_KEYS'): { name: string; key: string }[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf(':');
      if (i <= 0 || i === pair.length - 1) throw new Error(`${what}: "${pair}" is not a name:key pair`);
      return { name: pair.slice(0, i), key: pair.slice(i + 1) };
    });
}

function parseTrustProxy(v: string | undefined): boolean | string {
  if (v === undefined || v === '') return 'loopback';
  if (['off', 'false', '0', 'no'].includes(v)) return false;
  if (['on', 'true', '1', 'yes'].includes(v)) return true;
  return v;
}

const num = (v: string | undefined, d: number): number => {
  if (v === undefined || v === '') return d;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
};

function onOff(v: string | undefined, name: string): 'auto' | 'on' | 'off' {
  const s = (v ?? 'auto').trim().toLowerCase();
  if (s === '' || s === 'auto') return 'auto';
  if (['on', 'true', '1', 'yes'].includes(s)) return 'on';
  if (['off', 'false', '0', 'no'].includes(s)) return 'off';
  throw new Error(`${name}: "${v}" is not one of on, off, auto`);
}

/** Reads the configuration from `env`; `overrides` win (tests use them). */
function metricsAccess(v: string | undefined): Config['metricsAccess'] {
  const s = (v ?? 'open').trim().toLowerCase();
  if (s === '' || s === 'open' || s === 'on') return 'open';
  if (s === 'key' || s === 'off') return s;
  throw new Error(`METRICS: "${v}" is not one of open, key, off`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const keys = parseKeys(env.API_KEYS);
  const production = env.NODE_ENV === 'production';
  // A demo key is for trying the product out; a production server never has one.
  const demoKey = keys.length === 0 && !production;
  if (demoKey) keys.push({ name: 'demo', key: env.DEMO_KEY ?? `demo-${randomBytes(9).toString('base64url')}` });
  const region = env.REGION ?? '130111';
  const requireViewer = onOff(env.REQUIRE_VIEWER, 'REQUIRE_VIEWER');
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const o of corsOrigins)
    if (!/^https?:\/\/[^/\s]+$/.test(o))
      throw new Error(`CORS_ORIGINS: "${o}" is not an origin (scheme://host[:port])`);
  if (!/^(\d{6}|\d{9}|\d{12})$/.test(region)) throw new Error(`REGION: "${region}" is not a region code`);
  const base: Config = {
    port: num(env.PORT, 8080),
    host: env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL?.startsWith('postgres') ? env.DATABASE_URL : null,
    redisUrl: env.REDIS_URL || null,
    simulator: (env.SIMULATOR ?? 'on') !== 'off',
    simulatorSpeed: num(env.SIMULATOR_SPEED, 1),
    apiKeys: keys,
    demoKey,
    production,
    region,
    fixturesDir: path.resolve(env.FIXTURES_DIR ?? path.join(repoRoot, 'fixtures')),
    clientDir: path.resolve(env.CLIENT_DIR ?? path.join(repoRoot, 'client/dist')),
    seed: (env.SEED ?? 'on') !== 'off',
    seedAnchor: env.SEED_ANCHOR === 'fixture' ? 'fixture' : 'today',
    heartbeatTimeoutSec: num(env.HEARTBEAT_TIMEOUT, 300),
    heartbeatGraceSec: num(env.HEARTBEAT_GRACE, 600),
    lateReportMaxDays: num(env.LATE_REPORT_MAX_DAYS, 90),
    flushMs: num(env.FLUSH_MS, 150),
    tileUrl: env.TILE_URL || null,
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    adminKey: env.ADMIN_KEY || null,
    viewerTokens: parseKeys(env.VIEWER_TOKENS, 'VIEWER_TOKENS'),
    requireViewer,
    corsOrigins,
    rateLimitWrites: num(env.RATE_LIMIT_WRITES, 1200),
    rateLimitAuthFailures: num(env.RATE_LIMIT_AUTH_FAILURES, 30),
    requestTimeoutMs: num(env.REQUEST_TIMEOUT, 30) * 1000,
    maxConnections: num(env.MAX_CONNECTIONS, 10_000),
    metricsAccess: metricsAccess(env.METRICS),
    configPath: env.ZHIHUI_CONFIG ? path.resolve(env.ZHIHUI_CONFIG) : null,
    file: env.ZHIHUI_CONFIG ? readConfigFile(path.resolve(env.ZHIHUI_CONFIG)) : emptyConfigFile(),
    people: peopleConfig(env),
  };
  return { ...base, ...overrides };
}
