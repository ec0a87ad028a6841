/** What a message is about; channels render it in their own format. */
export type MessageKind = 'alert' | 'recovery' | 'reminder' | 'digest' | 'test' | 'merged';

export interface Mentions {
  mobiles: string[];
  all: boolean;
}

/**
 * One notification, independent of the channel it goes to: a one-line title, a headline sentence
 * and detail lines (plain text; robots get them as markdown lists). All text zh-CN.
 */
export interface Message {
  kind: MessageKind;
  /** Short, one line: the DingTalk markdown title, the e-mail subject. */
  title: string;
  /** The sentence that says it all ("冶河镇 29路视频离线"). */
  headline: string;
  lines: string[];
  link: string | null;
  /** The region it is about (a township for roll-ups, the rule's region for digests). */
  region: string;
  rule: string | null;
  /** Alert key (rule|subject) for alerts and their recoveries. */
  key: string | null;
  urgent: boolean;
  mentions: Mentions | null;
  /** ISO time it was raised. */
  at: string;
}

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** One line, without markdown that would change the message's structure. */
export function oneLine(s: string, max = 120): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Markdown body: the headline in bold, then the lines as a list, then the link. */
export function toMarkdown(m: Message): string {
  const parts = [`#### ${m.title}`, '', `**${m.headline}**`];
  if (m.lines.length > 0) parts.push('', ...m.lines.map((l) => (l.startsWith('  ') ? `  - ${l.trim()}` : `- ${l}`)));
  if (m.link) parts.push('', `[查看详情](${m.link})`);
  return parts.join('\n');
}

/** Plain text body. */
export function toText(m: Message): string {
  return [`【${m.title}】${m.headline}`, ...m.lines, ...(m.link ? [`详情:${m.link}`] : [])].join('\n');
}

/**
 * The message cut to fit `maxBytes` once rendered: detail lines are dropped from the end, with a
 * line saying how many (the delivery log keeps the whole message).
 */
export function fitMessage(m: Message, maxBytes: number, render: (m: Message) => string): Message {
  if (byteLength(render(m)) <= maxBytes) return m;
  const lines = [...m.lines];
  while (lines.length > 0) {
    lines.pop();
    const cut: Message = { ...m, lines: [...lines, `…其余 ${m.lines.length - lines.length} 行见投递日志`] };
    if (byteLength(render(cut)) <= maxBytes) return cut;
  }
  const bare: Message = { ...m, lines: [], headline: m.headline };
  let text = bare.headline;
  while (text.length > 1 && byteLength(render({ ...bare, headline: text })) > maxBytes)
    text = text.slice(0, Math.floor(text.length * 0.9));
  return { ...bare, headline: text === m.headline ? text : `${text}…` };
}

/** The mentions of a channel and of a rule together. */
export function mergeMentions(
  a: Partial<Mentions> | null | undefined,
  b: Partial<Mentions> | null | undefined,
): Mentions | null {
  const mobiles = [...new Set([...(a?.mobiles ?? []), ...(b?.mobiles ?? [])])];
  const all = Boolean(a?.all || b?.all);
  return mobiles.length === 0 && !all ? null : { mobiles, all };
}

/**
 * Several messages as one: what the robots' 20-a-minute limit and the end of quiet hours send
 * instead of a flood. Each part keeps its title and headline.
 */
export function mergeMessages(parts: readonly Message[], why: 'overflow' | 'quiet', region: string): Message {
  const urgent = parts.some((p) => p.urgent);
  const title = why === 'quiet' ? `静默时段告警汇总 ${parts.length} 条` : `合并告警 ${parts.length} 条`;
  const headline =
    why === 'quiet'
      ? `静默时段内共 ${parts.length} 条通知,汇总如下`
      : `发送频率已达上限,以下 ${parts.length} 条通知合并发送`;
  const lines = parts.map((p) => `${p.at.slice(11, 16)} ${p.headline}`);
  let mentions: Mentions | null = null;
  for (const p of parts) mentions = mergeMentions(mentions, p.mentions);
  return {
    kind: 'merged',
    title,
    headline,
    lines,
    link: null,
    region,
    rule: null,
    key: null,
    urgent,
    mentions,
    at: parts[parts.length - 1]?.at ?? new Date().toISOString(),
  };
}
