import { DOMAIN_LABELS, LOCALES, METRIC_LABELS, type Locale } from '@zhihui/shared';

// Figures are named once, in shared (METRIC_LABELS): the wall, the meeting view, the report and the CSV agree.
const zm = METRIC_LABELS['zh-CN'];
const em = METRIC_LABELS.en;

// One catalogue: every string the wall shows. Domain words (categories, statuses, reasons …)
// come from DOMAIN_LABELS so the wall, the meeting view and the server's reports agree.
const zh = {
  'app.title': '综合指挥信息化网络中心',
  'app.wallTitle': '{region}综合指挥信息化网络中心',
  'app.subtitle': '社会治理 · 公共视频 · 网格化管理 · 矛盾纠纷调解',
  'link.live': '实时',
  'link.syncing': '同步中',
  'link.connecting': '连接中',
  'link.lost': '链路中断',
  'link.lostBanner': '链路中断 — 数据停留在 {time}({age})',
  'link.reconnecting': '正在自动重连…',
  'link.refusedToken': '服务器拒绝接入:显示令牌无效或已撤销,请联系管理员',
  'link.refusedRate': '服务器拒绝接入:认证失败次数过多,稍后自动重试',
  'link.refusedRetry': '每 30 秒自动重试',
  'link.unknownRegion': '未知区域 {code}',
  'link.error': '无法加载:{message}',
  'age.live': '实时',
  'age.seconds': '{n} 秒前',
  'age.minutes': '{n} 分钟前',
  'age.hours': '{n} 小时前',
  'age.days': '{n} 天前',
  'age.updated': '更新于 {time}',
  'age.stale': '已停更',
  'panel.video': '公共视频',
  'panel.ranking': '运行率排名',
  'panel.trend': '24小时运行率',
  'panel.downReasons': '离线原因',
  'panel.down': '离线时间最长',
  'panel.clues': '今日线索',
  'panel.clueList': '最新线索',
  'panel.grid': '网格治理 · 纠纷调解',
  'panel.mediation': '矛盾纠纷调解',
  'panel.map': '态势地图',
  'panel.alerts': '告警汇总',
  'voice.enable': '点击开启声音',
  'panel.failed': '本栏暂不可用',
  'video.rate': zm.rateNow.short,
  'video.online': '在线',
  'video.offline': '离线',
  'video.unknown': '失联',
  'video.maintenance': zm.maintenance.short,
  'video.channels': '{n}/{total} 路',
  'video.rectification': '今日整改',
  'video.repaired': zm.repaired.short,
  'video.newlyFailed': zm.newlyFailed.short,
  'video.noneDown': '全部通道在线',
  'video.down.duration': '已持续',
  'video.excluded': '维护通道不计入运行率',
  'clues.today': '今日线索',
  'clues.overdue': zm.overdue.name,
  'clues.open': '在办',
  'clues.byCategory': '分类',
  'clues.byStage': '办理环节',
  'clues.none': '今日暂无线索',
  'clues.resolvedRate': zm.resolvedRate.short,
  'clues.urgent': '紧急',
  'clues.overdueMark': '超期',
  'grid.onDuty': '在岗网格员',
  'grid.reports': '今日上报',
  'grid.mediation': zm.mediationRate.short,
  'grid.cases': '近半年调处',
  'grid.appeals': '说事儿',
  'grid.appealFigures': '收集 {collected} · 解决 {resolved}',
  'grid.success': '成功 {n}/{total} 件',
  'grid.breakdown': '近半年纠纷调处',
  'grid.pending': '调解中',
  'map.legend': zm.rateNow.short,
  'map.noData': '无数据',
  'map.approximate': '乡镇边界为示意边界,非官方',
  'map.cameraOffline': '离线点位',
  'map.cameraOnline': '在线点位',
  'map.clue': '线索',
  'map.overdue': '超期',
  'alerts.offline': '{region} {n}路视频离线',
  'alerts.overdue': '{region} {n}条线索超期',
  'alerts.overdueMore': '{n}条线索超期',
  'alerts.none': '各{level}运行正常',
  'alerts.self': '本级',
  'scene.overview': '全域',
  'unit.items': '件',
  'unit.people': '人',
  'unit.channels': '路',
  'unit.count': '条',
  'panel.keyChannels': '重点点位',
  'tile.live': '直播',
  'tile.buffering': '缓冲中',
  'tile.connecting': '连接中',
  'tile.offline': '离线',
  'tile.demo': '演示视频流',
  'tile.frameAge': '画面 {age}',
  'tile.noFrame': '尚无画面',
  'tile.down': '已离线 {duration}',
  'tile.lastSnapshot': '最后快照',
  'tile.streamFailed': '视频流中断:{reason}',
  'tile.retryIn': '{n} 秒后重试',
  'tile.noSource': '未配置视频源',
  'tile.close': '关闭',
  'tile.play': '播放',
  'tile.playNear': '附近视频',
  'tile.near': '距线索 {m} 米',
  'tile.spotlight': '紧急线索 · 最近点位',
  'tile.nearby': '附近点位',
  'tile.none': '本区域暂无可播放的重点点位',
  'tile.noNear': '附近暂无在线点位',
  'tile.auto': '自动选取',
  'tile.mediaError': '浏览器无法播放此视频流',
  'tile.why.platform': '视频平台未能提供视频流',
  'tile.why.media': '媒体服务器无法连接或拒绝',
  'tile.why.busy': '服务器视频会话已满',
  'tile.why.no-source': '未配置视频源',
  'tile.why.stalled': '画面中断',
  'video.sourceDown': zm.sourceDown.name,
  'video.sourceDownNote': '不计入运行率',
  'video.todayRate': '今日时长运行率',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.title': 'Integrated Command & Information Centre',
  'app.wallTitle': '{region} Command Centre',
  'app.subtitle': 'Social governance · Public video · Grid management · Mediation',
  'link.live': 'Live',
  'link.syncing': 'Syncing',
  'link.connecting': 'Connecting',
  'link.lost': 'Link lost',
  'link.lostBanner': 'Link lost — figures as of {time} ({age})',
  'link.reconnecting': 'Reconnecting automatically…',
  'link.refusedToken': 'Refused by the server: the display token is invalid or revoked — ask an administrator',
  'link.refusedRate': 'Refused by the server: too many failed sign-ins — retrying later',
  'link.refusedRetry': 'Retrying every 30 s',
  'link.unknownRegion': 'Unknown region {code}',
  'link.error': 'Cannot load: {message}',
  'age.live': 'live',
  'age.seconds': '{n} s ago',
  'age.minutes': '{n} min ago',
  'age.hours': '{n} h ago',
  'age.days': '{n} d ago',
  'age.updated': 'updated {time}',
  'age.stale': 'stale',
  'panel.video': 'Public video',
  'panel.ranking': 'Uptime ranking',
  'panel.trend': 'Uptime, last 24 h',
  'panel.downReasons': 'Down by reason',
  'panel.down': 'Down longest',
  'panel.clues': 'Clues today',
  'panel.clueList': 'Latest clues',
  'panel.grid': 'Grid & mediation',
  'panel.mediation': 'Dispute mediation',
  'panel.map': 'Situation map',
  'panel.alerts': 'Alerts',
  'voice.enable': 'Click to turn sound on',
  'panel.failed': 'This panel is unavailable',
  'video.rate': em.rateNow.name,
  'video.online': 'Online',
  'video.offline': 'Offline',
  'video.unknown': 'Unknown',
  'video.maintenance': em.maintenance.short,
  'video.channels': '{n}/{total} channels',
  'video.rectification': 'Today',
  'video.repaired': em.repaired.short,
  'video.newlyFailed': em.newlyFailed.short,
  'video.noneDown': 'All channels online',
  'video.down.duration': 'for',
  'video.excluded': 'Channels in maintenance are not counted',
  'clues.today': 'Clues today',
  'clues.overdue': em.overdue.name,
  'clues.open': 'Open',
  'clues.byCategory': 'By category',
  'clues.byStage': 'By stage',
  'clues.none': 'No clues today yet',
  'clues.resolvedRate': em.resolvedRate.short,
  'clues.urgent': 'Urgent',
  'clues.overdueMark': 'Overdue',
  'grid.onDuty': 'Workers on duty',
  'grid.reports': 'Reports today',
  'grid.mediation': em.mediationRate.short,
  'grid.cases': 'Cases, 6 mo',
  'grid.appeals': 'Appeal day',
  'grid.appealFigures': '{collected} in · {resolved} solved',
  'grid.success': '{n}/{total} settled',
  'grid.breakdown': 'Disputes, last 6 months',
  'grid.pending': 'Pending',
  'map.legend': em.rateNow.name,
  'map.noData': 'No data',
  'map.approximate': 'Township boundaries are approximate, not official',
  'map.cameraOffline': 'Channel down',
  'map.cameraOnline': 'Channel up',
  'map.clue': 'Clue',
  'map.overdue': 'Overdue',
  'alerts.offline': '{region}: {n} channel down|{region}: {n} channels down',
  'alerts.overdue': '{region}: {n} clue overdue|{region}: {n} clues overdue',
  'alerts.overdueMore': '{n} clue overdue|{n} clues overdue',
  'alerts.none': 'All {level} normal',
  'alerts.self': 'This region',
  'scene.overview': 'Overview',
  'unit.items': '',
  'unit.people': '',
  'unit.channels': '',
  'unit.count': '',
  'panel.keyChannels': 'Key channels',
  'tile.live': 'LIVE',
  'tile.buffering': 'Buffering',
  'tile.connecting': 'Connecting',
  'tile.offline': 'Offline',
  'tile.demo': 'Demo stream',
  'tile.frameAge': 'Frame {age}',
  'tile.noFrame': 'No frame yet',
  'tile.down': 'Down for {duration}',
  'tile.lastSnapshot': 'Last snapshot',
  'tile.streamFailed': 'Stream lost: {reason}',
  'tile.retryIn': 'Retrying in {n} s',
  'tile.noSource': 'No video source configured',
  'tile.close': 'Close',
  'tile.play': 'Play',
  'tile.playNear': 'Nearby video',
  'tile.near': '{m} m from the clue',
  'tile.spotlight': 'Urgent clue · nearest channel',
  'tile.nearby': 'Nearby',
  'tile.none': 'No key channel to play in this region',
  'tile.noNear': 'No live channel nearby',
  'tile.auto': 'auto',
  'tile.mediaError': 'The browser cannot play this stream',
  'tile.why.platform': 'the video platform gave no stream',
  'tile.why.media': 'the media server is unreachable or refused',
  'tile.why.busy': 'the server has too many video sessions',
  'tile.why.no-source': 'no video source configured',
  'tile.why.stalled': 'the picture stopped',
  'video.sourceDown': em.sourceDown.name,
  'video.sourceDownNote': 'not counted in the rate',
  'video.todayRate': 'Uptime today',
};

