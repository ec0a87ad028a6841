import { createHmac } from 'node:crypto';
import type { NotifyChannelConfig } from '../../config/sections/notifications.js';
import { toText, type Message } from '../message.js';
import { postJson } from './http.js';
import { DeliveryError, type Transport } from './types.js';

/** Headers of a signed webhook call. */
export const WEBHOOK_HEADERS = { timestamp: 'x-zhihui-timestamp', signature: 'x-zhihui-signature' } as const;

/** `sha256=` + hex HMAC-SHA256(key = secret, timestamp + "." + body): what a receiver recomputes. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The JSON a webhook receives. */
export function webhookBody(m: Message): Record<string, unknown> {
  return {
    version: 1,
    kind: m.kind,
    rule: m.rule,
    key: m.key,
    region: m.region,
    urgent: m.urgent,
    title: m.title,
    headline: m.headline,
    lines: m.lines,
    link: m.link,
    text: toText(m),
    at: m.at,
  };
}

/**
 * Generic webhook: a JSON body signed with HMAC-SHA256 over timestamp and body, so the receiver
 * can check both origin and freshness. 2xx is success; a JSON reply with a non-zero errcode is not.
 */
export function webhookTransport(c: NotifyChannelConfig, timeoutMs: number): Transport {
  return {
    kind: 'webhook',
    maxBytes: 1024 * 1024,
    render: (m) => JSON.stringify(webhookBody(m)),
    async send(m) {
      const body = JSON.stringify(webhookBody(m));
      const ts = Date.now();
      const r = await postJson(
        c.url!,
        body,
        { [WEBHOOK_HEADERS.timestamp]: String(ts), [WEBHOOK_HEADERS.signature]: webhookSignature(c.secret!, ts, body) },
        timeoutMs,
      );
      if (r.status === 429) throw new DeliveryError('HTTP 429 (too many requests)', true, true);
      if (r.status < 200 || r.status >= 300)
        throw new DeliveryError(`HTTP ${r.status}`, r.status >= 500 || r.status === 408);
      let json: unknown;
      try {
        json = JSON.parse(r.body);
      } catch {
        return; // any 2xx without JSON is an acceptance
      }
      const code = json && typeof json === 'object' ? (json as { errcode?: unknown }).errcode : undefined;
      if (code !== undefined && Number(code) !== 0) throw new DeliveryError(`errcode ${String(code)}`, true);
    },
    close: async () => {},
  };
}
