import { createHmac } from 'node:crypto';
import type { NotifyChannelConfig } from '../../config/sections/notifications.js';
import { fitMessage, mergeMentions, toMarkdown, toText, type Message } from '../message.js';
import { checkRobotReply, postJson } from './http.js';
import type { Transport } from './types.js';

/** sign = urlencode(base64(HmacSHA256(key = secret, timestamp + "\n" + secret))), timestamp in ms. */
export function dingtalkSign(secret: string, timestamp: number): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
}

/** The URL with timestamp and sign appended (signing mode), or as configured (keyword / IP mode). */
export function signedUrl(url: string, secret: string | undefined, now: number): string {
  if (!secret) return url;
  return `${url}${url.includes('?') ? '&' : '?'}timestamp=${now}&sign=${dingtalkSign(secret, now)}`;
}

// DingTalk's custom robot: 130101 "send too fast"; 310000 a keyword, signature or IP that does
// not match the robot's security setting, 300001 an unknown access_token: resending cannot help.
const CODES = { throttle: [130101], permanent: [310000, 300001] };
/** Room kept below DingTalk's markdown limit (about 20 KB). */
const MAX_BYTES = 18_000;

/** DingTalk custom robot: markdown {title, text} or text, with @mobiles written into the text. */
export function dingtalkTransport(c: NotifyChannelConfig, timeoutMs: number): Transport {
  const url = c.url!;
  const markdown = (c.msgtype ?? 'markdown') === 'markdown';
  const keyword = c.keywords?.[0];
  const withKeyword = (text: string) =>
    c.keywords && !c.keywords.some((k) => text.includes(k)) ? `${keyword} ${text}` : text;
  const atLine = (m: Message) => {
    const mentions = mergeMentions(c.mentions, m.mentions);
    return mentions && mentions.mobiles.length > 0 ? `\n\n${mentions.mobiles.map((x) => `@${x}`).join(' ')}` : '';
  };
  const render = (m: Message) => withKeyword((markdown ? toMarkdown(m) : toText(m)) + atLine(m));
  return {
    kind: 'dingtalk',
    maxBytes: MAX_BYTES,
    render,
    async send(m) {
      const fit = fitMessage(m, MAX_BYTES, render);
      const text = render(fit);
      const mentions = mergeMentions(c.mentions, m.mentions);
      const at = { atMobiles: mentions?.mobiles ?? [], isAtAll: mentions?.all ?? false };
      const body = markdown
        ? { msgtype: 'markdown', markdown: { title: withKeyword(fit.title), text }, at }
        : { msgtype: 'text', text: { content: text }, at };
      const reply = await postJson(signedUrl(url, c.secret, Date.now()), JSON.stringify(body), {}, timeoutMs);
      checkRobotReply(reply, CODES);
    },
    close: async () => {},
  };
}