const CATALOGUE: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zh, en };

/** `?lang=en` wins, then a saved choice, then Chinese. */
export function detectLocale(search: string = typeof location === 'undefined' ? '' : location.search): Locale {
  const fromUrl = new URLSearchParams(search).get('lang');
  const pick = (v: string | null): Locale | null =>
    v && (LOCALES as readonly string[]).includes(v) ? (v as Locale) : null;
  let saved: string | null;
  try {
    saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('zhihui.lang');
  } catch {
    saved = null;
  }
  return pick(fromUrl) ?? pick(saved) ?? 'zh-CN';
}

let locale: Locale = detectLocale();

export function getLocale(): Locale {
  return locale;
}

/** For tests and for a settings switch: the wall re-renders on its next tick. */
export function setLocale(l: Locale): void {
  locale = l;
  try {
    localStorage.setItem('zhihui.lang', l);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
}

const plurals = new Map<Locale, Intl.PluralRules>();

/**
 * A message in the wall's language. A message may hold `singular|plural` forms (English only);
 * the form follows the `n` variable.
 */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  let s: string = CATALOGUE[locale][key] ?? zh[key];
  const bar = s.indexOf('|');
  if (bar >= 0) {
    let rules = plurals.get(locale);
    if (!rules) plurals.set(locale, (rules = new Intl.PluralRules(locale)));
    s = rules.select(Number(vars?.n ?? 0)) === 'one' ? s.slice(0, bar) : s.slice(bar + 1);
  }
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

type Domain = typeof DOMAIN_LABELS;
/** A domain word (category, status, reason, state, outcome, level) in the wall's language. */
export function label<D extends keyof Domain>(domain: D, key: keyof Domain[D]['zh-CN']): string {
  const table = DOMAIN_LABELS[domain][locale] as Record<string, string>;
  return table[key as string] ?? String(key);
}

type Words = { [D in keyof Domain]?: Partial<Record<keyof Domain[D]['zh-CN'], string>> };
/**
 * The wall's shorter forms of domain words, where the shared vocabulary is too long for a
 * 500-px column (the meeting view and the reports keep the full words).
 */
const WALL_WORDS: Partial<Record<Locale, Words>> = {
  en: {
    category: {
      crowd: 'Crowds',
      epidemic: 'Epidemic',
      hazard: 'Hazard',
      public_opinion: 'Opinion',
      security: 'Security',
    },
    status: { dispatched: 'Assigned' },
  },
};

/** A domain word as the wall shows it: its short form where there is one, else `label`. */
export function wallLabel<D extends keyof Domain>(domain: D, key: keyof Domain[D]['zh-CN']): string {
  const short = WALL_WORDS[locale]?.[domain] as Record<string, string> | undefined;
  return short?.[key as string] ?? label(domain, key);
}
