import type { CameraReason, CameraState } from '../schemas/camera.js';
import type { ClueCategory, ClueSource, ClueStatus, MediationOutcome } from '../schemas/clue.js';
import type { RegionLevel } from '../schemas/region.js';
import type { PeriodKind } from '../time/periods.js';
import type { RankingMetric } from '../metrics/ranking.js';

/** UI languages: Chinese first. */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Labels<K extends string> = Record<Locale, Record<K, string>>;

/** Domain vocabulary in both languages; the client's catalogue and the server's reports use it. */
export const DOMAIN_LABELS: {
  category: Labels<ClueCategory>;
  source: Labels<ClueSource>;
  status: Labels<ClueStatus>;
  reason: Labels<CameraReason>;
  state: Labels<CameraState>;
  outcome: Labels<MediationOutcome>;
  level: Labels<RegionLevel>;
  period: Labels<PeriodKind>;
} = {
  category: {
    'zh-CN': {
      environment: '环保',
      crowd: '人群聚集',
      epidemic: '疫情防控',
      dispute: '矛盾纠纷',
      hazard: '安全隐患',
      public_opinion: '社情民意',
      security: '治安',
      other: '其他',
    },
    en: {
      environment: 'Environment',
      crowd: 'Crowd gathering',
      epidemic: 'Epidemic prevention',
      dispute: 'Dispute',
      hazard: 'Safety hazard',
      public_opinion: 'Public opinion',
      security: 'Public security',
      other: 'Other',
    },
  },
  source: {
    'zh-CN': { video: '视频研判', grid: '网格上报', hotline: '热线', appeal_day: '说事儿日' },
    en: { video: 'Video analytics', grid: 'Grid worker', hotline: 'Hotline', appeal_day: 'Appeal day' },
  },
  status: {
    'zh-CN': {
      reported: '上报',
      verified: '核实',
      dispatched: '派发',
      resolved: '办结',
      closed: '归档',
      invalid: '无效',
    },
    en: {
      reported: 'Reported',
      verified: 'Verified',
      dispatched: 'Dispatched',
      resolved: 'Resolved',
      closed: 'Closed',
      invalid: 'Invalid',
    },
  },
  reason: {
    'zh-CN': {
      power: '断电',
      black_screen: '黑屏',
      network: '网络故障',
      maintenance: '维护',
      other: '其他',
      source_down: '平台离线',
      device_offline: '设备离线',
      auth: '认证失败',
      bad_path: '地址错误',
      video_lost: '视频丢失',
      defect: '设备故障',
      no_stream: '无视频流',
    },
    en: {
      power: 'Power loss',
      black_screen: 'Black screen',
      network: 'Network',
      maintenance: 'Maintenance',
      other: 'Other',
      source_down: 'Platform down',
      device_offline: 'Device offline',
      auth: 'Login refused',
      bad_path: 'Wrong path',
      video_lost: 'Video lost',
      defect: 'Device fault',
      no_stream: 'No stream',
    },
  },
  state: {
    'zh-CN': { online: '在线', offline: '离线', unknown: '失联', maintenance: '计划维护', out_of_service: '停用' },
    en: {
      online: 'Online',
      offline: 'Offline',
      unknown: 'Unknown',
      maintenance: 'Maintenance',
      out_of_service: 'Out of service',
    },
  },
  outcome: {
    'zh-CN': { success: '调解成功', failed: '调解未成', court: '转诉讼' },
    en: { success: 'Mediated', failed: 'Failed', court: 'To court' },
  },
  level: {
    'zh-CN': { province: '省', city: '市', county: '县(区)', township: '乡镇(街道)', village: '村(社区)' },
    en: { province: 'Province', city: 'City', county: 'County', township: 'Township', village: 'Village' },
  },
  period: {
    'zh-CN': {
      today: '今日',
      yesterday: '昨日',
      this_week: '本周',
      last_week: '上周',
      this_half_month: '本半月',
      last_half_month: '上半月',
      this_month: '本月',
      last_month: '上月',
      custom: '自定义',
    },
    en: {
      today: 'Today',
      yesterday: 'Yesterday',
      this_week: 'This week',
      last_week: 'Last week',
      this_half_month: 'This half-month',
      last_half_month: 'Last half-month',
      this_month: 'This month',
      last_month: 'Last month',
      custom: 'Custom',
    },
  },
};

