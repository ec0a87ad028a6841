import type { NotifyChannelConfig } from '../../config/sections/notifications.js';
import { fitMessage, mergeMentions, toMarkdown, toText, type Message } from '../message.js';
import { checkRobotReply, postJson } from './http.js';
import type { Transport } from './types.js';

/** WeCom group robot content limits, in bytes (UTF-8). */
export const WECOM_LIMITS = { markdown: 4096, text: 2048 } as const;

// WeCom: 45009 API frequency over the limit; 93000 an invalid (deleted) webhook key.
const CODES = { throttle: [45009], permanent: [93000] };

/**
 * WeCom (企业微信) group robot: markdown (≤ 4,096 bytes) or text (≤ 2,048 bytes) with
 * mentioned_mobile_list. WeCom's markdown cannot @ by mobile, so a channel with mentions sends
 * text unless told otherwise.
 */
export function wecomTransport(c: NotifyChannelConfig, timeoutMs: number): Transport {
  const url = c.url!;
  const type = c.msgtype ?? (c.mentions?.mobiles?.length || c.mentions?.all ? 'text' : 'markdown');
  const maxBytes = WECOM_LIMITS[type];
  const render = (m: Message) => (type === 'markdown' ? toMarkdown(m) : toText(m));
  return {
    kind: 'wecom',
    maxBytes,
    render,
    async send(m) {
      const content = render(fitMessage(m, maxBytes, render));
      const mentions = mergeMentions(c.mentions, m.mentions);
      const list = [...(mentions?.mobiles ?? []), ...(mentions?.all ? ['@all'] : [])];
      const body =
        type === 'markdown'
          ? { msgtype: 'markdown', markdown: { content } }
          : { msgtype: 'text', text: { content, ...(list.length ? { mentioned_mobile_list: list } : {}) } };
      checkRobotReply(await postJson(url, JSON.stringify(body), {}, timeoutMs), CODES);
    },
    close: async () => {},
  };
}
