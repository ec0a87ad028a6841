import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { MqttSourceConfig } from '../config/sections/sources.js';
import { Backoff } from './backoff.js';
import {
  channelIdOf,
  compileTopic,
  idFromTopic,
  mapPayload,
  payloadRules,
  type PayloadRules,
  type TopicTemplate,
} from './mapping.js';
import type { SourceAdapter, SourceContext } from './types.js';

/** After the last retained message of a (re)subscription, how long to wait before calling the resync complete. */
const RETAINED_SETTLE_MS = 1_500;
const RETAINED_MAX_MS = 15_000;

interface Resolved {
  templates: TopicTemplate[];
  rules: PayloadRules;
  availability: { topic: string; online: string; offline: string } | null;
}

/** The topics, payload rules and last-will topic a config (and its preset) stands for. */
export function resolveMqtt(c: MqttSourceConfig): Resolved {
  const prefix = c.topicPrefix ?? 'frigate';
  let topics = c.topics ?? (c.topic ? [c.topic] : []);
  let payload = c.payload ?? {};
  let availability = c.availability ?? null;
  if (c.preset === 'frigate') {
    // Frigate: frigate/<camera>/status/detect is online|offline|disabled; frigate/available is its last will.
    if (topics.length === 0) topics = [`${prefix}/{id}/status/detect`];
    payload = { online: ['online'], offline: ['offline'], ignore: ['disabled'], ...payload };
    availability ??= { topic: `${prefix}/available` };
  } else if (c.preset === 'homeassistant') {
    // Home Assistant availability topics: payload_available / payload_not_available.
    payload = { online: ['online'], offline: ['offline'], ...payload };
  }
  return {
    templates: topics.map(compileTopic),
    rules: payloadRules(payload),
    availability: availability
      ? {
          topic: availability.topic,
          online: availability.online ?? 'online',
          offline: availability.offline ?? 'offline',
        }
      : null,
  };
}

/**
 * MQTT (mqtt.js 5): subscribes with QoS 1 to topic templates, maps payloads to statuses, reads
 * retained messages at (re)connect as the current state, and reconnects with a growing,
 * jittered delay. The source is up while the broker connection holds and, with a last-will
 * topic (Frigate's frigate/available), while the bridge says it is online.
 */
export class MqttSource implements SourceAdapter {
  readonly #c: MqttSourceConfig;
  readonly #ctx: SourceContext;
  readonly #r: Resolved;
  #client: MqttClient | null = null;
  #brokerUp = false;
  #bridgeUp = true;
  #stopped = false;
  readonly #backoff = new Backoff(1_000, 30_000);
  #reconnectTimer: NodeJS.Timeout | null = null;
  #retained = new Set<string>();
  #settle: NodeJS.Timeout | null = null;
  #settleStarted = 0;

  constructor(config: MqttSourceConfig, ctx: SourceContext) {
    this.#c = config;
    this.#ctx = ctx;
    this.#r = resolveMqtt(config);
  }