/** The figures the wall, the meeting view, the report, the CSV and the digests name. */
export type MetricLabel =
  | RankingMetric
  | 'rateNow'
  | 'online'
  | 'counted'
  | 'maintenance'
  | 'sourceDown'
  | 'newlyFailed'
  | 'appealsHeard'
  | 'gridReports';

/** A figure's full name (headings, KPI tiles, CSV columns) and its short name (table columns, dense panels). */
export interface MetricName {
  name: string;
  short: string;
}

/**
 * One name per figure, so the wall, the meeting view, the PDF, the CSV and the digests call the
 * same number the same thing. `rate` is the period's time-weighted rate; `rateNow` the share of
 * counted channels online at this moment. `down` is offline plus lost (失联); channels behind a
 * platform that is down are `sourceDown`, and neither they nor planned maintenance are counted.
 */
export const METRIC_LABELS: Record<Locale, Record<MetricLabel, MetricName>> = {
  'zh-CN': {
    rate: { name: '运行率(时间加权)', short: '运行率' },
    rateNow: { name: '运行率', short: '运行率' },
    online: { name: '在线', short: '在线' },
    counted: { name: '应计通道', short: '应计' },
    maintenance: { name: '计划维护', short: '维护' },
    sourceDown: { name: '状态未知(平台离线)', short: '平台离线' },
    down: { name: '离线及失联', short: '离线' },
    repaired: { name: '修复', short: '修复' },
    newlyFailed: { name: '新增故障', short: '新增故障' },
    received: { name: '受理线索', short: '受理' },
    resolved: { name: '办结线索', short: '办结' },
    overdue: { name: '超期未办', short: '超期' },
    resolvedRate: { name: '办结率', short: '办结率' },
    mediationRate: { name: '调解成功率', short: '调解成功率' },
    appealsHeard: { name: '说事儿收集', short: '收集' },
    appealsResolved: { name: '说事儿解决', short: '说事儿解决' },
    gridReports: { name: '网格上报', short: '上报' },
  },
  en: {
    rate: { name: 'Operational rate (time-weighted)', short: 'Uptime' },
    rateNow: { name: 'Operational rate', short: 'Uptime' },
    online: { name: 'Online', short: 'Online' },
    counted: { name: 'Counted channels', short: 'Counted' },
    maintenance: { name: 'Planned maintenance', short: 'Maint.' },
    sourceDown: { name: 'Unknown (platform down)', short: 'Platform down' },
    down: { name: 'Offline or lost', short: 'Down' },
    repaired: { name: 'Repaired', short: 'Repaired' },
    newlyFailed: { name: 'Newly failed', short: 'New faults' },
    received: { name: 'Clues received', short: 'Received' },
    resolved: { name: 'Clues resolved', short: 'Resolved' },
    overdue: { name: 'Overdue', short: 'Overdue' },
    resolvedRate: { name: 'Resolution rate', short: 'Resolved %' },
    mediationRate: { name: 'Mediation success rate', short: 'Mediation' },
    appealsHeard: { name: 'Appeals heard', short: 'Heard' },
    appealsResolved: { name: 'Appeals resolved', short: 'Appeals' },
    gridReports: { name: 'Grid reports', short: 'Reports' },
  },
};

/** The Chinese name of a figure, for the server's reports, CSV and digests. */
export const metricZh = (m: MetricLabel): string => METRIC_LABELS['zh-CN'][m].name;

/** A Chinese name with a note in its parentheses: 离线及失联(路), 状态未知(平台离线,路), 运行率(时间加权,四位小数). */
export const withNote = (name: string, note: string): string =>
  name.endsWith(')') ? `${name.slice(0, -1)},${note})` : `${name}(${note})`;
