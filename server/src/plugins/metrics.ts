import fp from 'fastify-plugin';

/** Label set of one series. */
export type Labels = Readonly<Record<string, string | number>>;

/** What a gauge callback may return: one value, or one value per label set. */
export type GaugeValue = number | readonly { labels: Labels; value: number }[];

/** Counters, histograms and gauges, rendered as Prometheus text at GET /metrics. */
export interface Metrics {
  /** Adds `n` (default 1) to a counter. */
  inc(name: string, labels?: Labels, n?: number): void;
  /** Records one observation (seconds, bytes …) in a histogram. */
  observe(name: string, labels: Labels, value: number): void;
  /** Registers a gauge read when scraped (the latest registration of a name wins). */
  gauge(name: string, read: () => GaugeValue, help?: string): void;
  /** Sets help text (and histogram buckets) for a metric before or after first use. */
  describe(name: string, help: string, buckets?: readonly number[]): void;
  /** The Prometheus text exposition of everything. */
  render(): string;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

const DEFAULT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}="${escapeLabel(String(labels[k]))}"`).join(',');
}

const withLabels = (name: string, key: string, extra?: string): string => {
  const all = [key, extra].filter(Boolean).join(',');
  return all ? `${name}{${all}}` : name;
};

const fmt = (n: number): string => (Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN');

/** A small in-process registry; no external client library needed for three metric kinds. */
export function createMetrics(): Metrics {
  const help = new Map<string, string>();
  const bucketsOf = new Map<string, readonly number[]>();
  const counters = new Map<string, Map<string, number>>();
  const histograms = new Map<string, Map<string, Histogram>>();
  const gauges = new Map<string, () => GaugeValue>();

  return {
    inc(name, labels, n = 1) {
      let series = counters.get(name);
      if (!series) counters.set(name, (series = new Map()));
      const key = labelKey(labels);
      series.set(key, (series.get(key) ?? 0) + n);
    },
    observe(name, labels, value) {
      let series = histograms.get(name);
      if (!series) histograms.set(name, (series = new Map()));
      const key = labelKey(labels);
      const buckets = bucketsOf.get(name) ?? DEFAULT_BUCKETS;
      let h = series.get(key);
      if (!h) series.set(key, (h = { counts: new Array<number>(buckets.length).fill(0), sum: 0, count: 0 }));
      for (let i = 0; i < buckets.length; i++) if (value <= buckets[i]!) h.counts[i]!++;
      h.sum += value;
      h.count++;
    },
    gauge(name, read, text) {
      gauges.set(name, read);
      if (text) help.set(name, text);
    },
    describe(name, text, buckets) {
      help.set(name, text);
      if (buckets)
        bucketsOf.set(
          name,
          [...buckets].sort((a, b) => a - b),
        );
    },
    render() {
      const out: string[] = [];
      const head = (name: string, type: string) => {
        out.push(`# HELP ${name} ${help.get(name) ?? name}`);
        out.push(`# TYPE ${name} ${type}`);
      };
      for (const [name, series] of counters) {
        head(name, 'counter');
        for (const [key, v] of series) out.push(`${withLabels(name, key)} ${fmt(v)}`);
      }
      for (const [name, series] of histograms) {
        head(name, 'histogram');
        const buckets = bucketsOf.get(name) ?? DEFAULT_BUCKETS;
        for (const [key, h] of series) {
          buckets.forEach((b, i) => out.push(`${withLabels(`${name}_bucket`, key, `le="${b}"`)} ${h.counts[i]}`));
          out.push(`${withLabels(`${name}_bucket`, key, 'le="+Inf"')} ${h.count}`);
          out.push(`${withLabels(`${name}_sum`, key)} ${fmt(h.sum)}`);
          out.push(`${withLabels(`${name}_count`, key)} ${h.count}`);
        }
      }
      for (const [name, read] of gauges) {
        let v: GaugeValue;
        try {
          v = read();
        } catch {
          continue; // a failing gauge must not break the scrape
        }
        head(name, 'gauge');
        if (typeof v === 'number') out.push(`${name} ${fmt(v)}`);
        else for (const s of v) out.push(`${withLabels(name, labelKey(s.labels))} ${fmt(s.value)}`);
      }
      return out.join('\n') + '\n';
    },
  };
}

/** app.metrics, request counts and latency, and process gauges (GET /metrics is served by routes/health.ts, behind METRICS). */
export default fp(
  async (app) => {
    const m = createMetrics();
    app.decorate('metrics', m);
    m.describe('zhihui_http_requests_total', 'HTTP requests by method, route and status');
    m.describe('zhihui_http_request_seconds', 'HTTP request latency by method and route');
    m.describe('zhihui_ingest_reports_total', 'Status reports received, by result (accepted, rejected)');
    m.describe('zhihui_ingest_rejects_total', 'Rejected items (status reports, inventory rows, …) by error code');
    m.describe('zhihui_status_changes_total', 'Real status changes stored, by new status');
    m.describe('zhihui_clues_total', 'Clues created, by source');
    m.describe('zhihui_clue_transitions_total', 'Clue lifecycle transitions, by target status');
    m.describe('zhihui_grid_reports_total', 'Grid worker reports stored');
    m.describe('zhihui_store_seconds', 'Store call latency, by operation');
    const started = Date.now();
    m.gauge('zhihui_uptime_seconds', () => (Date.now() - started) / 1000, 'Seconds since the server started');
    m.gauge('zhihui_process_resident_memory_bytes', () => process.memoryUsage().rss, 'Resident set size');
    m.gauge('zhihui_process_heap_used_bytes', () => process.memoryUsage().heapUsed, 'V8 heap in use');

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      m.inc('zhihui_http_requests_total', { method: request.method, route, status: reply.statusCode });
      m.observe('zhihui_http_request_seconds', { method: request.method, route }, reply.elapsedTime / 1000);
    });
  },
  { name: 'metrics', fastify: '5.x' },
);
