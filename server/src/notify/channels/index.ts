import type { NotifyChannelConfig } from '../../config/sections/notifications.js';
import { dingtalkTransport } from './dingtalk.js';
import { emailTransport } from './email.js';
import type { Transport } from './types.js';
import { webhookTransport } from './webhook.js';
import { wecomTransport } from './wecom.js';

export { DeliveryError, type Transport } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** The transport of a channel as configured. */
export async function createTransport(c: NotifyChannelConfig): Promise<Transport> {
  const timeout = c.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  switch (c.kind) {
    case 'dingtalk':
      return dingtalkTransport(c, timeout);
    case 'wecom':
      return wecomTransport(c, timeout);
    case 'webhook':
      return webhookTransport(c, timeout);
    case 'email':
      return emailTransport(c, timeout);
  }
}

/** Messages a minute a channel sends before the excess is merged: the robots' documented 20. */
export function defaultRatePerMinute(c: Pick<NotifyChannelConfig, 'kind'>): number {
  return c.kind === 'dingtalk' || c.kind === 'wecom' ? 20 : 60;
}