  describe(): Record<string, unknown> {
    const u = new URL(this.#c.url);
    return {
      broker: `${u.protocol}//${u.host}`,
      topics: this.#r.templates.map((t) => t.template),
      availability: this.#r.availability?.topic ?? null,
      preset: this.#c.preset ?? null,
      qos: this.#c.qos ?? 1,
      authenticated: this.#c.username !== undefined || u.username !== '',
    };
  }

  async start(): Promise<void> {
    this.#stopped = false;
    const opts: IClientOptions = {
      clientId: this.#c.clientId ?? `zhihui-${this.#c.id}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      clean: true,
      // Reconnects are ours, with backoff: mqtt.js's own timer has a fixed period.
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      keepalive: 30,
      username: this.#c.username,
      password: this.#c.password,
      // mqtt.js traces every packet through `debug` (a dozen calls each, about 4% of the server's
      // time in a storm even when DEBUG is off); the source logs what matters itself.
      log: () => undefined,
    };
    const client = mqtt.connect(this.#c.url, opts);
    this.#client = client;
    client.on('connect', () => void this.#onConnect(client));
    client.on('message', (topic, payload, packet) => this.#onMessage(topic, payload, packet.retain));
    client.on('error', (err) => this.#ctx.connection(false, `broker: ${err.message}`));
    client.on('close', () => this.#onClose());
    sendAcksTogether(client);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#settle) clearTimeout(this.#settle);
    const c = this.#client;
    this.#client = null;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  async #onConnect(client: MqttClient): Promise<void> {
    this.#backoff.reset();
    this.#brokerUp = true;
    this.#retained = new Set();
    const qos = this.#c.qos ?? 1;
    const filters = this.#r.templates.map((t) => t.filter);
    if (this.#r.availability) filters.push(this.#r.availability.topic);
    try {
      await client.subscribeAsync(Object.fromEntries(filters.map((f) => [f, { qos }])));
    } catch (err) {
      this.#ctx.connection(false, `subscribe refused: ${(err as Error).message}`);
      return;
    }
    this.#update(null);
    this.#settleStarted = this.#ctx.now();
    this.#armSettle();
  }

  #onClose(): void {
    const was = this.#brokerUp;
    this.#brokerUp = false;
    // A resync still settling belongs to the connection that is gone: run after the source went
    // down, it would take its channels' source_down away (#11). The next connect resyncs afresh.
    if (this.#settle) clearTimeout(this.#settle);
    this.#settle = null;
    this.#retained = new Set();
    if (was) this.#update('broker connection lost');
    else this.#ctx.connection(false);
    if (this.#stopped || this.#reconnectTimer) return;
    const delay = this.#backoff.next();
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (!this.#stopped) this.#client?.reconnect();
    }, delay);
    this.#reconnectTimer.unref();
  }

  #update(error: string | null): void {
    const up = this.#brokerUp && this.#bridgeUp;
    this.#ctx.connection(
      up,
      up
        ? null
        : (error ?? (this.#brokerUp ? `${this.#r.availability?.topic} says offline (the bridge's last will)` : null)),
    );
  }

  /** Retained messages arrive right after the subscription: once they stop, the resync is complete. */
  #armSettle(): void {
    if (this.#settle) clearTimeout(this.#settle);
    const wait = Math.max(0, Math.min(RETAINED_SETTLE_MS, this.#settleStarted + RETAINED_MAX_MS - this.#ctx.now()));
    this.#settle = setTimeout(() => {
      this.#settle = null;
      const mentioned = this.#retained;
      this.#retained = new Set();
      this.#ctx
        .reconciled(mentioned)
        .catch((err: unknown) => this.#ctx.log.error({ err, source: this.#c.id }, 'mqtt: resync failed'));
    }, wait);
    this.#settle.unref();
  }

  #onMessage(topic: string, payload: Buffer, retain: boolean): void {
    const ctx = this.#ctx;
    ctx.received();
    const av = this.#r.availability;
    if (av && topic === av.topic) {
      const v = payload.toString('utf8').trim();
      if (v === av.online || v === av.offline) {
        this.#bridgeUp = v === av.online;
        this.#update(null);
      } else ctx.bad('bad_payload', `${topic}: '${v.slice(0, 40)}' is neither ${av.online} nor ${av.offline}`);
      return;
    }
    let name: string | null = null;
    for (const t of this.#r.templates) if ((name = idFromTopic(t, topic)) !== null) break;
    if (name === null)
      return ctx.bad('bad_topic', `${topic} fits no template (${this.#r.templates.map((t) => t.template).join(', ')})`);
    const id = channelIdOf(name, this.#c.ids);
    if (id === null) return ctx.bad('unknown_id', `${topic}: no channel id for '${name}'`);
    const m = mapPayload(payload, this.#r.rules);
    if ('error' in m) return ctx.bad('bad_payload', `${topic}: ${m.error}`);
    if ('ignore' in m) return;
    if (retain && this.#settle) {
      this.#retained.add(id);
      this.#armSettle();
    }
    ctx.report([{ cameraId: id, status: m.status, reason: m.reason, at: m.at }]);
  }
}

/**
 * mqtt-packet corks the socket around each packet it writes and uncorks it on the next tick, so
 * a storm of QoS 1 messages costs one `writev` system call per PUBACK: a sixth of the server's
 * time in the 100,000-message storm. Keeping the socket corked for the rest of the event-loop
 * turn in which a packet arrived sends the acknowledgements of one socket read together; each is
 * still written after its message was handled.
 */
function sendAcksTogether(client: MqttClient): void {
  let corked = false;
  client.on('packetreceive', () => {
    const stream = client.stream;
    if (corked || typeof stream?.cork !== 'function') return;
    corked = true;
    stream.cork();
    setImmediate(() => {
      corked = false;
      stream.uncork();
    });
  });
}
